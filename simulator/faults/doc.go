// Package faults injects seeded, reproducible faults into pbxsim: HTTP
// faults on the vendor APIs (latency, vendor-shaped 5xx and 429, a dropped
// connection, a timeout), notification faults (dropped, duplicated,
// delayed, reordered and failed deliveries, WebSocket disconnects) and
// apply faults for dialects that answer first and change later (a longer
// answer-to-change delay, or an answer after which nothing happens).
//
// A Rule says what it matches and what it does, and how often: after the
// first N matches, at most Times times, with a Probability. Whether the
// n-th match of a rule fires, and the latency it adds, are drawn from a
// random source seeded by (engine seed, rule id, n) alone, so a rerun with
// the same seed and the same requests reproduces the same faults, whatever
// else runs at the same time.
//
//	eng := faults.New(faults.Options{Seed: 42, Clock: sim.Clock(), Journal: sim.Journal(),
//		Dialects: faults.Dialects{{Name: "acme", Disconnect: true}}}) // what each dialect declares
//	_, err := eng.Add(faults.Rule{ID: "bridge-503",
//		Match:  faults.Match{Dialect: "acme", Operation: "bridge"},
//		Action: faults.Action{Status: 503}, Times: 1})
//	handler = eng.Middleware(routes)(handler) // routes map path prefixes to dialects
//
// The engine names no dialect: each declares itself with a DialectSpec
// (its name, operations, whether it applies changes after answering and
// whether it has sockets to cut). Dialects consult the engine where a
// notification is delivered (Notification + Outbox) and where a change is
// applied after its answer (Apply). The control API serves the engine under /sim/v1/faults; see
// docs/faults.md.
package faults
