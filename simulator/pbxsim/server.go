// Package pbxsim assembles the simulator: the core, the vendor dialects
// (plug-ins given as DialectFactory values; dialects.go, by default
// the two vendors of defaults.go) and the control API behind one
// HTTP server. Both the pbxsim command and xfer-conform's embedded target
// start it in-process.
//
//	srv, err := pbxsim.New(pbxsim.Config{Scenario: scenario.Default()})
//	if err != nil { ... }
//	if err := srv.Start("127.0.0.1:0"); err != nil { ... }
//	defer srv.Shutdown(context.Background())
//	fmt.Println(srv.URL()) // http://127.0.0.1:PORT
package pbxsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/board"
	"github.com/xfer-conform/xfer-conform/simulator/control"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Version is reported by /sim/v1/health.
var Version = "0.1.0-dev"

// Config configures a Server.
type Config struct {
	// Scenario is the world to load; nil means scenario.Default().
	Scenario *scenario.Scenario
	// Clock overrides the scenario's clock choice (tests pass a ManualClock).
	Clock simulator.Clock
	// ControlToken, when set, protects the control API.
	ControlToken string
	// NoControl switches the control API off, so pbxsim looks like a real
	// tenant: only the vendor APIs answer.
	NoControl bool
	// ConnState, when set, observes the HTTP server's connections (tests
	// wait on it instead of sleeping).
	ConnState func(net.Conn, http.ConnState)
	// Limits bound the HTTP server (timeouts, header size, connections);
	// zero fields take the defaults (limits.go, docs/limits.md).
	Limits Limits
	// Journal bounds the request journal; zero fields take the defaults.
	Journal simulator.JournalLimits
	// EventLogBytes bounds the core event log; 0 takes the default.
	EventLogBytes int64
	// MaxTenants caps the tenant sets POST /sim/v1/tenants may hold at
	// once; 0 takes control.DefaultMaxTenants, negative means no cap.
	MaxTenants int
	// Dialects are the vendor dialects the server can serve; nil means
	// DefaultDialects(). Each is built when the scenario has its section.
	Dialects []DialectFactory
}

// Server is a running (or ready to run) pbxsim.
type Server struct {
	Sim      *simulator.Sim
	Scenario *scenario.Scenario
	// Faults injects the scenario's and the control API's fault rules.
	Faults    *faults.Engine
	manual    *simulator.ManualClock
	connState func(net.Conn, http.ConnState)
	limits    Limits

	handler  http.Handler
	dialects []closer
	apis     string // the dialects' API prefixes, for the 404

	mu       sync.Mutex
	http     *http.Server
	listener net.Listener
	done     chan struct{}
}

// closer is a part that shuts down with the server: the dialects and the
// call board.
type closer interface{ Close() }

// New builds a Server from its config without listening yet.
func New(cfg Config) (*Server, error) {
	fs, err := factories(cfg.Dialects)
	if err != nil {
		return nil, err
	}
	sc := cfg.Scenario
	if sc == nil {
		sc = scenario.Default()
	}
	if err := checkSections(sc, fs); err != nil {
		return nil, err
	}
	clk := cfg.Clock
	var manual *simulator.ManualClock
	if m, ok := clk.(*simulator.ManualClock); ok {
		manual = m
	}
	if clk == nil {
		if sc.Clock == "manual" {
			manual = simulator.NewManualClock(sc.StartAt())
			clk = manual
		} else {
			clk = simulator.RealClock{}
		}
	}
	sim := simulator.New(simulator.Options{
		Clock: clk, Seed: sc.Seed, RingTimeout: sc.RingTimeout.D(), Retention: sc.Retention.D(),
		JournalSize: cfg.Journal.Entries, JournalBytes: cfg.Journal.Bytes, JournalFieldBytes: cfg.Journal.FieldBytes,
		EventLogBytes: cfg.EventLogBytes,
	})
	eng := faults.New(faults.Options{Seed: sc.Seed, Clock: clk, Journal: sim.Journal(), Dialects: faultSpecs(fs)})
	for i, rule := range sc.Faults {
		if _, err := eng.Add(rule); err != nil {
			return nil, fmt.Errorf("scenario %s: faults[%d]: %w", sc.Name, i, err)
		}
	}
	s := &Server{Sim: sim, Scenario: sc, Faults: eng, manual: manual, connState: cfg.ConnState, limits: cfg.Limits.withDefaults(),
		apis: apiPrefixes(fs)}
	ds, routes, err := newDialects(DialectEnv{Sim: sim, Scenario: sc, Faults: eng}, fs)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		s.dialects = append(s.dialects, d.d)
	}
	if err := sc.Apply(sim); err != nil {
		s.closeDialects()
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	// No 301 to a "cleaned" path for // or dot-dot segments: such a path
	// gets the owning API's own 404 (test/hostile).
	r := mux.NewRouter().SkipClean(true)
	for _, d := range ds {
		d.d.Mount(r)
	}
	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	if !cfg.NoControl {
		s.mountObservability(r, cfg.ControlToken) // observe.go: /sim/v1/metrics, /debug/pprof/
		control.New(sim, control.Options{Scenario: sc, Manual: manual, Token: cfg.ControlToken, Version: Version, Faults: eng,
			Tenants: newProvisioner(sim, ds), MaxTenants: maxTenants(cfg.MaxTenants)}).Mount(r)
		b := board.New(sim, board.Options{Token: cfg.ControlToken}) // the call board at /sim/ (docs/board.md)
		b.Mount(r)
		s.dialects = append(s.dialects, b) // its streams end when shutdown begins
	}
	// The body deadline starts after injected latency, so a latency fault
	// does not eat the client's time to send its body.
	s.handler = recoverPanics(routes, sim)(eng.Middleware(routes)(bodyDeadline(s.limits.BodyTimeout)(r)))
	return s, nil
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{
		"code": "not_found", "message": fmt.Sprintf("pbxsim has no route %s %s (vendor APIs live under %s, the control API under /sim/v1)", r.Method, r.URL.Path, s.apis),
	}})
}

// goingAway runs when shutdown begins: dialects close their long-lived
// sockets cleanly while requests in flight finish.
func (s *Server) goingAway() {
	for _, d := range s.dialectList() {
		if g, ok := d.(interface{ GoingAway() }); ok {
			g.GoingAway()
		}
	}
}

// Stats gathers the dialects' counters (e.g. slow subscribers closed).
func (s *Server) Stats() map[string]int64 {
	out := map[string]int64{}
	for _, d := range s.dialectList() {
		if st, ok := d.(interface{ Stats() map[string]int64 }); ok {
			for k, v := range st.Stats() {
				out[k] = v
			}
		}
	}
	return out
}

// Handler returns the server's HTTP handler (for httptest).
func (s *Server) Handler() http.Handler { return s.handler }

// ManualClock returns the clock when it is manual, else nil.
func (s *Server) ManualClock() *simulator.ManualClock { return s.manual }

// Start listens on addr ("127.0.0.1:0" picks a free port) and serves in
// the background.
func (s *Server) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	ln = newLimitListener(ln, s.limits.MaxConns)
	s.mu.Lock()
	s.listener = ln
	s.http = &http.Server{
		Handler: s.handler, ConnState: s.connState,
		ReadHeaderTimeout: s.limits.ReadHeaderTimeout, IdleTimeout: s.limits.IdleTimeout,
		MaxHeaderBytes: s.limits.MaxHeaderBytes,
	}
	s.http.RegisterOnShutdown(s.goingAway)
	s.done = make(chan struct{})
	srv, done := s.http, s.done
	s.mu.Unlock()
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	return nil
}

// URL is the server's base URL once started.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener == nil {
		return ""
	}
	return "http://" + s.listener.Addr().String()
}

// Shutdown stops accepting connections, lets requests in flight finish
// (until ctx ends), closes WebSockets and stops the dialects' goroutines.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	srv, done := s.http, s.done
	s.mu.Unlock()
	s.Faults.Close() // release requests held by timeout and latency faults
	var err error
	if srv != nil {
		err = srv.Shutdown(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			_ = srv.Close()
		}
	}
	s.closeDialects()
	if done != nil {
		<-done
	}
	return err
}

func (s *Server) closeDialects() {
	s.mu.Lock()
	ds := s.dialects
	s.dialects = nil
	s.mu.Unlock()
	for _, d := range ds {
		d.Close()
	}
}

// dialectList is a copy of the dialects, safe beside closeDialects.
func (s *Server) dialectList() []closer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]closer(nil), s.dialects...)
}
