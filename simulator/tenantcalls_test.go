package simulator_test

import (
	"fmt"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// twoTenants is a Sim with tenants A and B, users 1 and 2 in each.
func twoTenants(t testing.TB) *simulator.Sim {
	t.Helper()
	sim, _ := newSim(t)
	for _, tn := range []string{"A", "B"} {
		must(t, sim.AddTenant(simulator.Tenant{ID: tn, Kind: "x"}))
		for _, u := range []string{"1", "2"} {
			must(t, sim.AddUser(simulator.User{TenantID: tn, ID: u, Extension: u}))
		}
	}
	return sim
}

func callIDs(cs []simulator.Call) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// Rule: a tenant's active-calls read holds exactly the active calls with a
// leg at, from or to the tenant, oldest first, and no ended call or other
// tenant's call. Source: issue 16 item 1 (cost of the read must not grow
// with other tenants' calls or history), the index replacing Sim.Calls().
func TestActiveCallsOfTenant(t *testing.T) {
	sim := twoTenants(t)
	a1 := call(t, sim, "1@A", "2@A")
	b1 := call(t, sim, "1@B", "2@B")
	in := call(t, sim, "+15550001111", "2@A") // an outside caller, ringing A
	if got, want := fmt.Sprint(callIDs(sim.ActiveCallsOfTenant("A"))), fmt.Sprint([]string{a1.ID, in.ID}); got != want {
		t.Fatalf("tenant A: %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(callIDs(sim.ActiveCallsOfTenant("B"))), fmt.Sprint([]string{b1.ID}); got != want {
		t.Fatalf("tenant B: %s, want %s", got, want)
	}
	must(t, sim.HangupCall(a1.ID))
	if got, want := fmt.Sprint(callIDs(sim.ActiveCallsOfTenant("A"))), fmt.Sprint([]string{in.ID}); got != want {
		t.Fatalf("tenant A after the hangup (ended calls stay readable by ID, not here): %s, want %s", got, want)
	}
	if _, err := sim.Call(a1.ID); err != nil {
		t.Fatal("the ended call must still be held for retention")
	}
	sim.Reset()
	if got := sim.ActiveCallsOfTenant("B"); len(got) != 0 {
		t.Fatalf("tenant B after Reset: %v", callIDs(got))
	}
	if got := sim.ActiveCallsOfTenant("nobody"); len(got) != 0 {
		t.Fatalf("an unknown tenant: %v", callIDs(got))
	}
}

// Rule: the index agrees with a full scan of Sim.Calls() after a warm
// transfer (legs joined, one call ended). Source: issue 16 item 1.
func TestActiveCallsOfTenantAfterTransfer(t *testing.T) {
	sim := twoTenants(t)
	a := call(t, sim, "+15550001111", "1@A")
	must(t, sim.Answer(a.Legs[1].ID))
	must(t, sim.Hold(a.Legs[1].ID))
	c := call(t, sim, "1@A", "2@A")
	must(t, sim.Answer(c.Legs[1].ID))
	must(t, sim.AttendedTransfer(a.Legs[1].ID, c.Legs[0].ID))
	var scan []simulator.Call
	for _, x := range sim.Calls() {
		if x.Active() {
			scan = append(scan, x)
		}
	}
	if got, want := fmt.Sprint(callIDs(sim.ActiveCallsOfTenant("A"))), fmt.Sprint(callIDs(scan)); got != want {
		t.Fatalf("index %s, full scan %s", got, want)
	}
}

// BenchmarkActiveCallsOfTenant reads one tenant's two active calls while
// N calls are up in another tenant: ns/op must be flat in N (issue 16:
// no request may get slower as calls or tenants grow).
func BenchmarkActiveCallsOfTenant(b *testing.B) {
	for _, n := range []int{10, 10000} {
		b.Run(fmt.Sprintf("others=%d", n), func(b *testing.B) {
			sim := twoTenants(b)
			call(b, sim, "1@A", "2@A")
			call(b, sim, "2@A", "1@A")
			for i := 0; i < n; i++ {
				call(b, sim, "+15550001111", "1@B")
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if got := sim.ActiveCallsOfTenant("A"); len(got) != 2 {
					b.Fatalf("%d calls", len(got))
				}
			}
		})
	}
}
