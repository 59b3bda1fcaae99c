package netsapiens

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func (w *world) passwordGrant(user string) (access, refresh string) {
	w.t.Helper()
	tok := w.must(200, "POST", "/tokens", "", map[string]string{"grant_type": "password",
		"client_id": "pbxsim-ns-client", "client_secret": "pbxsim-ns-secret", "username": user + "@TEST", "password": "pbxsim"})
	return tok.Get("access_token").String(), tok.Get("refresh_token").String()
}

func refreshGrantBody(refresh string) map[string]string {
	return map[string]string{"grant_type": "refresh_token", "client_id": "pbxsim-ns-client",
		"client_secret": "pbxsim-ns-secret", "refresh_token": refresh}
}

// Rule: a refresh token expires refreshTTL (30 days, inferred) after it
// was issued, on the simulator clock. Source: issue 10 item 8; tokens.go.
func TestRefreshTokensExpire(t *testing.T) {
	w := newWorld(t, nil)
	_, early := w.passwordGrant("1000")
	_, late := w.passwordGrant("1000")
	w.clk.Advance(refreshTTL - time.Second)
	w.must(200, "POST", "/tokens", "", refreshGrantBody(early))
	w.clk.Advance(time.Second)
	r := w.do("POST", "/tokens", "", refreshGrantBody(late))
	errorShape(t, r, http.StatusUnauthorized)
	if !strings.Contains(r.json().Get("message").String(), "expired") {
		t.Fatalf("an expired refresh token: want a message saying so, got %s", r.body)
	}
}

// Rule: two Authorization headers are refused with 400 in the NS shape,
// whichever comes first; one header still works. Source: issue 10 item 7.
func TestTwoAuthorizationHeadersAreRefused(t *testing.T) {
	w := newWorld(t, nil)
	for _, pair := range [][2]string{{keyOM, "nope"}, {"nope", keyOM}, {keyOM, keyOM}} {
		req, err := http.NewRequest("GET", w.srv.URL+"/ns-api/v2/domains/TEST/calls", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Add("Authorization", "Bearer "+pair[0])
		req.Header.Add("Authorization", "Bearer "+pair[1])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var r response
		r.status = resp.StatusCode
		r.body = readAll(t, resp)
		errorShape(t, r, http.StatusBadRequest)
	}
	w.must(200, "GET", "/domains/TEST/calls", keyOM, nil)
}

// Rule: the token stores forget what has expired: access tokens, refresh
// tokens and revoked JWT ids leave the store on the simulator clock
// (expiredMemory after expiry, swept at most once per purgeEvery).
// Source: issue 10 item 19.
func TestTokenStoresShrink(t *testing.T) {
	w := newWorld(t, nil)
	for i := 0; i < 50; i++ {
		w.passwordGrant("1000")
		jwt := w.must(200, "POST", "/jwt", "", map[string]string{"username": "1010@TEST", "password": "pbxsim"}).Get("token").String()
		w.must(202, "DELETE", "/jwt", jwt, nil)
	}
	if a, r, v := w.d.creds.sizes(); a != 50 || r != 50 || v != 50 {
		t.Fatalf("after 50 logins and revocations: %d access, %d refresh, %d revoked; want 50 each", a, r, v)
	}

	// The access tokens and JWTs (1h) are past their life and memory; the
	// refresh tokens (30 days) are not.
	w.clk.Advance(w.d.tokenTTL + expiredMemory + purgeEvery)
	access, _ := w.passwordGrant("1000")
	if a, r, v := w.d.creds.sizes(); a != 1 || r != 51 || v != 0 {
		t.Fatalf("after the access tokens expired: %d access, %d refresh, %d revoked; want 1, 51, 0", a, r, v)
	}
	w.must(200, "GET", "/domains/~/users/~/calls", access, nil)

	w.clk.Advance(refreshTTL + expiredMemory + purgeEvery)
	w.passwordGrant("1000")
	if a, r, _ := w.d.creds.sizes(); a != 1 || r != 1 {
		t.Fatalf("after the refresh tokens expired: %d access, %d refresh; want 1, 1", a, r)
	}
}
