package simulator_test

import (
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// ended reports whether the call has ended.
func ended(t *testing.T, sim *simulator.Sim, id string) bool {
	t.Helper()
	c, err := sim.Call(id)
	if err != nil {
		t.Fatal(err)
	}
	return !c.Ended.IsZero()
}

// Rule: a call runs on the clock of the tenant it comes from; a call from
// an outside number runs on the clock of the tenant it goes to; advancing
// one tenant's clock times out only the calls on it, and the Sim's clock
// does not move. Source: issue 12 item 2 (tenant clocks, as Stripe's test
// clocks); docs/control-api.md "Tenant clocks" (the originating tenant's
// clock governs a call between tenants).
func TestACallRunsOnItsOriginatingTenantsClock(t *testing.T) {
	sim := twoTenants(t)
	global := sim.Clock().(*simulator.ManualClock)
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clkA := simulator.NewManualClock(start)
	sim.SetTenantClock("A", clkA)
	if sim.ClockOf("A") != simulator.Clock(clkA) || sim.ClockOf("B") != sim.Clock() || sim.ClockOf("") != sim.Clock() {
		t.Fatal("ClockOf: want A's own clock for A, the Sim's for B and for no tenant")
	}

	aToB := call(t, sim, "1@A", "2@B")         // A's clock
	bToA := call(t, sim, "1@B", "2@A")         // B's (the Sim's) clock
	inA := call(t, sim, "+15550001111", "1@A") // outside: the called tenant's
	inB := call(t, sim, "+15550001112", "1@B") // the Sim's
	if !aToB.Created.Equal(start) || !inA.Created.Equal(start) || bToA.Created.Equal(start) {
		t.Fatalf("created at %s, %s and %s; want A's clock for the first two", aToB.Created, inA.Created, bToA.Created)
	}
	before := global.Now()
	clkA.Advance(61 * time.Second)
	if !ended(t, sim, aToB.ID) || !ended(t, sim, inA.ID) {
		t.Error("the calls on A's clock still ring after it passed the ring timeout")
	}
	if ended(t, sim, bToA.ID) || ended(t, sim, inB.ID) {
		t.Error("a call on the Sim's clock ended when A's clock moved")
	}
	if !global.Now().Equal(before) {
		t.Error("the Sim's clock moved with A's")
	}
	if c, _ := sim.Call(aToB.ID); !c.Ended.Equal(start.Add(60 * time.Second)) {
		t.Errorf("A's call ended at %s, want %s on A's clock", c.Ended, start.Add(60*time.Second))
	}
	global.Advance(61 * time.Second)
	if !ended(t, sim, bToA.ID) || !ended(t, sim, inB.ID) {
		t.Error("the calls on the Sim's clock still ring after it passed the ring timeout")
	}
}

// Rule: removing a tenant forgets its clock; a closed clock's timers
// never fire, and timers set on it later never fire either.
// Source: issue 12 item 1 (deleting a tenant set frees what it held) and
// item 2.
func TestRemovingATenantForgetsItsClock(t *testing.T) {
	sim := twoTenants(t)
	clkA := simulator.NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	sim.SetTenantClock("A", clkA)
	call(t, sim, "1@A", "2@A")
	if clkA.Pending() == 0 {
		t.Fatal("a ringing call armed no timer on A's clock")
	}
	must(t, sim.RemoveTenant("A"))
	if _, ok := sim.TenantClock("A"); ok {
		t.Error("the core still holds a removed tenant's clock")
	}
	if n := clkA.Close(); n == 0 {
		t.Error("Close stopped no timer")
	}
	fired := false
	clkA.AfterFunc(time.Second, func() { fired = true })
	clkA.Advance(time.Hour)
	if fired || clkA.Pending() != 0 {
		t.Errorf("a closed clock fired a timer (%v) or holds %d", fired, clkA.Pending())
	}
}
