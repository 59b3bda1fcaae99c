// Package steps holds the harness of xfer-conform's executable specs
// (features/): the godog scenario initializer, one World per scenario,
// the vendor-neutral steps (the control API's, the world sentences every
// vendor shares, @faults, @integration), Await and the transcript, and
// the Vendor interface with its registry.
//
// The rooms around it, each a package:
//
//	steps/target           where the PBX is: a pbxsim at a URL, a real tenant (Target, Facts)
//	steps/target/embedded  pbxsim in-process; the only package here that imports the simulator
//	steps/judge            the integration judge: hand-over, integrations, named checks
//	steps/bundle           the results bundle (xfer-conform --out)
//	steps/ringcentral      RingCentral's steps, world driver and state (a Vendor)
//	steps/netsapiens       NetSapiens' steps, world driver and state (a Vendor)
//
// Steps reach the PBX only through client/ and a Target. A vendor package
// registers itself (Register) from its init; a feature picks its vendor
// by tag (@ringcentral), and the shared world sentences ("the consult
// picks up") are played on that vendor. A vendor keeps its per-scenario
// state with State.
//
//	godog.TestSuite{
//		ScenarioInitializer: steps.Initializer(steps.Config{NewTarget: embedded.New(nil)}),
//		Options:             &godog.Options{FS: features.FS, Strict: true},
//	}.Run()
package steps
