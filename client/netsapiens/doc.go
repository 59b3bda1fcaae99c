// Package netsapiens is the reference attended-transfer client for the
// NetSapiens NS API v2 (/ns-api/v2).
//
// It owns the vendor REST surface a warm-transfer integration needs: active
// calls (list, read, hold, unhold, answer, reject, disconnect, make call),
// transfers, event subscriptions and a webhook receiver for the legacy
// underscore call payloads, plus API-key and password-grant token auth. It
// knows nothing about pbxsim and works unchanged against a real NetSapiens
// server.
//
// The attended transfer follows the vendor's "Attended Transfer via API"
// guide step by step: read calls, hold the original call by its
// call-term-call-id, make the consultation call, read its call-session-id,
// check both calls are active, then PATCH .../calls/{call-orig-call-id}/transfer
// with hostname and call-destination-session-id. Writes answer 202 before the
// switch acts, so every step waits for the state it caused by polling with a
// deadline.
//
//	c, _ := netsapiens.New(netsapiens.Config{
//		BaseURL: "https://pbx.example.com",
//		Domain:  "TEST",
//		Auth:    netsapiens.APIKey("nsd_..."),
//	})
//	// 1000 is in a call; 1010 answers the consultation call.
//	t, err := c.AttendedTransfer(ctx, "1000", "1010")
//
// The attended transfer body type has no call-term-user field on purpose:
// sending it turns the attended transfer into a blind one (see the guide's
// "API Documentation Correction"). Only RawTransfer can send it, for specs
// that exercise that trap.
//
// Choices the vendor's documents leave open (reference/netsapiens.md §3.3):
//   - hostname is the consult call's core-server (the schema says "where the
//     call currently resides", v1 said "of the destination session"; on one
//     core they agree);
//   - the hold waits for the user's side to read "held" (no source names the
//     held call-info; SkipHoldCheck turns the wait off);
//   - for a call the user placed, the hold uses the call-orig-call-id (the
//     guide covers only a call the user received);
//   - the term side's call-info is read under both spellings,
//     term-orig-info (schema) and call-term-info (guide).
package netsapiens
