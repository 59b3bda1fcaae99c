package ringcentral

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// BenchmarkRoute is gorilla/mux finding the route (and its variables) of
// a warm transfer's requests through the dialect's router: GET session,
// a party action (hold, bridge), call-out (issue 16: routing was 6.6% of
// pbxsim's CPU under the warm-transfer load).
func BenchmarkRoute(b *testing.B) {
	sc := scenario.Default()
	sim := simulator.New(simulator.Options{Clock: simulator.NewManualClock(sc.StartAt()), Seed: sc.Seed})
	if err := sc.Apply(sim); err != nil {
		b.Fatal(err)
	}
	d, err := New(sim, sc, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	r := mux.NewRouter()
	d.Mount(r)
	const session = "/restapi/v1.0/account/~/telephony/sessions/s-a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5"
	const party = session + "/parties/p-a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5-2"
	for _, c := range []struct{ name, method, path string }{
		{"get-session", http.MethodGet, session},
		{"hold", http.MethodPost, party + "/hold"},
		{"bridge", http.MethodPost, party + "/bridge"},
		{"call-out", http.MethodPost, "/restapi/v1.0/account/~/telephony/call-out"},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(c.method, c.path, nil)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				var m mux.RouteMatch
				if !r.Match(req, &m) || m.Route == nil {
					b.Fatal("no route")
				}
			}
		})
	}
}
