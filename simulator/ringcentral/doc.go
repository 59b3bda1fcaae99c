// Package ringcentral is pbxsim's RingCentral dialect: it speaks the
// RingCentral Call Control REST API (telephony sessions and parties,
// call-out), the OAuth endpoints the official SDKs use, the account and
// extension reads that ringcentral-call-control preloads, and telephony
// session notifications over WebSocket (the wstoken / ConnectionDetails /
// ClientRequest protocol of @ringcentral/subscriptions) and WebHook.
//
// It owns everything vendor-shaped: session and party IDs (s-<hex>,
// p-<hex>-<n>), JSON bodies, error bodies, token lifetimes on the sim clock,
// subscriptions and their delivery. The call model itself lives in the
// simulator core; this package only translates.
//
//	d, err := ringcentral.New(sim, sc, ringcentral.Options{})
//	if err != nil { return err }
//	defer d.Close()
//	r := mux.NewRouter()
//	d.Mount(r) // /restapi/... and the WebSocket path (/ws by default)
//
// Where to look: routes.go holds the one route table (operation name,
// method, path, guard, handler, rate-limit group); the router, the fault
// operations (OperationNames), the rate-limit groups and the route list of
// docs/ringcentral.md are built from it. errors.go is the error vocabulary
// (refuse(errName, detail), refuseOAuth) and errorcodes.go every code;
// no other file builds an error body.
//
// Facts come from ../shared/reference/ringcentral.md; where they run out the
// behaviour is a named quirk (see quirks.go and docs/quirks.md).
package ringcentral
