package isolation

import (
	"testing"

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
