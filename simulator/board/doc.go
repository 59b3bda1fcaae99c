// Package board is pbxsim's call board: a web page at /sim/ that shows
// what the PBX holds, live. It lists the tenants with their users and
// devices, the calls with every leg's state (held, gone and where a
// transferred leg went), and a running feed of the core's events and of
// the vendor requests in the journal.
//
// The page and its script and style are embedded in the binary (embed.FS);
// it fetches nothing from the internet. The browser gets one snapshot and
// then server-sent events (GET /sim/stream). What the stream sends is
// bounded: each browser reads the core's events through a bounded
// subscription, and a browser too slow to keep up is dropped by the core
// (it never blocks the PBX) and then resynchronised with a fresh snapshot.
//
// The board shows the state through the control API's own views
// (control.ViewCall, control.ViewEvent), so a call looks the same in
// GET /sim/v1/calls and on the board, and it sits behind the control
// token when one is set: a browser passes it once as /sim/?token=...,
// which the board turns into a cookie.
//
//	b := board.New(sim, board.Options{Token: controlToken})
//	b.Mount(router) // GET /sim/, /sim/state, /sim/stream, /sim/assets/...
package board
