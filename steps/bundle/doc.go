// Package bundle writes the results bundle of a run (xfer-conform --out):
// for every scenario a folder with its transcript, pbxsim's journal and
// event log, and what the reference clients received; an index.json; and
// the HTML report (package report). It sees a scenario only through the
// World's exported surface.
//
//	results := bundle.New("out")
//	cfg := steps.Config{NewTarget: newTarget, OnScenarioStart: results.Start, OnScenarioEnd: results.End}
//	// ... run the suite ...
//	err := results.Close()
package bundle
