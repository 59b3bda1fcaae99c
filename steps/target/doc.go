// Package target hides where the PBX under test is: a pbxsim at a URL
// (each scenario gets a tenant set of its own on it), a vendor's real
// tenant configured by a tenant file and XFER_* variables, or an embedded pbxsim (package embedded, the only one that
// starts the simulator). A Target gives the scenario its Facts (who plays
// which role, how to reach the PBX) and, on pbxsim, the control API
// client. It imports client/ only, never the simulator.
//
//	newTarget := target.URL("http://127.0.0.1:8080", "", embedded.Own)
//	t, err := newTarget(ctx, http.DefaultClient)
//	if err != nil { ... }
//	defer t.Close()
//	fmt.Println(t.Facts().Of(vendor)) // the vendor's own facts type
//
// It knows no vendor by name: each vendor reads its facts and its tenant
// config section (Vendor, RegisterVendor).
package target
