// Package embedded starts pbxsim in-process as a target: the default of
// xfer-conform, zero set-up. It is the only package of the harness that
// imports the simulator, and only pbxsim and scenario loading.
//
//	newTarget, stop := embedded.Shared(nil) // the built-in scenario
//	defer stop()
//	steps.Initializer(steps.Config{NewTarget: newTarget})
package embedded

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// Options configure the embedded pbxsim beyond its scenario.
type Options struct {
	// Scenario is the world to load; nil means the built-in one.
	Scenario *scenario.Scenario
	// Dialects are the vendor dialects pbxsim serves; nil means
	// pbxsim.DefaultDialects(). A test adds a dialect of its own here
	// (append(pbxsim.DefaultDialects(), mine)) to run its vendor's
	// features end to end.
	Dialects []pbxsim.DialectFactory
}

// New starts a fresh pbxsim in-process on a free loopback port for each
// scenario, so scenarios are isolated and may run concurrently. A nil
// scenario means the built-in one.
func New(sc *scenario.Scenario) target.New {
	return NewWith(Options{Scenario: sc})
}

// NewWith is New with options: a fresh pbxsim per scenario, serving
// o.Dialects.
func NewWith(o Options) target.New {
	return func(ctx context.Context, hc *http.Client) (target.Target, error) {
		return start(ctx, hc, o.Scenario, o.Dialects)
	}
}

// Own is the target.Starter of a URL target: a scenario that cannot share
// the running pbxsim (@faults) gets an embedded one loaded with the
// running one's scenario.
func Own(ctx context.Context, scenarioJSON json.RawMessage) (target.Target, error) {
	return OwnWith(nil)(ctx, scenarioJSON)
}

// OwnWith is Own serving dialects (nil: pbxsim.DefaultDialects()).
func OwnWith(dialects []pbxsim.DialectFactory) target.Starter {
	return func(ctx context.Context, scenarioJSON json.RawMessage) (target.Target, error) {
		sc, err := load(scenarioJSON)
		if err != nil {
			return nil, fmt.Errorf("the target's scenario: %w", err)
		}
		return start(ctx, http.DefaultClient, sc, dialects)
	}
}

func load(scenarioJSON json.RawMessage) (*scenario.Scenario, error) {
	var sc *scenario.Scenario
	if err := json.Unmarshal(scenarioJSON, &sc); err != nil {
		return nil, err
	}
	return sc, nil
}

// embeddedTarget is a pbxsim of the scenario's own; it can restart on an
// edited scenario (target.Restarter).
type embeddedTarget struct {
	target.Target
	srv      *pbxsim.Server
	dialects []pbxsim.DialectFactory
}

func start(ctx context.Context, hc *http.Client, sc *scenario.Scenario, dialects []pbxsim.DialectFactory) (target.Target, error) {
	if target.WantsOwnClock(ctx) {
		var err error
		if sc, err = onManualClock(sc); err != nil {
			return nil, err
		}
	}
	srv, err := pbxsim.New(pbxsim.Config{Scenario: sc, Dialects: dialects})
	if err != nil {
		return nil, err
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		return nil, err
	}
	stop := func() error {
		// Close our idle keep-alive connections first: a connection the
		// client dialled but never used counts as active on the server
		// for up to 5s (net/http's StateNew rule), which is exactly a
		// 5s grace. The grace is 10s so such a connection has aged out.
		if t, ok := http.DefaultTransport.(interface{ CloseIdleConnections() }); ok {
			t.CloseIdleConnections()
		}
		if t, ok := hc.Transport.(interface{ CloseIdleConnections() }); ok {
			t.CloseIdleConnections()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(ctx)
	}
	t, err := target.Pbxsim(ctx, "embedded", srv.URL(), control.New(srv.URL(), hc), stop)
	if err != nil {
		_ = stop()
		return nil, err
	}
	return &embeddedTarget{Target: t, srv: srv, dialects: dialects}, nil
}

// onManualClock is a copy of the scenario (nil: the built-in one) on a
// manual clock: a scenario that moves time (@clock) and has a pbxsim of
// its own moves that pbxsim's clock.
func onManualClock(sc *scenario.Scenario) (*scenario.Scenario, error) {
	if sc == nil {
		sc = scenario.Default()
	}
	if sc.Clock == "manual" {
		return sc, nil
	}
	raw, err := json.Marshal(sc)
	if err != nil {
		return nil, err
	}
	cp, err := load(raw)
	if err != nil {
		return nil, err
	}
	cp.Clock = "manual"
	return cp, nil
}

// Restart starts a new embedded pbxsim on this one's scenario after edit;
// the caller closes this one.
func (t *embeddedTarget) Restart(ctx context.Context, hc *http.Client, edit func(map[string]any) error) (target.Target, error) {
	raw, err := json.Marshal(t.srv.Scenario)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	if err := edit(doc); err != nil {
		return nil, err
	}
	if raw, err = json.Marshal(doc); err != nil {
		return nil, err
	}
	sc, err := load(raw)
	if err != nil {
		return nil, fmt.Errorf("the edited scenario: %w", err)
	}
	return start(ctx, hc, sc, t.dialects)
}

// Shared starts one pbxsim in-process, on the first scenario, and gives
// every scenario a tenant set of its own on it; stop ends it after the
// run. Scenarios tagged @faults get their own pbxsim, as on a URL target.
// A nil scenario means the built-in one.
func Shared(sc *scenario.Scenario) (newTarget target.New, stop func() error) {
	return SharedWith(Options{Scenario: sc})
}

// SharedWith is Shared with options: one pbxsim serving o.Dialects, and
// the @faults scenarios' own pbxsims serving them too.
func SharedWith(o Options) (newTarget target.New, stop func() error) {
	var (
		once sync.Once
		srv  *pbxsim.Server
		err  error
		tpl  json.RawMessage
	)
	begin := func() {
		if srv, err = pbxsim.New(pbxsim.Config{Scenario: o.Scenario, Dialects: o.Dialects, MaxTenants: -1}); err != nil {
			return
		}
		if err = srv.Start("127.0.0.1:0"); err != nil {
			return
		}
		tpl, err = json.Marshal(srv.Scenario)
	}
	newTarget = func(ctx context.Context, hc *http.Client) (target.Target, error) {
		once.Do(begin)
		if err != nil {
			return nil, err
		}
		return target.TenantSet(ctx, "embedded", srv.URL(), control.New(srv.URL(), hc), tpl, OwnWith(o.Dialects))
	}
	stop = func() error {
		if srv == nil {
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(ctx)
	}
	return newTarget, stop
}
