// Package simulator is the vendor-neutral PBX core of pbxsim.
//
// It owns the world a PBX keeps: tenants (RingCentral accounts, NetSapiens
// domains), their users, devices and numbers, and the calls between them.
// A call is a set of legs joined in one media bridge; a leg is one
// endpoint's part in it (a RingCentral party, a NetSapiens orig or term
// side) and moves through the states setup, proceeding, answered, held,
// disconnected and gone.
//
// Every change appends an Event with a per-call sequence number. Dialects
// (simulator/ringcentral, simulator/netsapiens) render those events as
// vendor notifications; they never see each other. Time comes from an
// injected Clock so tests drive timers (ring-no-answer, auto-answer, the
// NetSapiens 202 delay, token expiry) without sleeping.
//
//	clk := simulator.NewManualClock(time.Unix(0, 0))
//	sim := simulator.New(simulator.Options{Clock: clk, Seed: 1})
//	_ = sim.AddTenant(simulator.Tenant{ID: "TEST", Kind: "netsapiens"})
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
