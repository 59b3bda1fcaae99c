package netsapiens

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// BenchmarkListDomainCalls is GET /domains/TEST/calls with two active
// calls in TEST while N calls are up in another tenant: ns/op must be flat
// in N (issue 16: no request may get slower as calls or tenants grow; the
// read used to snapshot every call in the simulator).
func BenchmarkListDomainCalls(b *testing.B) {
	for _, n := range []int{10, 10000} {
		b.Run(fmt.Sprintf("others=%d", n), func(b *testing.B) {
			sc := scenario.Default()
			clk := simulator.NewManualClock(sc.StartAt())
			sim := simulator.New(simulator.Options{Clock: clk, Seed: sc.Seed, RingTimeout: sc.RingTimeout.D(), Retention: sc.Retention.D()})
			d, err := New(sim, sc, Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			if err := sc.Apply(sim); err != nil {
				b.Fatal(err)
			}
			if err := sim.AddTenant(simulator.Tenant{ID: "OTHER", Kind: "x"}); err != nil {
				b.Fatal(err)
			}
			if err := sim.AddUser(simulator.User{TenantID: "OTHER", ID: "1", Extension: "1"}); err != nil {
				b.Fatal(err)
			}
			outside := simulator.Endpoint{Number: customer}
			for _, to := range []string{"1000@TEST", "1010@TEST"} {
				ep, err := sim.Resolve(to, "")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := sim.Originate(simulator.OriginateRequest{From: outside, To: ep}); err != nil {
					b.Fatal(err)
				}
			}
			other, _ := sim.Resolve("1@OTHER", "")
			for i := 0; i < n; i++ {
				if _, err := sim.Originate(simulator.OriginateRequest{From: outside, To: other}); err != nil {
					b.Fatal(err)
				}
			}
			r := mux.NewRouter()
			d.Mount(r)
			req := httptest.NewRequest("GET", "/ns-api/v2/domains/TEST/calls", nil)
			req.Header.Set("Authorization", "Bearer "+keyOM)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				r.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
