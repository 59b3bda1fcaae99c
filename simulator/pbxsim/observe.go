package pbxsim

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/http/pprof"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/metrics"
)

// Observability (docs/performance.md): Prometheus metrics at
// /sim/v1/metrics and net/http/pprof at /debug/pprof/, both part of the
// control surface: off with NoControl, behind the control token when one
// is set.

// mountObservability adds the metrics and pprof routes to r, and the
// metrics middleware that counts every routed request.
func (s *Server) mountObservability(r *mux.Router, token string) {
	m := metrics.New(source{s})
	r.Use(m.Middleware)
	r.NotFoundHandler = m.Unmatched(r.NotFoundHandler)
	guard := func(h http.Handler) http.Handler { return controlToken(token, h) }
	r.Handle("/sim/v1/metrics", guard(m.Handler())).Methods(http.MethodGet)
	dbg := r.PathPrefix("/debug/pprof").Subrouter()
	dbg.Handle("/cmdline", guard(http.HandlerFunc(pprof.Cmdline)))
	dbg.Handle("/profile", guard(http.HandlerFunc(pprof.Profile)))
	dbg.Handle("/symbol", guard(http.HandlerFunc(pprof.Symbol)))
	dbg.Handle("/trace", guard(http.HandlerFunc(pprof.Trace)))
	dbg.PathPrefix("/").Handler(guard(http.HandlerFunc(pprof.Index))) // index, heap, goroutine, allocs, ...
}

// controlToken refuses a request without "Authorization: Bearer <token>"
// (one header only) when a token is set, in the control API's shape.
func controlToken(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values := r.Header.Values("Authorization")
		var scheme, got string
		if len(values) == 1 {
			scheme, got, _ = strings.Cut(values[0], " ")
		}
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="pbxsim control"`)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{
				"code": "unauthorized", "message": "the control API needs Authorization: Bearer <control token>"}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// source reads the simulator for the metrics.
type source struct{ s *Server }

func (src source) ActiveCalls() int        { return src.s.Sim.ActiveCallCount() }
func (src source) Tenants() int            { return len(src.s.Sim.Tenants()) }
func (src source) Stats() map[string]int64 { return src.s.Stats() }

// Gauges gathers the metrics each dialect declares (an optional
// MetricGauges method).
func (src source) Gauges() []metrics.Gauge {
	var out []metrics.Gauge
	for _, d := range src.s.dialectList() {
		if g, ok := d.(interface{ MetricGauges() []metrics.Gauge }); ok {
			out = append(out, g.MetricGauges()...)
		}
	}
	return out
}

// JournalBytes asks the journal for its retained bytes; a journal that
// cannot say is measured from its entries.
func (src source) JournalBytes() int64 {
	j := src.s.Sim.Journal()
	if b, ok := any(j).(interface{ Bytes() int64 }); ok {
		return b.Bytes()
	}
	var n int64
	for _, e := range j.Entries(simulator.JournalFilter{}) {
		n += int64(len(e.Dialect) + len(e.Tenant) + len(e.Method) + len(e.Path) + len(e.Query) + len(e.Body) + len(e.Response) + len(e.Note) + 48)
	}
	return n
}

// EventLogBytes asks the simulator for the event log's retained bytes; a
// simulator that cannot say is measured from the events' JSON.
func (src source) EventLogBytes() int64 {
	if b, ok := any(src.s.Sim).(interface{ EventLogBytes() int64 }); ok {
		return b.EventLogBytes()
	}
	b, _ := json.Marshal(src.s.Sim.Events(0))
	return int64(len(b))
}
