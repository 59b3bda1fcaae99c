package netsapiens

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Source: reference/netsapiens.md §5: error bodies are {"code","message"};
// the subscription 409 has no code; non-JSON bodies fall back to the text.
func TestErrorsCarryStatusCodeAndMessage(t *testing.T) {
	cases := []struct {
		status      int
		body        string
		wantCode    int
		wantMessage string
	}{
		{404, `{"code":404,"message":"Call not found"}`, 404, "Call not found"},
		{403, `{"code":403,"message":"Domain not found or access denied"}`, 403, "Domain not found or access denied"},
		{409, `{"message":"Subscription ID already Exists or matching set of parameters already exists"}`, 0, "Subscription ID already Exists or matching set of parameters already exists"},
		{502, `<html>bad gateway</html>`, 0, "<html>bad gateway</html>"},
		{500, ``, 0, "Internal Server Error"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c, _ := New(Config{BaseURL: srv.URL, Domain: "TEST", Auth: APIKey("nsd_secret")})
			err := c.Hold(context.Background(), "1000", "abc")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("want *Error, got %T %v", err, err)
			}
			if e.Status != tc.status || e.Code != tc.wantCode || e.Message != tc.wantMessage {
				t.Errorf("got status=%d code=%d message=%q, want %d %d %q", e.Status, e.Code, e.Message, tc.status, tc.wantCode, tc.wantMessage)
			}
			if e.Method != "PATCH" || e.Path != "/domains/TEST/users/1000/calls/abc/hold" {
				t.Errorf("error names %s %s", e.Method, e.Path)
			}
		})
	}
}

// Rule (common brief): secrets never appear in errors or logs.
func TestSecretsNeverAppearInErrors(t *testing.T) {
	const key, password, clientSecret = "nsu_TOPSECRETKEY", "hunter2-pw", "client-secret-xyz"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		_, _ = io.WriteString(w, `{"code":401,"message":"Unauthorized"}`)
	}))
	defer srv.Close()
	grant := &PasswordGrant{ClientID: "cid", ClientSecret: clientSecret, Username: "1000@TEST", Password: password}
	for name, auth := range map[string]Auth{"key": APIKey(key), "grant": grant} {
		c, _ := New(Config{BaseURL: srv.URL, Domain: "TEST", Auth: auth})
		_, err := c.Calls(context.Background())
		if err == nil || StatusOf(err) != 401 {
			t.Fatalf("%s: want a 401, got %v", name, err)
		}
		for _, secret := range []string{key, password, clientSecret} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: error %q shows a secret", name, err)
			}
		}
	}
	if s := fmt.Sprint(grant); strings.Contains(s, password) || strings.Contains(s, clientSecret) {
		t.Errorf("PasswordGrant prints its secrets: %s", s)
	}
}

// tokenServer is an NS token endpoint: POST /ns-api/v2/tokens with the
// password or refresh_token grant; GET /calls needs the latest token.
type tokenServer struct {
	mu      sync.Mutex
	grants  []string
	current string
	n       int
}

func (s *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/ns-api/v2/tokens" {
		var req map[string]string
		_ = json.NewDecoder(r.Body).Decode(&req)
		ok := req["client_id"] == "cid" && req["client_secret"] == "cs" &&
			((req["grant_type"] == "password" && req["username"] == "1000@TEST" && req["password"] == "pw") ||
				(req["grant_type"] == "refresh_token" && req["refresh_token"] == fmt.Sprintf("refresh-%d", s.n)))
		s.grants = append(s.grants, req["grant_type"])
		if !ok {
			w.WriteHeader(401)
			_, _ = io.WriteString(w, `{"code":401,"message":"Invalid credentials"}`)
			return
		}
		s.n++
		s.current = fmt.Sprintf("access-%d", s.n)
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": s.current, "refresh_token": fmt.Sprintf("refresh-%d", s.n),
			"expires_in": 3600, "token_type": "Bearer", "scope": "Basic User"})
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.current {
		w.WriteHeader(401)
		_, _ = io.WriteString(w, `{"code":401,"message":"Invalid token"}`)
		return
	}
	_, _ = io.WriteString(w, `[]`)
}

// Source: reference/netsapiens.md §4.2: POST /tokens password grant, then
// refresh_token grant; tokens are timed.
func TestPasswordGrantLogsInAndRefreshes(t *testing.T) {
	ts := &tokenServer{}
	srv := httptest.NewServer(ts)
	defer srv.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, _ := New(Config{BaseURL: srv.URL, Domain: "TEST", Now: func() time.Time { return now },
		Auth: &PasswordGrant{ClientID: "cid", ClientSecret: "cs", Username: "1000@TEST", Password: "pw"}})
	ctx := context.Background()
	if _, err := c.Calls(ctx); err != nil {
		t.Fatalf("first read: %v", err)
	}
	if _, err := c.Calls(ctx); err != nil {
		t.Fatalf("second read: %v", err)
	}
	now = now.Add(time.Hour) // past expiry
	if _, err := c.Calls(ctx); err != nil {
		t.Fatalf("read after expiry: %v", err)
	}
	ts.mu.Lock()
	ts.current = "revoked-by-server"
	ts.mu.Unlock()
	if _, err := c.Calls(ctx); err != nil {
		t.Fatalf("read after the server dropped the token: %v", err)
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	want := []string{"password", "refresh_token", "refresh_token"}
	if fmt.Sprint(ts.grants) != fmt.Sprint(want) {
		t.Errorf("grants = %v, want %v (log in once, reuse, refresh on expiry, refresh on 401)", ts.grants, want)
	}
}

// SIP call-ids carry '@'; each id is one path segment, so a '/' or '?'
// in an id must not change the route.
func TestCallIDIsOnePathSegment(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.EscapedPath())
		w.WriteHeader(202)
	}))
	defer srv.Close()
	c, _ := New(Config{BaseURL: srv.URL + "/ns-api/v2/", Domain: "TEST", Auth: APIKey("k")})
	ctx := context.Background()
	_ = c.Hold(ctx, "1000", "0_1063160652@198.51.100.7")
	_ = c.Hold(ctx, "1000", "a/b?c")
	want := []string{"/ns-api/v2/domains/TEST/users/1000/calls/0_1063160652@198.51.100.7/hold",
		"/ns-api/v2/domains/TEST/users/1000/calls/a%2Fb%3Fc/hold"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("paths = %v, want %v", got, want)
	}
}

// RawTransfer exists so specs can send the trap body; it must reach the
// server byte for byte.
func TestRawTransferSendsTheBodyAsIs(t *testing.T) {
	var body, path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body, path = string(b), r.Method+" "+r.URL.Path
		w.WriteHeader(202)
		_, _ = io.WriteString(w, `{"code":202,"message":"Accepted"}`)
	}))
	defer srv.Close()
	c, _ := New(Config{BaseURL: srv.URL, Domain: "TEST", Auth: APIKey("k")})
	raw := `{"call-term-user":"1010","hostname":"core1","call-destination-session-id":"2"}`
	if err := c.RawTransfer(context.Background(), "1000", "orig@x", json.RawMessage(raw)); err != nil {
		t.Fatal(err)
	}
	if body != raw || path != "PATCH /ns-api/v2/domains/TEST/users/1000/calls/orig@x/transfer" {
		t.Errorf("sent %s %s", path, body)
	}
	if err := c.RawTransfer(context.Background(), "1000", "x", json.RawMessage(`{bad`)); err == nil {
		t.Error("RawTransfer accepted invalid JSON")
	}
}

// Source: CallRequest schema (§2.1): call-id and call-term-user are
// required; the client refuses to send a request without them.
func TestMakeCallNeedsCallIDAndDestination(t *testing.T) {
	c, _ := New(Config{BaseURL: "http://127.0.0.1:1", Auth: APIKey("k")})
	if _, err := c.MakeCall(context.Background(), "1000", CallRequest{TermUser: "1010"}); err == nil {
		t.Error("MakeCall without call-id was sent")
	}
	if _, err := c.MakeCall(context.Background(), "1000", CallRequest{CallID: "x"}); err == nil {
		t.Error("MakeCall without call-term-user was sent")
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	for _, cfg := range []Config{{}, {BaseURL: "not a url", Auth: APIKey("k")}, {BaseURL: "http://x"}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

// Await's time-out lists every observation (complement's MustSyncUntil habit).
func TestAwaitTimeoutListsEveryObservation(t *testing.T) {
	c, _ := New(Config{BaseURL: "http://x", Auth: APIKey("k"), Poll: PollPolicy{Initial: time.Millisecond, Max: time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := c.Await(ctx, "something", func(context.Context) (bool, string, error) {
		n++
		if n == 3 {
			cancel()
		}
		return false, fmt.Sprintf("read %d", n), nil
	})
	var te *TimeoutError
	if !errors.As(err, &te) || len(te.Observed) != 3 || !errors.Is(err, context.Canceled) {
		t.Fatalf("want a time-out with 3 observations, got %v", err)
	}
	for i := 1; i <= 3; i++ {
		if !strings.Contains(err.Error(), fmt.Sprintf("read %d", i)) {
			t.Errorf("time-out text lacks read %d: %v", i, err)
		}
	}
}
