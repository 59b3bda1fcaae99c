package isolation

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/test/world"
)

// Rule (issue 12 item 2): a tenant set's own clock moves nothing outside
// the set. Moving it a whole day leaves the world's tenants as they
// were: their tokens (1h) still work, their calls and subscriptions stand,
// no event or vendor request is added, and the global manual clock and
// its timers stay put. The set's own ringing call does time out.
// Source: the issue text ("a tenant may carry its own manual clock, as
// Stripe's test clocks do"); docs/control-api.md "Tenant clocks".
func TestATenantClockMovesNothingOutsideItsSet(t *testing.T) {
	w := world.New(t)
	now, pending := w.Clock.Now(), w.Clock.Pending()
	set := mustDo(t, w, world.Request{Token: world.ControlToken, Method: "POST", Path: "/sim/v1/tenants", JSON: map[string]any{"clock": map[string]string{"mode": "manual"}}}, 201).JSON()
	id := set.Get("id").String()
	to := set.Get("netsapiens.domains.0.users.0.numbers.0").String()
	call := mustDo(t, w, world.Request{Token: world.ControlToken, Method: "POST", Path: "/sim/v1/calls", JSON: map[string]string{"from": "+15555555555", "to": to}}, 201).JSON().Get("id").String()
	advance := func(by string) {
		mustDo(t, w, world.Request{Token: world.ControlToken, Method: "POST", Path: "/sim/v1/tenants/" + id + "/clock/advance", JSON: map[string]string{"by": by}}, 200)
	}
	advance("61s") // past the ring timeout
	got := mustDo(t, w, world.Request{Token: world.ControlToken, Method: "GET", Path: "/sim/v1/calls/" + call}, 200).JSON()
	if got.Get("ended").String() == "" {
		t.Errorf("the set's ringing call did not time out on its clock: %s", got.Raw)
	}
	advance("5m") // the call's retention: it is forgotten

	before := w.Snapshot()
	advance("12h") // 24h is the most one request moves
	advance("12h")
	sent := []world.Sent{{Method: "POST", Path: "/sim/v1/tenants/" + id + "/clock/advance"}}
	if d := before.Diff(w.Snapshot(), sent...); d != "" {
		t.Errorf("a day on the set's clock changed the world outside it:\n%s", d)
	}
	if !w.Clock.Now().Equal(now) || w.Clock.Pending() != pending {
		t.Errorf("the global clock went from %s (%d timers) to %s (%d timers)", now, pending, w.Clock.Now(), w.Clock.Pending())
	}
	mustDo(t, w, world.Request{Token: world.ControlToken, Method: "DELETE", Path: "/sim/v1/tenants/" + id}, 200)
}

func mustDo(t *testing.T, w *world.World, r world.Request, status int) world.Response {
	t.Helper()
	resp, err := w.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != status {
		t.Fatalf("%s %s: %s, want %d", r.Method, r.Path, resp, status)
	}
	return resp
}

// Rule (issue 12 item 2): the control client scoped to a tenant set moves
// the set's own clock, never the Sim's one clock that other users of a
// shared pbxsim run on; a set without a clock of its own is refused
// (409), and the global clock stays put either way.
// Source: docs/control-api.md "Tenant clocks"; client/control AdvanceClock.
func TestScopedControlClientMovesOnlyTheSetsClock(t *testing.T) {
	w := world.New(t)
	ctx := t.Context()
	ctl := control.New(w.URL, nil).WithToken(world.ControlToken)
	own, _, err := ctl.CreateTenants(ctx, json.RawMessage(`{"clock":{"mode":"manual","startTime":"2030-01-01T09:00:00Z"}}`))
	if err != nil {
		t.Fatal(err)
	}
	plain, _, err := ctl.CreateTenants(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := w.Clock.Now()
	if err := ctl.WithTenant(own).AdvanceClock(ctx, 90*time.Second); err != nil {
		t.Fatalf("advancing the set's own clock: %v", err)
	}
	st, err := ctl.WithTenant(own).TenantClock(ctx)
	if err != nil || !st.Own || !st.Now.Equal(time.Date(2030, 1, 1, 9, 1, 30, 0, time.UTC)) {
		t.Errorf("the set's clock after 90s: %+v, %v", st, err)
	}
	err = ctl.WithTenant(plain).AdvanceClock(ctx, time.Second)
	var ce *control.Error
	if !errors.As(err, &ce) || ce.Status != 409 {
		t.Errorf("a set without its own clock: %v, want a 409", err)
	}
	if !w.Clock.Now().Equal(now) {
		t.Errorf("the global clock moved from %s to %s", now, w.Clock.Now())
	}
	if _, err := ctl.TenantClock(ctx); err == nil {
		t.Error("TenantClock on an unscoped client did not refuse")
	}
}
