// Package steps holds the godog step definitions of xfer-conform's
// executable specs (features/). Each scenario gets its own World; a Target
// hides where the PBX is (an embedded pbxsim, a running pbxsim, a real
// tenant), and steps reach the PBX only through the reference clients in
// client/ and the Target's control API.
//
//	godog.TestSuite{
//		ScenarioInitializer: steps.Initializer(steps.Config{NewTarget: embedded.New(nil)}),
//		Options:             &godog.Options{FS: features.FS, Strict: true},
//	}.Run()
package steps
