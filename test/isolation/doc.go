// Package isolation checks, black-box against a full pbxsim, that tenants
// are isolated and that credentials are refused the way each vendor
// refuses them (issue 7, "Isolation and auth"). The world is
// testdata/scenarios/two-tenants.yaml: RingCentral accounts A and B,
// NetSapiens domains TEST and OTHER, each with an answered call, a
// signed-in operator and a webhook subscription (test/world).
//
//	go test ./test/isolation/ -v
package isolation
