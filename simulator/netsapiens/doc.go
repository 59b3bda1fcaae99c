// Package netsapiens is pbxsim's NetSapiens dialect: the NS API v2 under
// /ns-api/v2 for the scenario's NetSapiens domains.
//
// It owns what a NetSapiens client sees: ActiveCall objects with the v2
// hyphenated names and real ID formats (20-digit call-session-id, term
// call-ids "<20 digits>-<32 hex>", orig call-ids as the caller sent them),
// the call actions (make call, hold, unhold, answer, transfer, reject,
// disconnect) that answer 202 and change the call after the scenario's
// apply delay on the simulator clock, API keys (nss_/nsr_/nsd_/nsu_),
// access tokens and JWTs, {code,message} errors, and event subscriptions
// that post legacy underscore call objects to a webhook. Behaviour the
// vendor leaves open is a quirk profile selected per domain (quirks.go,
// docs/quirks.md).
//
//	d, err := netsapiens.New(sim, sc, netsapiens.Options{})
//	if err != nil { ... }
//	defer d.Close()
//	d.Mount(router) // GET /ns-api/v2/domains/TEST/calls, ...
//
// Where to look: routes.go holds the one route table (operation name,
// method, path, handler); the router, the fault operations
// (OperationNames) and the route list of docs/netsapiens.md are built from
// it. errors.go is the error vocabulary: a refusal names its kind
// (refuse(errDenied, ...)) and the kind carries the status.
//
// The core knows nothing of NetSapiens: the dialect names calls through a
// simulator.Namer (attributes netsapiens.call-session-id on calls,
// netsapiens.call-id on legs) and renders core events for subscribers.
package netsapiens
