package isolation

import (
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/test/world"
)

// expectNSError checks the NS API's error body {code, message}.
func expectNSError(t *testing.T, what string, r world.Response, status int, message string) {
	t.Helper()
	j := r.JSON()
	if r.Status != status || j.Get("code").Int() != int64(status) || !strings.Contains(j.Get("message").String(), message) {
		t.Errorf("%s: got %s, want %d with a message containing %q", what, r, status, message)
	}
}

const nsMyCalls = "/ns-api/v2/domains/~/users/~/calls"

// Rule (issue 7): expired, revoked, malformed and wrong-client NetSapiens
// credentials are refused with 401 in the NS shape.
// Source: reference/netsapiens.md (SPEC45 AccessToken, JWT; 401 bodies).
func TestNetSapiensCredentialRefusals(t *testing.T) {
	w := world.New(t)
	ns := w.NS["A"]
	get := func(tok string) world.Response {
		r, err := w.Do(world.Request{Method: "GET", Path: nsMyCalls, Token: tok})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// A second JWT to revoke, so the world's own stays usable until expiry.
	jwt := w.MustJSON(200, world.Request{Method: "POST", Path: "/ns-api/v2/jwt", JSON: map[string]string{"username": "1000@TEST", "password": "pbxsim"}}).Get("token").String()
	w.Must(202, world.Request{Method: "DELETE", Path: "/ns-api/v2/jwt", Token: jwt})
	expectNSError(t, "a revoked JWT", get(jwt), 401, "revoked")

	head, payload, _ := strings.Cut(ns.JWT, ".")
	tampered := head + "." + strings.Replace(payload, payload[:4], "eyJk", 1) + ns.JWT[strings.LastIndex(ns.JWT, "."):]
	for what, cred := range map[string]string{
		"a JWT with a changed payload": tampered,
		"a JWT without a signature":    ns.JWT[:strings.LastIndex(ns.JWT, ".")+1],
		"a two-part JWT":               ns.JWT[:strings.LastIndex(ns.JWT, ".")],
		"an unknown API key":           "nsd_" + strings.Repeat("A", 56),
		"an unknown access token":      strings.Repeat("0", 32),
		"a RingCentral token":          w.RC["A"].Token,
	} {
		expectNSError(t, what, get(cred), 401, "")
	}
	for _, h := range []string{"Bearer", "Bearer ", "Basic MTAwMEBURVNUOnBieHNpbQ==", ns.OMKey} {
		r, _ := w.Do(world.Request{Method: "GET", Path: nsMyCalls, Header: map[string]string{"Authorization": h}})
		expectNSError(t, "Authorization: "+h[:min(len(h), 10)]+"…", r, 401, "")
	}

	// Another client cannot spend TEST's refresh token, and trying does
	// not use it up.
	tok := w.MustJSON(200, world.Request{Method: "POST", Path: "/ns-api/v2/tokens", JSON: map[string]string{
		"grant_type": "password", "client_id": world.NSClient, "client_secret": world.NSSecret, "username": "1010@TEST", "password": "pbxsim"}})
	refresh := map[string]string{"grant_type": "refresh_token", "client_id": world.NSOtherClient, "client_secret": world.NSOtherSecret, "refresh_token": tok.Get("refresh_token").String()}
	r, _ := w.Do(world.Request{Method: "POST", Path: "/ns-api/v2/tokens", JSON: refresh})
	expectNSError(t, "a refresh token of another client", r, 401, "refresh token")
	refresh["client_id"], refresh["client_secret"] = world.NSClient, world.NSSecret
	w.Must(200, world.Request{Method: "POST", Path: "/ns-api/v2/tokens", JSON: refresh})

	// Past their life: the access token and the JWT (1h in the scenario).
	w.Advance(time.Hour + time.Second)
	expectNSError(t, "an expired access token", get(ns.Token), 401, "expired")
	expectNSError(t, "an expired JWT", get(ns.JWT), 401, "expired")
	if r := get(ns.UserKey); r.Status != 200 {
		t.Errorf("API keys do not expire: %s", r)
	}
}

// Rule (issue 7): a read-only key reads and every write is 403; a user key
// reaches only its own user, a domain key only its domain; nothing changes.
// Source: reference/netsapiens.md (GUIDE-KEYS prefixes and scopes, CTRL
// read-only keys, SPEC45 403 messages).
func TestNetSapiensKeyScopes(t *testing.T) {
	w := world.New(t)
	ns := w.NS["A"]
	before := w.Snapshot()
	var sent []world.Sent
	do := func(r world.Request) world.Response {
		t.Helper()
		sent = append(sent, world.Sent{Method: r.Method, Path: r.Path})
		resp, err := w.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	call := "/ns-api/v2/domains/TEST/users/1000/calls/" + ns.TermCall
	for _, wr := range []struct{ method, path string }{
		{"PATCH", call + "/hold"}, {"PATCH", call + "/unhold"}, {"PATCH", call + "/answer"}, {"DELETE", call + "/reject"},
		{"DELETE", call}, {"PATCH", "/ns-api/v2/domains/TEST/users/1000/calls/" + ns.OrigCall + "/transfer"},
		{"POST", "/ns-api/v2/domains/TEST/users/1000/calls"}, {"POST", "/ns-api/v2/subscriptions"},
		{"PUT", "/ns-api/v2/subscriptions/" + ns.Subscription}, {"DELETE", "/ns-api/v2/subscriptions/" + ns.Subscription},
	} {
		r := do(world.Request{Method: wr.method, Path: wr.path, Token: ns.ROKey, JSON: map[string]string{
			"call-id": "ro-1", "call-term-user": "1010", "model": "call", "post-url": "https://example.test/ro"}})
		expectNSError(t, "read-only key "+wr.method+" "+wr.path, r, 403, "Permission Denied")
	}
	if r := do(world.Request{Method: "GET", Path: "/ns-api/v2/domains/TEST/calls", Token: ns.ROKey}); r.Status != 200 || len(r.JSON().Array()) != 1 {
		t.Errorf("a read-only key reads: %s", r)
	}
	expectNSError(t, "user 1000's key on user 1010", do(world.Request{Method: "GET", Path: "/ns-api/v2/domains/TEST/users/1010/calls", Token: ns.UserKey}), 403, "Permission Denied")
	expectNSError(t, "user 1000's key holds as 1010", do(world.Request{Method: "PATCH", Path: "/ns-api/v2/domains/TEST/users/1010/calls/" + ns.TermCall + "/hold", Token: ns.UserKey}), 403, "Permission Denied")
	expectNSError(t, "user 1000's token on user 1010", do(world.Request{Method: "GET", Path: "/ns-api/v2/domains/TEST/users/1010/calls", Token: ns.Token}), 403, "Permission Denied")
	expectNSError(t, "a domain key on another domain", do(world.Request{Method: "GET", Path: "/ns-api/v2/domains/OTHER/calls", Token: ns.OMKey}), 403, "Domain not found or access denied")
	expectNSError(t, "a user key subscribes its domain", do(world.Request{Method: "POST", Path: "/ns-api/v2/subscriptions", Token: ns.UserKey,
		JSON: map[string]string{"model": "call", "post-url": "https://example.test/u", "user": "1010"}}), 403, "")
	if r := do(world.Request{Method: "GET", Path: "/ns-api/v2/domains/TEST/calls", Token: w.NS["A"].Token}); r.Status != 200 {
		t.Errorf("a Basic User lists its own calls in its domain: %s", r)
	}
	if d := before.Diff(w.Snapshot(), sent...); d != "" {
		t.Fatalf("refused keys changed the state:\n%s", d)
	}
}
