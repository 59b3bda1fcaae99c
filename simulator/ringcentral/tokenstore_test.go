package ringcentral

import (
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"
)

// Rule: expired tokens are forgotten on the sim clock: access and refresh
// tokens expiredGrace after they expire (until then they answer
// "expired"), ws tokens when they expire. After many logins and the
// lifetimes, the store holds only what still lives.
// Source: issue 10 item 19 (20,000 logins kept 42 MiB); docs/limits.md.
func TestExpiredTokensArePurgedOnTheSimClock(t *testing.T) {
	w := newWorld(t, nil, Options{})
	const logins = 50
	var first string
	for i := 0; i < logins; i++ {
		tok := w.login("jwt-102")
		if i == 0 {
			first = tok
		}
		w.wsToken(tok)
	}
	if a, r, ws, _ := w.d.auth.sizes(); a != logins || r != logins || ws != logins {
		t.Fatalf("after %d logins: %d access, %d refresh, %d ws tokens", logins, a, r, ws)
	}

	w.clk.Advance(time.Hour) // access tokens (1h) and ws tokens (600s) expire
	expectUnauthorized(t, "an expired token within the grace", w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~", first, nil),
		"TokenExpired", codeTokenExpired, "expired")
	if a, _, ws, _ := w.d.auth.sizes(); a != logins || ws != 0 {
		t.Fatalf("within the grace: %d access tokens (want %d kept to answer expired), %d ws tokens (want 0)", a, logins, ws)
	}

	w.clk.Advance(expiredGrace)
	expectUnauthorized(t, "after the grace", w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~", first, nil),
		"TokenInvalid", codeTokenNotFound, "Token not found")
	if a, r, _, _ := w.d.auth.sizes(); a != 0 || r != logins {
		t.Fatalf("after the grace: %d access tokens (want 0), %d refresh tokens (want %d, they live 7 days)", a, r, logins)
	}

	w.clk.Advance(7*24*time.Hour + expiredGrace)
	w.login("jwt-102")
	if a, r, ws, due := w.d.auth.sizes(); a != 1 || r != 1 || ws != 0 || due != 2 {
		t.Fatalf("after every lifetime: %d access, %d refresh, %d ws tokens, %d scheduled; want 1, 1, 0, 2", a, r, ws, due)
	}
	if n := w.d.Stats()["ringcentral.tokens"]; n != 2 {
		t.Fatalf("Stats ringcentral.tokens = %d, want 2", n)
	}
}

// Rule: a token store that grew in a burst gives its memory back once
// the burst has expired: the maps are rebuilt at a quarter of their peak.
// Source: issue 10 item 19.
func TestTokenStoreShrinksAfterABurst(t *testing.T) {
	w := newWorld(t, nil, Options{})
	now := w.clk.Now()
	w.d.auth.mu.Lock()
	for i := 0; i < 4000; i++ {
		tok := "t" + url.QueryEscape(time.Duration(i).String())
		w.d.auth.ws[tok] = &wsToken{expires: now.Add(time.Second)}
		w.d.auth.track(kindWS, tok, now.Add(time.Second))
	}
	w.d.auth.purgeLocked(now) // nothing is due yet
	before := w.d.auth.ws
	w.d.auth.purgeLocked(now.Add(time.Second))
	after := w.d.auth.ws
	w.d.auth.mu.Unlock()
	if len(after) != 0 || cap(w.d.auth.due) > 1024 {
		t.Fatalf("after the burst expired: %d ws tokens, heap capacity %d", len(after), cap(w.d.auth.due))
	}
	if reflect.ValueOf(before).UnsafePointer() == reflect.ValueOf(after).UnsafePointer() {
		t.Fatal("the ws token map that held 4000 tokens was kept, not rebuilt: its memory is never given back")
	}
}
