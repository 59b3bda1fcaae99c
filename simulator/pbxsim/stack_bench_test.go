package pbxsim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// BenchmarkMiddlewareStack is each of pbxsim's own layers around a
// handler that answers at once, added one at a time, for a POST with a
// small body: the difference between two lines is a layer's own cost.
func BenchmarkMiddlewareStack(b *testing.B) {
	sim := simulator.New(simulator.Options{Clock: simulator.RealClock{}, Seed: 1})
	eng := faults.New(faults.Options{Seed: 1, Clock: simulator.RealClock{}, Journal: sim.Journal()})
	defer eng.Close()
	answer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	})
	layers := []struct {
		name string
		wrap func(http.Handler) http.Handler
	}{
		{"bare", func(h http.Handler) http.Handler { return h }},
		{"bodyDeadline", bodyDeadline(time.Minute)},
		{"faults", eng.Middleware(nil)},
		{"recoverPanics", recoverPanics(nil, sim)},
	}
	h := http.Handler(answer)
	for _, l := range layers {
		h = l.wrap(h)
		b.Run("+"+l.name, func(b *testing.B) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest("POST", "/restapi/x", nil)
			rd := strings.NewReader(`{"a":1}`)
			body := io.NopCloser(rd)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				rd.Reset(`{"a":1}`)
				r.Body, r.ContentLength = body, 7
				h.ServeHTTP(w, r)
			}
		})
	}
}
