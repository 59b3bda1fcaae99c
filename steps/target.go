package steps

import (
	"context"
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

// NewTarget makes a target for one scenario.
type NewTarget func(ctx context.Context, hc *http.Client) (Target, error)

// URLTarget is a pbxsim already running at a URL (control API over HTTP).
func URLTarget(base, controlToken string) NewTarget {
	return func(ctx context.Context, hc *http.Client) (Target, error) {
		ctl := control.New(base, hc)
		if controlToken != "" {
			ctl = ctl.WithToken(controlToken)
		}
		return newTenantSetTarget(ctx, "pbxsim", base, ctl, nil)
	}
}

type pbxsimTarget struct {
	name  string
	facts Facts
	ctl   *control.Client
	close func() error
	// tenantSet is the scenario's own tenant set, when it has one
	// (target_tenantset.go).
	tenantSet string
}

func newPbxsimTarget(ctx context.Context, name, base string, ctl *control.Client, closeFn func() error) (Target, error) {
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

func (t *pbxsimTarget) Name() string             { return t.name }
func (t *pbxsimTarget) Facts() Facts             { return t.facts }
func (t *pbxsimTarget) Control() *control.Client { return t.ctl }
func (t *pbxsimTarget) Close() error {
	if t.close != nil {
		return t.close()
	}
	return nil
}
