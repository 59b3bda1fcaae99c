package ringcentral

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Rule: the token endpoint takes a form with the app's Basic credentials
// (or client_id in the body) and answers TokenInfo with owner_id,
// expires_in, refresh_token_expires_in, scope, endpoint_id, session_id.
// Source: reference/ringcentral.md §4.6.
func TestTokenGrants(t *testing.T) {
	w := newWorld(t, nil, Options{})
	for _, tc := range []struct {
		name  string
		form  url.Values
		owner string
	}{
		{"jwt-bearer", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"jwt-103"}}, extAgentK},
		{"password with extension number", url.Values{"grant_type": {"password"}, "username": {"102"}, "password": {"pbxsim"}}, extAgentJ},
		{"password with direct number", url.Values{"grant_type": {"password"}, "username": {"+19293831896"}, "password": {"pbxsim"}}, extAgentJ},
		{"password with main number*extension", url.Values{"grant_type": {"password"}, "username": {"+19293831800*103"}, "password": {"pbxsim"}}, extAgentK},
		{"password with separate extension field", url.Values{"grant_type": {"password"}, "username": {"19293831800"}, "extension": {"101"}, "password": {"pbxsim"}}, extCraig},
	} {
		r := w.form("/restapi/oauth/token", tc.form)
		expect(t, tc.name, r, 200, "token_type", "bearer", "owner_id", tc.owner, "expires_in", "3600", "refresh_token_expires_in", "604800")
		for _, f := range []string{"access_token", "refresh_token", "scope", "endpoint_id", "session_id"} {
			if r.json.Get(f).String() == "" {
				t.Fatalf("%s: TokenInfo lacks %s: %s", tc.name, f, r.raw)
			}
		}
		if !strings.Contains(r.json.Get("scope").String(), "CallControl") {
			t.Fatalf("%s: scope lacks CallControl: %s", tc.name, r.raw)
		}
	}

	// A public client: client_id in the body, no secret.
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+"/restapi/oauth/token", strings.NewReader(url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"jwt-102"}, "client_id": {"pbxsim-client"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	expect(t, "client_id in the body", w.send(req), 200, "owner_id", extAgentJ)
}

// Rule: refusals of the token endpoint use the OAuth error body
// {error, error_description, errors[{errorCode, message}]}.
// Source: reference/ringcentral.md §3.1 (P-OAUTH), §5.
func TestTokenRefusals(t *testing.T) {
	w := newWorld(t, nil, Options{})
	oauthErr := func(what string, r response, status int, rfc, code string) {
		t.Helper()
		expect(t, what, r, status, "error", rfc, "errors.0.errorCode", code)
		if r.json.Get("error_description").String() == "" {
			t.Fatalf("%s: no error_description: %s", what, r.raw)
		}
	}
	oauthErr("wrong password", w.form("/restapi/oauth/token", url.Values{"grant_type": {"password"}, "username": {"102"}, "password": {"nope"}}), 400, "invalid_grant", "OAU-140")
	oauthErr("unknown jwt", w.form("/restapi/oauth/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"jwt-999"}}), 400, "invalid_grant", "OAU-144")
	oauthErr("unsupported grant", w.form("/restapi/oauth/token", url.Values{"grant_type": {"client_credentials"}}), 400, "invalid_request", "OAU-250")
	oauthErr("unknown refresh token", w.form("/restapi/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}}), 400, "invalid_grant", "OAU-213")

	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+"/restapi/oauth/token", strings.NewReader("grant_type=password&username=102&password=pbxsim"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("pbxsim-client", "wrong-secret")
	oauthErr("wrong client secret", w.send(req), 401, "invalid_client", "OAU-153")

	req, _ = http.NewRequest(http.MethodPost, w.srv.URL+"/restapi/oauth/token", strings.NewReader(`{"grant_type":"password"}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("pbxsim-client", "pbxsim-secret")
	oauthErr("JSON instead of a form", w.send(req), 415, "invalid_request", codeMediaType)
}

// Rule: tokens expire on the simulator clock; an expired access token
// answers 401 (OAU-128), a spent or expired refresh token 400
// invalid_grant (OAU-213 / OAU-210); refresh rotates the pair.
// Source: reference/ringcentral.md §3.1, §4.6 (RCJS refreshes on 401).
func TestTokenLifetimesOnTheSimClock(t *testing.T) {
	w := newWorld(t, nil, Options{})
	r := w.form("/restapi/oauth/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"jwt-102"}})
	expect(t, "login", r, 200)
	at, rt := r.json.Get("access_token").String(), r.json.Get("refresh_token").String()
	ext := "/restapi/v1.0/account/~/extension/~"

	w.clk.Advance(time.Hour - time.Second)
	expect(t, "token just before expiry", w.call(http.MethodGet, ext, at, nil), 200)
	w.clk.Advance(time.Second)
	expectUnauthorized(t, "expired token", w.call(http.MethodGet, ext, at, nil), "TokenExpired", codeTokenExpired, "Access token expired")

	r = w.form("/restapi/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	expect(t, "refresh", r, 200, "owner_id", extAgentJ)
	at2, rt2 := r.json.Get("access_token").String(), r.json.Get("refresh_token").String()
	expect(t, "refreshed token works", w.call(http.MethodGet, ext, at2, nil), 200)
	expect(t, "a refresh token works once", w.form("/restapi/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}), 400, "errors.0.errorCode", "OAU-213")

	w.clk.Advance(7 * 24 * time.Hour)
	expect(t, "expired refresh token", w.form("/restapi/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt2}}), 400,
		"error", "invalid_grant", "errors.0.errorCode", "OAU-210")
}

// Rule: POST /restapi/oauth/revoke ends the token and its pair; the API
// then answers 401 Token not found.
// Source: reference/ringcentral.md §4.6, §3.1.
func TestRevoke(t *testing.T) {
	w := newWorld(t, nil, Options{})
	r := w.form("/restapi/oauth/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"jwt-102"}})
	at, rt := r.json.Get("access_token").String(), r.json.Get("refresh_token").String()
	expect(t, "revoke", w.form("/restapi/oauth/revoke", url.Values{"token": {at}}), 200)
	expectUnauthorized(t, "revoked token", w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~", at, nil), "TokenInvalid", codeTokenNotFound, "Token not found")
	expect(t, "its refresh token is gone too", w.form("/restapi/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}), 400, "errors.0.errorCode", "OAU-213")
}

// Rule: a call without a valid Bearer token answers 401 in RingCentral's
// shape, whatever the endpoint.
// Source: reference/ringcentral.md §3.1, §5 (OAU-213 TokenInvalid).
func TestMissingOrUnknownTokenIs401(t *testing.T) {
	w := newWorld(t, nil, Options{})
	for _, tok := range []string{"", "not-a-token"} {
		for _, p := range []string{"/restapi/v1.0/account/~/extension/~", sessionPath("s-" + zeros(32)), "/restapi/v1.0/subscription"} {
			expectUnauthorized(t, "GET "+p+" with token "+tok, w.call(http.MethodGet, p, tok, nil), "TokenInvalid", codeTokenNotFound, "Token not found")
		}
	}
	expectUnauthorized(t, "wstoken without a token", w.call(http.MethodPost, "/restapi/oauth/wstoken", "", nil), "TokenInvalid", codeTokenNotFound, "Token not found")
}

// Rule: wstoken's uri points back at the server the client reached
// (Host header), so the SDK connects to pbxsim.
// Source: reference/ringcentral.md §4.4, §6.1.
func TestWSTokenURIFollowsTheRequestHost(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+"/restapi/oauth/wstoken", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Host = "pbxsim.example:8443"
	req.Header.Set("X-Forwarded-Proto", "https")
	r := w.send(req)
	expect(t, "wstoken", r, 200, "uri", "wss://pbxsim.example:8443/ws", "expires_in", "600")
	if !strings.HasPrefix(r.json.Get("ws_access_token").String(), "rcsim-ws-") {
		t.Fatalf("ws_access_token: %s", r.raw)
	}
}

// expectUnauthorized checks a 401 of the API: the top-level errorCode
// names the kind (TokenInvalid, TokenExpired), errors[0] the OAU code.
func expectUnauthorized(t *testing.T, what string, r response, top, code, msgHas string) {
	t.Helper()
	expect(t, what, r, 401, "errorCode", top, "errors.0.errorCode", code)
	if !strings.Contains(r.json.Get("message").String(), msgHas) {
		t.Fatalf("%s: message lacks %q: %s", what, msgHas, r.raw)
	}
}

// Rule: the caller's identity rides in a context of its own that is
// otherwise its parent: other values, cancellation and contexts derived
// from it behave as with context.WithValue; REST over WebSocket's
// WithValue identity is found too. Source: issue 16 (one allocation per
// authenticated request, nothing else changed).
func TestIdentityContextIsItsParentWithTheCaller(t *testing.T) {
	type otherKey struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), otherKey{}, "v"))
	id := identity{grantInfo{AccountID: "a", ExtensionID: "x"}}
	ctx := &identityContext{Context: parent, id: id}
	if got, ok := callerOf(ctx); !ok || got != id {
		t.Fatalf("callerOf = %v, %v; want %v", got, ok, id)
	}
	if ctx.Value(otherKey{}) != "v" {
		t.Fatal("the parent's values must show through")
	}
	child, stop := context.WithCancel(ctx)
	defer stop()
	if got, ok := callerOf(child); !ok || got != id {
		t.Fatalf("a derived context's caller = %v, %v", got, ok)
	}
	cancel()
	<-ctx.Done()
	<-child.Done()
	if ctx.Err() != context.Canceled || child.Err() != context.Canceled {
		t.Fatalf("errors %v, %v", ctx.Err(), child.Err())
	}
	if got, ok := callerOf(context.WithValue(context.Background(), identityKey{}, id)); !ok || got != id {
		t.Fatal("the socket's WithValue identity must be found")
	}
	if _, ok := callerOf(context.Background()); ok {
		t.Fatal("no identity in a plain context")
	}
}
