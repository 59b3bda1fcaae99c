// Package thirdvendor proves the plug-in design of issue 11: Zed, a
// made-up third PBX vendor, plugs into pbxsim (package zed: a scenario
// section, a route table, an error vocabulary, a fault spec, a dialect
// factory) and into xfer-conform (package zedsteps: a steps.Vendor) from
// this folder alone, through the same interfaces the RingCentral and
// NetSapiens plug-ins use. The test in this package runs a Zed feature
// (features/) on an embedded pbxsim that serves all three vendors.
//
// Nothing outside test/thirdvendor names Zed; adding it touched no other
// file (docs/architecture.md, "Adding a vendor").
package thirdvendor
