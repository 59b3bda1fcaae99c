// Package simulator is the vendor-neutral PBX core of pbxsim.
//
// It owns the world a PBX keeps: tenants (a vendor's accounts or
// domains), their users, devices and numbers, and the calls between them.
// A call is a set of legs joined in one media bridge; a leg is one
// endpoint's part in it (a vendor's party, or one side of its call) and
// moves through the states setup, proceeding, answered, held,
// disconnected and gone.
//
// Every change appends an Event with a per-call sequence number. Dialects
// (one package per vendor under simulator/) render those events as vendor
// notifications; they never see each other. Time comes from an injected
// Clock so tests drive timers (ring-no-answer, auto-answer, a dialect's
// answer-then-apply delay, token expiry) without sleeping.
//
//	clk := simulator.NewManualClock(time.Unix(0, 0))
//	sim := simulator.New(simulator.Options{Clock: clk, Seed: 1})
//	_ = sim.AddTenant(simulator.Tenant{ID: "TEST", Kind: "acme"})
//	call, _ := sim.Originate(simulator.OriginateRequest{From: caller, To: callee})
//	_ = sim.Answer(call.Legs[1].ID)
//
// All state sits behind one mutex; no network I/O happens while it is held,
// and event fan-out uses bounded per-subscriber queues, so a slow
// subscriber is dropped rather than slowing the PBX. The event log and the
// request Journal are rings bounded in entries and in bytes: appending
// costs the same however much history they hold (docs/limits.md). Timer
// callbacks recover from panics, so no timer takes the process down.
package simulator
