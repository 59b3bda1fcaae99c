package simulator_test

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

func newSim(t testing.TB) (*simulator.Sim, *simulator.ManualClock) {
	t.Helper()
	clk := simulator.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	sim := simulator.New(simulator.Options{Clock: clk, Seed: 7})
	if err := scenario.Default().Apply(sim); err != nil {
		t.Fatal(err)
	}
	return sim, clk
}

func call(t testing.TB, sim *simulator.Sim, from, to string) simulator.Call {
	t.Helper()
	f, err := sim.Resolve(from, "")
	if err != nil {
		t.Fatal(err)
	}
	tt, err := sim.Resolve(to, f.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	c, err := sim.Originate(simulator.OriginateRequest{From: f, To: tt})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Each operation validates state and returns a typed error the dialects map
// to their vendor's body (issue 2).
func TestOperationsReturnTypedErrors(t *testing.T) {
	sim, _ := newSim(t)
	a := call(t, sim, "101", "102")
	cases := []struct {
		name string
		err  error
		want simulator.ErrorCode
	}{
		{"unknown leg", sim.Answer("L999"), simulator.ErrNotFound},
		{"hold a ringing leg", sim.Hold(a.Legs[1].ID), simulator.ErrWrongState},
		{"reject the caller", sim.Reject(a.Legs[0].ID), simulator.ErrWrongState},
		{"mute a ringing leg", sim.Mute(a.Legs[1].ID, true), simulator.ErrWrongState},
		{"unknown call", sim.HangupCall("C999"), simulator.ErrNotFound},
	}
	for _, c := range cases {
		if got := simulator.CodeOf(c.err); got != c.want {
			t.Errorf("%s: code %q (%v), want %q", c.name, got, c.err, c.want)
		}
	}
	if err := sim.Answer(a.Legs[1].ID); err != nil {
		t.Fatal(err)
	}
	if code := simulator.CodeOf(sim.Answer(a.Legs[1].ID)); code != simulator.ErrWrongState {
		t.Errorf("answering twice: %q", code)
	}
	self, _ := sim.Resolve("101", "")
	if _, err := sim.Originate(simulator.OriginateRequest{From: self, To: self}); simulator.CodeOf(err) != simulator.ErrNotAllowed {
		t.Errorf("calling oneself: %v", err)
	}
}

// An attended transfer joins two calls of ONE user and refuses everything
// else (DESIGN.md core model; the RC seed: "both party IDs that belong to
// the operator").
func TestAttendedTransferRefusals(t *testing.T) {
	sim, _ := newSim(t)
	a := call(t, sim, "101", "102")
	must(t, sim.Answer(a.Legs[1].ID))
	b := call(t, sim, "102", "103")
	must(t, sim.Answer(b.Legs[1].ID))
	c := call(t, sim, "+15555555555", "1000")
	must(t, sim.Answer(c.Legs[1].ID))

	if err := sim.AttendedTransfer(a.Legs[1].ID, a.Legs[0].ID); simulator.CodeOf(err) != simulator.ErrNotAllowed {
		t.Errorf("same call twice: %v", err)
	}
	if err := sim.AttendedTransfer(a.Legs[1].ID, c.Legs[1].ID); simulator.CodeOf(err) != simulator.ErrNotAllowed {
		t.Errorf("another user's leg: %v", err)
	}
	if err := sim.AttendedTransfer(a.Legs[0].ID, b.Legs[1].ID); simulator.CodeOf(err) != simulator.ErrNotAllowed {
		t.Errorf("customer and consult legs: %v", err)
	}
	must(t, sim.AttendedTransfer(a.Legs[1].ID, b.Legs[0].ID))
	after, _ := sim.Call(a.ID)
	live := after.LiveLegs()
	if len(live) != 2 || live[0].Endpoint.UserID != "684349005" || live[1].Endpoint.UserID != "684352005" {
		t.Fatalf("after the transfer call A's live legs are %+v, want customer 101 and consult 103", live)
	}
	if err := sim.AttendedTransfer(a.Legs[1].ID, b.Legs[0].ID); simulator.CodeOf(err) != simulator.ErrWrongState {
		t.Errorf("transferring again from gone legs: %v", err)
	}
	if got := sim.CallsOfUser("684349005", "684351005"); len(got) != 0 {
		t.Errorf("operator still has calls after leaving: %+v", got)
	}
}

// A slow subscriber is dropped instead of blocking the core (issue 2; STYLE.md, wtf inmem/event.go).
func TestSlowSubscriberIsDroppedNotBlocking(t *testing.T) {
	sim, _ := newSim(t)
	slow := sim.Subscribe(simulator.SubscribeOptions{Buffer: 2})
	fast := sim.Subscribe(simulator.SubscribeOptions{Buffer: 100})
	defer fast.Close()
	c := call(t, sim, "101", "102") // 3 events
	must(t, sim.Answer(c.Legs[1].ID))
	if !slow.Overflowed() {
		t.Fatal("a subscriber whose queue overflowed was not dropped")
	}
	n := 0
	for range slow.C {
		n++
	}
	if n != 2 {
		t.Errorf("slow subscriber got %d events before its channel closed, want its 2 buffered", n)
	}
	if len(fast.C) != 5 {
		t.Errorf("fast subscriber has %d events queued, want 5", len(fast.C))
	}
}

// Sequence numbers count per call across its legs, strictly increasing
// (RingCentral reference §2.3: sequence is per session across parties).
func TestSequencePerCall(t *testing.T) {
	sim, _ := newSim(t)
	sub := sim.Subscribe(simulator.SubscribeOptions{Buffer: 100})
	a := call(t, sim, "101", "102")
	b := call(t, sim, "103", "1000@TEST")
	_ = b
	must(t, sim.Answer(a.Legs[1].ID))
	last := map[string]int64{}
	var global uint64
	for len(sub.C) > 0 {
		e := <-sub.C
		if e.CallSeq != last[e.Call.ID]+1 {
			t.Errorf("call %s: sequence %d after %d", e.Call.ID, e.CallSeq, last[e.Call.ID])
		}
		if e.Seq <= global {
			t.Errorf("global sequence %d after %d", e.Seq, global)
		}
		last[e.Call.ID], global = e.CallSeq, e.Seq
	}
}

// Ended calls stay readable for the retention period, then are forgotten
// with their vendor aliases (timers run on the injected clock).
func TestEndedCallsAreForgottenAfterRetention(t *testing.T) {
	clk := simulator.NewManualClock(time.Unix(0, 0))
	sim := simulator.New(simulator.Options{Clock: clk, Retention: time.Minute})
	must(t, sim.AddTenant(simulator.Tenant{ID: "T", Kind: "x"}))
	must(t, sim.AddUser(simulator.User{TenantID: "T", ID: "1", Extension: "1"}))
	sim.AddNamer(fixedNamer{})
	to, _ := sim.Resolve("1@T", "")
	c, err := sim.Originate(simulator.OriginateRequest{From: simulator.Endpoint{Number: "+15550001111"}, To: to})
	must(t, err)
	if _, ok := sim.LookupCall("x.id", "call-"+c.ID); !ok {
		t.Fatal("namer's attribute is not indexed")
	}
	must(t, sim.HangupCall(c.ID))
	clk.Advance(59 * time.Second)
	if _, err := sim.Call(c.ID); err != nil {
		t.Fatal("ended call forgotten before its retention period")
	}
	clk.Advance(time.Second)
	if _, err := sim.Call(c.ID); simulator.CodeOf(err) != simulator.ErrNotFound {
		t.Fatalf("ended call still held after retention: %v", err)
	}
	if _, ok := sim.LookupCall("x.id", "call-"+c.ID); ok {
		t.Fatal("alias of a forgotten call still resolves")
	}
}

// Ended calls wait for their retention in one queue with one timer: each
// is forgotten at its own due instant, not before, whatever else is
// queued, and a hundred ended calls hold one timer, not a hundred.
func TestRetentionForgetsEachCallAtItsOwnInstant(t *testing.T) {
	clk := simulator.NewManualClock(time.Unix(0, 0))
	sim := simulator.New(simulator.Options{Clock: clk, Retention: time.Minute})
	must(t, sim.AddTenant(simulator.Tenant{ID: "T", Kind: "x"}))
	must(t, sim.AddUser(simulator.User{TenantID: "T", ID: "1", Extension: "1"}))
	to, _ := sim.Resolve("1@T", "")
	var ids []string
	for i := 0; i < 100; i++ {
		c, err := sim.Originate(simulator.OriginateRequest{From: simulator.Endpoint{Number: "+15550001111"}, To: to})
		must(t, err)
		must(t, sim.HangupCall(c.ID))
		ids = append(ids, c.ID)
		clk.Advance(time.Second)
	}
	// Call i ended at i s and is due at 60+i s; the clock is at 100 s, so
	// calls 0..40 are gone. One ring timer was stopped per call; what is
	// left pending is the one retention timer.
	if n := clk.Pending(); n != 1 {
		t.Fatalf("%d timers pending for 100 ended calls, want 1", n)
	}
	for step := 0; step < 100; step++ {
		now := 100 + step // seconds
		for i, id := range ids {
			_, err := sim.Call(id)
			if gone := 60+i <= now; gone != (simulator.CodeOf(err) == simulator.ErrNotFound) {
				t.Fatalf("at %d s: call %d (due at %d s): forgotten %v, want %v", now, i, 60+i, !gone, gone)
			}
		}
		clk.Advance(time.Second)
	}
	if n := clk.Pending(); n != 0 {
		t.Fatalf("%d timers pending once every call is forgotten", n)
	}
	// The queue starts again once empty.
	c, err := sim.Originate(simulator.OriginateRequest{From: simulator.Endpoint{Number: "+15550001111"}, To: to})
	must(t, err)
	must(t, sim.HangupCall(c.ID))
	clk.Advance(time.Minute)
	if _, err := sim.Call(c.ID); simulator.CodeOf(err) != simulator.ErrNotFound {
		t.Fatalf("a call ended after the queue emptied is still held: %v", err)
	}
}

type fixedNamer struct{}

func (fixedNamer) NameCall(c *simulator.Call, from, to simulator.Endpoint, r *rand.Rand) map[string]string {
	return map[string]string{"x.id": "call-" + c.ID}
}
func (fixedNamer) NameLeg(c *simulator.Call, l *simulator.Leg, r *rand.Rand) map[string]string {
	return map[string]string{"x.leg": c.Attrs["x.id"] + "-" + l.ID}
}

// Addresses resolve the way the control API documents (docs/control-api.md).
func TestResolveAddresses(t *testing.T) {
	sim, _ := newSim(t)
	cases := map[string]string{
		"+11111111111":   "TEST/1000",
		"+15555555555":   "outside +15555555555",
		"102":            "684349005/684351005",
		"102@684349005":  "684349005/684351005",
		"agent k":        "684349005/684352005",
		"user:TEST/1010": "TEST/1010",
		"device:1000wp":  "TEST/1000",
	}
	for addr, want := range cases {
		ep, err := sim.Resolve(addr, "")
		if err != nil {
			t.Errorf("%q: %v", addr, err)
			continue
		}
		got := ep.TenantID + "/" + ep.UserID
		if !ep.IsUser() {
			got = "outside " + ep.Number
		}
		if got != want {
			t.Errorf("%q resolved to %s, want %s", addr, got, want)
		}
	}
	for _, bad := range []string{"", "+1x", "999", "nobody", "user:TEST", "device:nope", "5@nowhere"} {
		if _, err := sim.Resolve(bad, ""); err == nil {
			t.Errorf("%q resolved; want an error", bad)
		} else if strings.Contains(err.Error(), "%!") {
			t.Errorf("%q: badly formatted error %q", bad, err)
		}
	}
}

// Reset ends every call and stale timers do nothing afterwards.
func TestResetCancelsTimers(t *testing.T) {
	sim, clk := newSim(t)
	must(t, sim.SetAnswerPolicy("684349005", "684352005", simulator.AnswerPolicy{Mode: simulator.AnswerAuto, Delay: time.Second}))
	call(t, sim, "102", "103")
	sim.Reset()
	clk.Advance(time.Minute)
	if n := len(sim.Calls()); n != 0 {
		t.Fatalf("%d calls after reset", n)
	}
	if n := len(sim.Events(0)); n != 0 {
		t.Fatalf("%d events after reset and a minute", n)
	}
}

// The manual clock fires timers in due order, each at its own instant, and
// never before it is advanced.
func TestManualClockOrder(t *testing.T) {
	clk := simulator.NewManualClock(time.Unix(0, 0))
	var got []string
	clk.AfterFunc(2*time.Second, func() { got = append(got, "b@"+clk.Now().Format("05")) })
	clk.AfterFunc(time.Second, func() {
		got = append(got, "a@"+clk.Now().Format("05"))
		clk.AfterFunc(500*time.Millisecond, func() { got = append(got, "a2") })
	})
	stopped := clk.AfterFunc(time.Second, func() { got = append(got, "never") })
	if !stopped.Stop() {
		t.Fatal("Stop on a pending timer returned false")
	}
	if len(got) != 0 {
		t.Fatal("a timer fired without Advance")
	}
	clk.Advance(3 * time.Second)
	if strings.Join(got, ",") != "a@01,a2,b@02" {
		t.Fatalf("fired %v", got)
	}
	if clk.Pending() != 0 {
		t.Fatalf("%d timers still pending", clk.Pending())
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Snapshots share attribute maps (they are never written once set), so
// what a caller passes as preset attributes is copied, and every namer
// sees the call and leg as they were before the namers ran.
func TestAttrsPresetCopiedAndNamersSeeUnnamed(t *testing.T) {
	sim, _ := newSim(t)
	seen := &seeingNamer{}
	sim.AddNamer(fixedNamer{})
	sim.AddNamer(seen)
	from, _ := sim.Resolve("101", "")
	to, _ := sim.Resolve("102", "")
	preset := map[string]string{"x.preset": "p"}
	c, err := sim.Originate(simulator.OriginateRequest{From: from, To: to, CallAttrs: preset, FromAttrs: preset})
	if err != nil {
		t.Fatal(err)
	}
	preset["x.preset"] = "changed"
	preset["x.late"] = "late"
	got, _ := sim.Call(c.ID)
	if got.Attrs["x.preset"] != "p" || got.Attrs["x.late"] != "" || got.Legs[0].Attrs["x.preset"] != "p" || got.Legs[0].Attrs["x.late"] != "" {
		t.Fatalf("preset attributes changed after Originate: call %v, leg %v", got.Attrs, got.Legs[0].Attrs)
	}
	if got.Attrs["x.id"] != "call-"+c.ID || got.Attrs["y.seen"] != "" || got.Legs[0].Attrs["x.leg"] == "" {
		t.Fatalf("namers' attributes: call %v, leg %v", got.Attrs, got.Legs[0].Attrs)
	}
	if seen.callSaw != "" || seen.legSaw != "" {
		t.Fatalf("the second namer saw the first one's attributes: call %q, leg %q", seen.callSaw, seen.legSaw)
	}
	if got.Attrs["y.call"] != "y" || got.Legs[1].Attrs["y.leg"] != "y" {
		t.Fatalf("the second namer's attributes are missing: call %v, leg %v", got.Attrs, got.Legs[1].Attrs)
	}
}

// seeingNamer records whether it saw fixedNamer's attributes.
type seeingNamer struct{ callSaw, legSaw string }

func (n *seeingNamer) NameCall(c *simulator.Call, from, to simulator.Endpoint, r *rand.Rand) map[string]string {
	n.callSaw += c.Attrs["x.id"]
	return map[string]string{"y.call": "y", "x.id": "ignored: already set"}
}
func (n *seeingNamer) NameLeg(c *simulator.Call, l *simulator.Leg, r *rand.Rand) map[string]string {
	n.legSaw += l.Attrs["x.leg"]
	return map[string]string{"y.leg": "y"}
}

// An extension dialled without a tenant is the one user with that
// extension in any tenant; in several tenants it is ambiguous; once a
// tenant is removed its extensions resolve no more (docs/control-api.md,
// addresses).
func TestExtensionAcrossTenants(t *testing.T) {
	sim := simulator.New(simulator.Options{Clock: simulator.NewManualClock(time.Unix(0, 0))})
	for _, id := range []string{"A", "B"} {
		must(t, sim.AddTenant(simulator.Tenant{ID: id, Kind: "x"}))
		must(t, sim.AddUser(simulator.User{TenantID: id, ID: "u" + id, Extension: "201"}))
	}
	must(t, sim.AddUser(simulator.User{TenantID: "B", ID: "only", Extension: "202"}))
	if ep, err := sim.Resolve("202", ""); err != nil || ep.TenantID != "B" || ep.UserID != "only" {
		t.Fatalf("202 resolves to %+v, %v", ep, err)
	}
	if _, err := sim.Resolve("201", ""); simulator.CodeOf(err) != simulator.ErrInvalid || !strings.Contains(err.Error(), "several tenants") {
		t.Fatalf("201 in two tenants: %v", err)
	}
	if ep, err := sim.Resolve("201", "A"); err != nil || ep.UserID != "uA" {
		t.Fatalf("201 near A resolves to %+v, %v", ep, err)
	}
	must(t, sim.RemoveTenant("B"))
	if ep, err := sim.Resolve("201", ""); err != nil || ep.UserID != "uA" {
		t.Fatalf("201 after B is removed resolves to %+v, %v", ep, err)
	}
	if _, err := sim.Resolve("202", ""); simulator.CodeOf(err) != simulator.ErrNotFound {
		t.Fatalf("202 of a removed tenant: %v", err)
	}
}
