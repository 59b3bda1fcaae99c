package pbxsim

import (
	"net/http"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Tenant clocks: a tenant set made with "clock": {"mode": "manual"} runs
// its calls', tokens' and 202-then-apply timers on its own clock, moved
// by POST /sim/v1/tenants/{id}/clock/advance; nothing else moves.

var clockStart = time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)

// clockWorld is a pbxsim on a global manual clock with two tenant sets:
// a with its own manual clock, b on the global one.
func clockWorld(t *testing.T) (srv *Server, global *simulator.ManualClock, a, b gjson.Result) {
	t.Helper()
	global = simulator.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv = newTestServer(t, Config{Clock: global})
	st, a := tdo(t, srv, http.MethodPost, "/sim/v1/tenants", `{"clock": {"mode": "manual", "startTime": "2030-01-01T09:00:00Z"}}`)
	if st != http.StatusCreated {
		t.Fatalf("POST /tenants with a clock: %d %s", st, a.Raw)
	}
	if got := a.Get("clock").String(); got != "manual" || !a.Get("startTime").Time().Equal(clockStart) {
		t.Fatalf("the set's clock reads %s from %s, want manual from %s", a.Get("clock").Raw, a.Get("startTime"), clockStart)
	}
	st, b = tdo(t, srv, http.MethodPost, "/sim/v1/tenants", "")
	if st != http.StatusCreated {
		t.Fatalf("POST /tenants: %d %s", st, b.Raw)
	}
	if b.Get("clock").String() != "real" || b.Get("startTime").Exists() {
		t.Fatalf("a set made without a clock of its own shows clock %s from %s, want real", b.Get("clock").Raw, b.Get("startTime").Raw)
	}
	return srv, global, a, b
}

// ring places a call from outside to the set's NS user 1000 and returns
// its id; nobody answers.
func ring(t *testing.T, srv *Server, set gjson.Result) string {
	t.Helper()
	to := set.Get("netsapiens.domains.0.users.0.numbers.0").String()
	st, c := tdo(t, srv, http.MethodPost, "/sim/v1/calls", `{"from":"+15555555555","to":"`+to+`"}`)
	if st != http.StatusCreated {
		t.Fatalf("call to %s: %d %s", to, st, c.Raw)
	}
	return c.Get("id").String()
}

func callEnded(t *testing.T, srv *Server, id string) bool {
	t.Helper()
	c, err := srv.Sim.Call(id)
	if err != nil {
		t.Fatalf("call %s: %v", id, err)
	}
	return !c.Ended.IsZero()
}

func advanceSet(t *testing.T, srv *Server, set gjson.Result, by string) gjson.Result {
	t.Helper()
	st, body := tdo(t, srv, http.MethodPost, "/sim/v1/tenants/"+set.Get("id").String()+"/clock/advance", `{"by":"`+by+`"}`)
	if st != http.StatusOK {
		t.Fatalf("advance set %s by %s: %d %s", set.Get("id"), by, st, body.Raw)
	}
	return body
}

// Rule: advancing a tenant set's own clock past the ring timeout ends
// that set's ringing call only; another set's call, on the global manual
// clock, rings on, and the global clock stands still. The set's call and
// its events carry the set's time.
// Source: issue 12 item 2 ("a tenant may carry its own manual clock, as
// Stripe's test clocks do"); docs/control-api.md "Tenant clocks".
func TestTenantClockRingTimeoutEndsOnlyItsCalls(t *testing.T) {
	srv, global, a, b := clockWorld(t)
	callA, callB := ring(t, srv, a), ring(t, srv, b)
	if c, _ := srv.Sim.Call(callA); !c.Created.Equal(clockStart) {
		t.Errorf("set a's call was created at %s, want its clock's %s", c.Created, clockStart)
	}
	before := global.Now()

	now := advanceSet(t, srv, a, "61s") // the ring timeout is 60s
	if got := now.Get("now").Time(); !got.Equal(clockStart.Add(61 * time.Second)) {
		t.Errorf("set a's clock reads %s after 61s, want %s", got, clockStart.Add(61*time.Second))
	}
	if !callEnded(t, srv, callA) {
		t.Error("set a's call still rings after its clock passed the ring timeout")
	}
	if callEnded(t, srv, callB) {
		t.Error("set b's call ended when set a's clock moved")
	}
	if !global.Now().Equal(before) {
		t.Errorf("the global clock moved from %s to %s", before, global.Now())
	}
	_, ev := tdo(t, srv, http.MethodGet, "/sim/v1/events?tenant="+a.Get("id").String(), "")
	last := ev.Get("events.@reverse.0")
	if got := last.Get("time").Time(); !got.Equal(clockStart.Add(60 * time.Second)) {
		t.Errorf("set a's ring-timeout event is at %s, want %s (its clock): %s", got, clockStart.Add(60*time.Second), last.Raw)
	}
	if st, c := tdo(t, srv, http.MethodGet, "/sim/v1/tenants/"+b.Get("id").String()+"/clock", ""); st != http.StatusOK || c.Get("own").Bool() || !c.Get("now").Time().Equal(before) {
		t.Errorf("GET set b's clock: %d %s, want the global clock (own false)", st, c.Raw)
	}

	// The global clock moves set b's call, not set a's clock.
	if st, body := tdo(t, srv, http.MethodPost, "/sim/v1/clock/advance", `{"by":"61s"}`); st != http.StatusOK {
		t.Fatalf("global advance: %d %s", st, body.Raw)
	}
	if !callEnded(t, srv, callB) {
		t.Error("set b's call still rings after the global clock passed the ring timeout")
	}
	if _, c := tdo(t, srv, http.MethodGet, "/sim/v1/tenants/"+a.Get("id").String()+"/clock", ""); !c.Get("own").Bool() || !c.Get("now").Time().Equal(clockStart.Add(61*time.Second)) {
		t.Errorf("set a's clock after a global advance: %s, want it unmoved", c.Raw)
	}
}

// Rule: a tenant set's tokens expire on its own clock: moving it past the
// access token's hour expires the set's RingCentral token and no other.
// Source: issue 12 item 2; RingCentral access tokens live 1h (OAU-128).
func TestTenantClockExpiresItsTokens(t *testing.T) {
	srv, _, a, b := clockWorld(t)
	_, tokA := rcLogin(t, srv, a, 1)
	_, tokB := rcLogin(t, srv, b, 1)
	if tokA == "" || tokB == "" {
		t.Fatal("RC login failed")
	}
	me := "/restapi/v1.0/account/~/extension/~"
	advanceSet(t, srv, a, "59m")
	if st, body := tdo(t, srv, http.MethodGet, me, "", "Authorization", "Bearer "+tokA); st != http.StatusOK {
		t.Fatalf("set a's token before its hour: %d %s", st, body.Raw)
	}
	advanceSet(t, srv, a, "2m")
	if st, body := tdo(t, srv, http.MethodGet, me, "", "Authorization", "Bearer "+tokA); st != http.StatusUnauthorized || !gjson.Get(body.Raw, "errorCode").Exists() {
		t.Errorf("set a's token after its clock passed the hour: %d %s, want 401 expired", st, body.Raw)
	}
	if st, body := tdo(t, srv, http.MethodGet, me, "", "Authorization", "Bearer "+tokB); st != http.StatusOK {
		t.Errorf("set b's token after set a's clock moved: %d %s, want 200", st, body.Raw)
	}
}

// Rule: NetSapiens answers a write 202 and applies it after the apply
// delay; for a domain with its own clock the delay runs on that clock.
// Source: issue 12 item 2; reference GUIDE-ASYNC (202 then apply).
func TestTenantClockRunsTheNetSapiensApplyDelay(t *testing.T) {
	srv, global, a, _ := clockWorld(t)
	dom := a.Get("netsapiens.domains.0.name").String()
	key := a.Get("netsapiens.domains.0.apiKeys.2.key").String() // user 1000's key
	st, body := tdo(t, srv, http.MethodPost, "/ns-api/v2/domains/"+dom+"/users/1000/calls", `{"call-id":"clock-1","call-term-user":"1010"}`, "Authorization", "Bearer "+key)
	if st != http.StatusAccepted {
		t.Fatalf("make call: %d %s", st, body.Raw)
	}
	global.Advance(time.Second) // the global clock does not apply it
	if n := len(srv.Sim.ActiveCallsOfTenant(dom)); n != 0 {
		t.Fatalf("%d calls after the global clock moved; the domain's change waits on its own clock", n)
	}
	advanceSet(t, srv, a, "300ms")
	if n := len(srv.Sim.ActiveCallsOfTenant(dom)); n != 1 {
		t.Fatalf("%d calls after the domain's clock passed the apply delay, want 1", n)
	}
}

// Rule: deleting a tenant set stops its clock: its pending timers never
// fire and the core forgets the clock.
// Source: issue 12 item 1 ("deleting one ends its calls ... and frees
// their memory") and item 2.
func TestDeletingATenantSetStopsItsClock(t *testing.T) {
	srv, _, a, _ := clockWorld(t)
	dom := a.Get("netsapiens.domains.0.name").String()
	clk, ok := srv.Sim.TenantClock(dom)
	if !ok {
		t.Fatalf("domain %s has no clock of its own", dom)
	}
	ring(t, srv, a)
	if clk.Pending() == 0 {
		t.Fatal("a ringing call armed no timer on the set's clock")
	}
	if st, body := tdo(t, srv, http.MethodDelete, "/sim/v1/tenants/"+a.Get("id").String(), ""); st != http.StatusOK {
		t.Fatalf("DELETE: %d %s", st, body.Raw)
	}
	if n := clk.Pending(); n != 0 {
		t.Errorf("%d timers still pending on a deleted set's clock", n)
	}
	if _, ok := srv.Sim.TenantClock(dom); ok {
		t.Error("the core still holds the deleted set's clock")
	}
}

// Rule: a bad "clock" in a tenant description gets a 400 naming the
// field; moving a set without its own clock is refused with 409, and the
// global advance is refused on a real clock as before.
// Source: issue 12 item 1 ("a bad description gets a 4xx that names the
// field") and item 2.
func TestTenantClockValidation(t *testing.T) {
	srv := newTestServer(t, Config{})
	for _, c := range []struct{ body, field string }{
		{`{"clock": ["manual"]}`, "clock"},
		{`{"clock": "manual"}`, "clock"},
		{`{"clock": {"mode": "manual"}, "startTime": "tomorrow"}`, "startTime"},
		{`{"startTime": "2030-01-01T00:00:00Z"}`, "startTime"},
		{`{"clock": {"mode": "manual"}, "startTime": "2030-01-01T00:00:00Z"}`, "startTime"},
		{`{"clock": {"mode": "sundial"}}`, "clock.mode"},
		{`{"clock": {"mode": "manual", "startTime": "tomorrow"}}`, "clock.startTime"},
		{`{"clock": {"mode": "manual", "speed": 2}}`, "clock.speed"},
		{`{"clock": {"mode": "real", "startTime": "2030-01-01T00:00:00Z"}}`, "clock.startTime"},
	} {
		st, body := tdo(t, srv, http.MethodPost, "/sim/v1/tenants", c.body)
		if st != http.StatusBadRequest || body.Get("error.field").String() != c.field {
			t.Errorf("POST %s: %d %s, want 400 naming %s", c.body, st, body.Raw, c.field)
		}
	}
	if n := srv.Sim.TenantCount(); n != 2 {
		t.Errorf("%d core tenants after refused descriptions, want the scenario's 2", n)
	}
	st, plain := tdo(t, srv, http.MethodPost, "/sim/v1/tenants", `{"clock": {"mode": "real"}}`)
	if st != http.StatusCreated || plain.Get("clock").String() != "real" {
		t.Fatalf(`POST {"clock": {"mode": "real"}}: %d %s, want a set on the Sim's clock`, st, plain.Raw)
	}
	id := plain.Get("id").String()
	if st, body := tdo(t, srv, http.MethodPost, "/sim/v1/tenants/"+id+"/clock/advance", `{"by":"1s"}`); st != http.StatusConflict {
		t.Errorf("advance a set without its own clock: %d %s, want 409", st, body.Raw)
	}
	if st, body := tdo(t, srv, http.MethodPost, "/sim/v1/clock/advance", `{"by":"1s"}`); st != http.StatusConflict {
		t.Errorf("global advance on a real clock: %d %s, want 409", st, body.Raw)
	}
	st, own := tdo(t, srv, http.MethodPost, "/sim/v1/tenants", "clock: {mode: manual}\n")
	if st != http.StatusCreated {
		t.Fatalf("POST a set with a manual clock from now: %d %s", st, own.Raw)
	}
	path := "/sim/v1/tenants/" + own.Get("id").String() + "/clock/advance"
	for _, by := range []string{`{"by":"-1s"}`, `{"by":"soon"}`, `{"by":"25h"}`, `{"until":"1s"}`} {
		if st, body := tdo(t, srv, http.MethodPost, path, by); st != http.StatusBadRequest {
			t.Errorf("advance %s: %d %s, want 400", by, st, body.Raw)
		}
	}
	if st, _ := tdo(t, srv, http.MethodPost, "/sim/v1/tenants/t-nosuchset/clock/advance", `{"by":"1s"}`); st != http.StatusNotFound {
		t.Errorf("advance an unknown set: %d, want 404", st)
	}
	if st, _ := tdo(t, srv, http.MethodGet, path, ""); st != http.StatusMethodNotAllowed {
		t.Errorf("GET .../clock/advance: %d, want 405", st)
	}
}

// nsJWT logs the set's NS user 1000 in with POST /ns-api/v2/jwt.
func nsJWT(t *testing.T, srv *Server, set gjson.Result) string {
	t.Helper()
	dom := set.Get("netsapiens.domains.0.name").String()
	pw := set.Get("netsapiens.domains.0.users.0.password").String()
	st, body := tdo(t, srv, http.MethodPost, "/ns-api/v2/jwt", `{"username":"1000@`+dom+`","password":"`+pw+`"}`)
	if st != http.StatusOK || body.Get("token").String() == "" {
		t.Fatalf("NS JWT login to %s: %d %s", dom, st, body.Raw)
	}
	return body.Get("token").String()
}

// Rule: a NetSapiens JWT is issued and expires on its domain's clock.
// Source: issue 12 item 2; NetSapiens JWTs carry exp (tokenTTL 1h in the
// default scenario).
func TestTenantClockExpiresItsNetSapiensJWTs(t *testing.T) {
	srv, _, a, b := clockWorld(t)
	jwtA, jwtB := nsJWT(t, srv, a), nsJWT(t, srv, b)
	if st, body := tdo(t, srv, http.MethodGet, "/ns-api/v2/jwt", "", "Authorization", "Bearer "+jwtA); st != http.StatusOK || body.Get("iat").Int() != clockStart.Unix() {
		t.Fatalf("set a's JWT: %d %s, want 200 issued at %d (its clock)", st, body.Raw, clockStart.Unix())
	}
	advanceSet(t, srv, a, "61m")
	if st, body := tdo(t, srv, http.MethodGet, "/ns-api/v2/jwt", "", "Authorization", "Bearer "+jwtA); st != http.StatusUnauthorized {
		t.Errorf("set a's JWT after its clock passed the hour: %d %s, want 401", st, body.Raw)
	}
	if st, body := tdo(t, srv, http.MethodGet, "/ns-api/v2/jwt", "", "Authorization", "Bearer "+jwtB); st != http.StatusOK {
		t.Errorf("set b's JWT after set a's clock moved: %d %s, want 200", st, body.Raw)
	}
}
