package ringcentral

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeNow is a manual clock for token expiry.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeNow) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeNow) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

func extRoute(f *fakePlatform) {
	f.handle(http.MethodGet, "/restapi/v1.0/account/~/extension/~", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeJSON(w, 200, map[string]any{"id": 684351005, "extensionNumber": "102", "name": "Agent J", "account": map[string]any{"id": 684349005}})
	})
}

// Source: reference/ringcentral.md §4.6: POST /restapi/oauth/token, form
// encoded, Basic client auth, grant urn:ietf:params:oauth:grant-type:jwt-bearer
// with the JWT as assertion.
func TestLoginWithJWT(t *testing.T) {
	f := newFakePlatform(t)
	c := f.client(t, nil)
	if err := c.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	form, basic := f.grants[0], f.basic[0]
	f.mu.Unlock()
	if form["grant_type"][0] != GrantJWT || form["assertion"][0] != fakeJWT {
		t.Fatalf("token form = %v, want the jwt-bearer grant with the JWT as assertion", form)
	}
	if _, has := form["client_id"]; has {
		t.Fatalf("a confidential client sent client_id in the body: %v", form)
	}
	if basic != fakeClientID+":"+fakeSecret {
		t.Fatalf("Basic auth = %q, want the client credentials", basic)
	}
	if c.OwnerID() != "684351005" {
		t.Fatalf("OwnerID = %q, want owner_id of the token", c.OwnerID())
	}
	extRoute(f)
	e, err := c.Extension(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != "684351005" || e.Account.ID != "684349005" {
		t.Fatalf("extension decoded as %+v (numeric ids must decode)", e)
	}
}

// Source: reference/ringcentral.md §4.6: the JS SDK refreshes once the
// access token is within refreshHandicapMs (60s) of expiring, with the
// refresh_token grant.
func TestRefreshBeforeExpiry(t *testing.T) {
	f := newFakePlatform(t)
	clk := &fakeNow{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := f.client(t, clk.now)
	extRoute(f)
	ctx := context.Background()
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	clk.advance(58 * time.Minute) // 2 minutes left: no refresh yet
	if _, err := c.Extension(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Grants() != 1 {
		t.Fatalf("refreshed with 2 minutes left; grants = %d", c.Grants())
	}
	clk.advance(90 * time.Second) // 30s left: inside the 60s handicap
	if _, err := c.Extension(ctx); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.grants) != 2 || f.grants[1]["grant_type"][0] != "refresh_token" || f.grants[1]["refresh_token"][0] != "rt-1" {
		t.Fatalf("grants = %v, want a refresh_token grant with rt-1 second", f.grants)
	}
}

// Source: reference/ringcentral.md §3.3 (JS SDK): on 401 the SDK drops the
// access token, refreshes, and retries once.
func TestRetryOnceAfter401(t *testing.T) {
	f := newFakePlatform(t)
	c := f.client(t, nil)
	extRoute(f)
	ctx := context.Background()
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	f.revokeAll() // the server forgot our token
	if _, err := c.Extension(ctx); err != nil {
		t.Fatalf("after one 401 the client should refresh and succeed: %v", err)
	}
	if got := f.seen(); len(got) != 2 {
		t.Fatalf("requests = %v, want the refused one and one retry", got)
	}
	// A server that refuses every token gets exactly one retry, then the 401.
	f.handle(http.MethodGet, "/restapi/v1.0/account/~/extension/~", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeJSON(w, 401, map[string]any{"errorCode": "OAU-213", "message": "Token not found"})
	})
	before := len(f.seen())
	_, err := c.Extension(ctx)
	if !IsStatus(err, 401) {
		t.Fatalf("err = %v, want the 401 after one retry", err)
	}
	if n := len(f.seen()) - before; n != 2 {
		t.Fatalf("sent %d requests, want 2 (one retry)", n)
	}
}

// Source: task brief: secrets never appear in errors or logs.
func TestSecretsStayOutOfErrors(t *testing.T) {
	f := newFakePlatform(t)
	c, err := New(Config{ServerURL: f.srv.URL, ClientID: fakeClientID, ClientSecret: "wrong-secret-123", JWT: fakeJWT})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Login(context.Background())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.OAuthError != "invalid_client" || ae.ErrorCode != "OAU-153" {
		t.Fatalf("Login with a wrong secret = %v, want 401 invalid_client OAU-153", err)
	}
	for _, secret := range []string{"wrong-secret-123", fakeJWT, basicOf(fakeClientID, "wrong-secret-123")} {
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error %q leaks a secret", err)
		}
	}
	// A refused JWT: the assertion must not show either.
	c2, _ := New(Config{ServerURL: f.srv.URL, ClientID: fakeClientID, ClientSecret: fakeSecret, JWT: "jwt-not-known-777"})
	err = c2.Login(context.Background())
	if err == nil || strings.Contains(err.Error(), "jwt-not-known-777") || !IsStatus(err, 400) {
		t.Fatalf("Login with an unknown JWT = %v, want a 400 that does not quote the JWT", err)
	}
}
