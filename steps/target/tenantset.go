package target

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
)

// Every scenario on a pbxsim target gets a tenant set of its own (issue
// 12 item 3): POST /sim/v1/tenants makes a fresh tenant of each vendor
// (an account, a domain) from the pbxsim's scenario, the scenario's control
// client is scoped to it (?tenant=), and Close deletes it, on failure and
// on interrupt too (the After hook always closes the target). So
// scenarios run at once on one pbxsim, and two xfer-conform runs can
// share one, without seeing each other's calls, events, journal,
// subscriptions or faults.
//
// What is not per tenant: the fault engine's seed (PUT /faults/seed
// restarts every rule's counters and draws) and a vendor's rate limits
// set by restarting pbxsim. Scenarios tagged @faults therefore get an
// embedded pbxsim of their own, loaded with the target's scenario, so no
// scenario is skipped for it.

// ownPbxsimTag marks scenarios that get their own embedded pbxsim.
const ownPbxsimTag = "@faults"

type scenarioTagsKey struct{}

// WithScenarioTags records the scenario's tags for New: a target reads
// them to give a scenario what it needs (@faults: a pbxsim of its own).
func WithScenarioTags(ctx context.Context, tags []string) context.Context {
	return context.WithValue(ctx, scenarioTagsKey{}, tags)
}

func needsOwnPbxsim(ctx context.Context) bool { return hasScenarioTag(ctx, ownPbxsimTag) }

// OwnClockTag marks scenarios that move time: each runs on a manual clock
// of its own, so its advances reach no other scenario. In a tenant set
// the set carries its own clock (docs/control-api.md, "Tenant clocks");
// a pbxsim of the scenario's own starts on a manual clock.
const OwnClockTag = "@clock"

// WantsOwnClock reports whether the scenario (WithScenarioTags) moves time.
func WantsOwnClock(ctx context.Context) bool { return hasScenarioTag(ctx, OwnClockTag) }

func hasScenarioTag(ctx context.Context, tag string) bool {
	tags, _ := ctx.Value(scenarioTagsKey{}).([]string)
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

// ownClock is the tenant set description that gives a set its own manual
// clock, starting at pbxsim's time now.
var ownClock = json.RawMessage(`{"clock":{"mode":"manual"}}`)

// TenantSet makes a tenant set on the pbxsim behind ctl for one scenario.
// A pbxsim without POST /sim/v1/tenants (older than issue 12) is used
// whole, as before. template is the pbxsim's scenario JSON, read when nil;
// own starts the pbxsim of a scenario that cannot share one.
func TenantSet(ctx context.Context, name, base string, ctl *control.Client, template json.RawMessage, own Starter) (Target, error) {
	if needsOwnPbxsim(ctx) {
		if own == nil {
			return nil, fmt.Errorf("pbxsim at %s: this scenario (%s) needs a pbxsim of its own and this run cannot start one", base, ownPbxsimTag)
		}
		if template == nil {
			var err error
			if template, err = ctl.Scenario(ctx); err != nil {
				return nil, fmt.Errorf("reading the target's scenario: %w", err)
			}
		}
		return own(ctx, template)
	}
	var description json.RawMessage
	if WantsOwnClock(ctx) {
		description = ownClock
	}
	id, raw, err := ctl.CreateTenants(ctx, description)
	var ce *control.Error
	if description != nil && errors.As(err, &ce) && ce.Status == http.StatusBadRequest && own != nil {
		// A pbxsim older than tenant clocks: the scenario gets a pbxsim of
		// its own instead, on a manual clock.
		if template == nil {
			if template, err = ctl.Scenario(ctx); err != nil {
				return nil, fmt.Errorf("reading the target's scenario: %w", err)
			}
		}
		return own(ctx, template)
	}
	if errors.As(err, &ce) && (ce.Status == http.StatusNotFound || ce.Status == http.StatusNotImplemented) {
		return Pbxsim(ctx, name, base, ctl, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("pbxsim at %s: creating this scenario's tenants: %w", base, err)
	}
	scoped := ctl.WithTenant(id)
	closeFn := func() error {
		// A fresh context: the scenario's may be cancelled (interrupt).
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := ctl.DeleteTenants(cctx, id); err != nil {
			return fmt.Errorf("deleting tenant set %s: %w", id, err)
		}
		return nil
	}
	facts, err := FactsFromScenario(base, raw)
	if err != nil {
		_ = closeFn()
		return nil, fmt.Errorf("pbxsim at %s: tenant set %s: %w", base, id, err)
	}
	if template == nil {
		if template, err = ctl.Scenario(ctx); err != nil {
			_ = closeFn()
			return nil, fmt.Errorf("pbxsim at %s: reading its scenario: %w", base, err)
		}
	}
	facts.Aliases = tenantAliases(template, raw)
	return &pbxsimTarget{name: name, facts: facts, ctl: scoped, close: closeFn}, nil
}

// tenantAliases maps the template's phone numbers and "ext@tenant"
// addresses to the tenant set's, so a feature that names the template's
// numbers ("+15555555555" calls "+11111111111") reaches its own tenant:
// each registered vendor names its own (Vendor.ScenarioAliases).
func tenantAliases(template, set json.RawMessage) map[string]string {
	out := map[string]string{}
	for _, v := range registered() {
		v.ScenarioAliases(template, set, out)
	}
	return out
}
