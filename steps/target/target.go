package target

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/xfer-conform/xfer-conform/client/control"
)

// Target is where the PBX under test is. The same features run against
// every target; a target without a control API cannot play the world, and
// scenarios that need it carry @simulator.
type Target interface {
	// Name is "embedded", "pbxsim" or a vendor name for a real tenant.
	Name() string
	// Facts say who plays which role and how to reach the PBX.
	Facts() Facts
	// Control returns the control API client, or nil when there is none.
	Control() *control.Client
	// Close releases what the target started.
	Close() error
}

// New makes a target for one scenario; hc is the scenario's HTTP client
// (it records the transcript).
type New func(ctx context.Context, hc *http.Client) (Target, error)

// Starter starts a pbxsim of the scenario's own, loaded with a scenario
// file's JSON (GET /sim/v1/scenario), for scenarios that cannot share one
// (@faults). The embedded package provides it; a tenant set target
// without one refuses such scenarios.
type Starter func(ctx context.Context, scenarioJSON json.RawMessage) (Target, error)

// Restarter is a target that can start afresh on an edited copy of its
// scenario file: a step that needs what only the scenario file sets
// (a vendor's rate limits) restarts an embedded pbxsim through it. The
// edit gets the scenario as generic JSON (GET /sim/v1/scenario's shape).
type Restarter interface {
	Restart(ctx context.Context, hc *http.Client, edit func(scenario map[string]any) error) (Target, error)
}

// URL is a pbxsim already running at base (control API over HTTP). Every
// scenario gets a tenant set of its own on it (tenantset.go); own, when
// set, starts a pbxsim of their own for scenarios that cannot share one.
func URL(base, controlToken string, own Starter) New {
	return func(ctx context.Context, hc *http.Client) (Target, error) {
		ctl := control.New(base, hc)
		if controlToken != "" {
			ctl = ctl.WithToken(controlToken)
		}
		return TenantSet(ctx, "pbxsim", base, ctl, nil, own)
	}
}

// Pbxsim is a target on a pbxsim reached at base through ctl, used whole;
// closeFn, when set, runs on Close.
func Pbxsim(ctx context.Context, name, base string, ctl *control.Client, closeFn func() error) (Target, error) {
	raw, err := ctl.Scenario(ctx)
	if err != nil {
		return nil, fmt.Errorf("pbxsim at %s: reading its scenario: %w", base, err)
	}
	facts, err := FactsFromScenario(base, raw)
	if err != nil {
		return nil, fmt.Errorf("pbxsim at %s: %w", base, err)
	}
	return &pbxsimTarget{name: name, facts: facts, ctl: ctl, close: closeFn}, nil
}

type pbxsimTarget struct {
	name  string
	facts Facts
	ctl   *control.Client
	close func() error
}

func (t *pbxsimTarget) Name() string             { return t.name }
func (t *pbxsimTarget) Facts() Facts             { return t.facts }
func (t *pbxsimTarget) Control() *control.Client { return t.ctl }
func (t *pbxsimTarget) Close() error {
	if t.close != nil {
		return t.close()
	}
	return nil
}
