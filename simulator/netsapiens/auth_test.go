package netsapiens

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// A second domain with keys of every prefix, for scope and isolation.
const (
	keySuper    = "nss_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAj6eca3dd2"
	keyReseller = "nsr_IhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7DxtpYlSXpfKtHF4vU691806ed"
	keyOtherOM  = "nsd_CsMehGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedUStPK01d5c751"
	keyOther200 = "nsu_R0CsTy4Qwb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3JrTAwR4y34b6e697"
)

func withOtherDomain(sc *scenario.Scenario) {
	SectionOf(sc).Domains = append(SectionOf(sc).Domains, Domain{
		Name:  "OTHER",
		Users: []User{{ID: "2000", Name: "Other Two", Password: "pbxsim"}, {ID: "2010", Name: "Other Ten"}},
		APIKeys: []APIKey{
			{Key: keySuper}, {Key: keyReseller}, {Key: keyOtherOM}, {Key: keyOther200, User: "2000"},
		},
	})
}

// otherCall puts a call 2000 -> 2010 in domain OTHER and returns its term call-id.
func (w *world) otherCall() string {
	w.t.Helper()
	c := w.must(200, "POST", "/domains/OTHER/users/2000/calls", keyOther200,
		map[string]string{"synchronous": "yes", "call-id": "other-1", "call-term-user": "2010", "auto-answer-enabled": "yes"})
	return c.Get("call-term-call-id").String()
}

// Source: GUIDE-KEYS (prefix gives the scope) and reference §8.9: a
// Basic User key sees its own calls, a domain key its domain, reseller and
// super user keys every domain; outside the scope is 403 "Domain not
// found or access denied".
func TestAPIKeyScopes(t *testing.T) {
	w := newWorld(t, withOtherDomain)
	w.inboundCall()
	w.otherCall()
	cases := []struct {
		key, path string
		status    int
		calls     int
	}{
		{key1000, "/domains/TEST/calls", 200, 1},
		{key1010, "/domains/TEST/calls", 200, 0}, // a Basic User lists only its own calls
		{key1000, "/domains/~/users/~/calls", 200, 1},
		{key1000, "/domains/TEST/users/1010/calls", 403, 0},
		{key1000, "/domains/OTHER/calls", 403, 0},
		{keyOM, "/domains/TEST/users/1010/calls", 200, 0},
		{keyOM, "/domains/OTHER/calls", 403, 0},
		{keyOM, "/domains/NOPE/calls", 403, 0},
		{keyOtherOM, "/domains/TEST/calls", 403, 0},
		{keyOtherOM, "/domains/~/calls", 200, 1},
		{keyReseller, "/domains/TEST/calls", 200, 1},
		{keyReseller, "/domains/OTHER/calls", 200, 1},
		{keySuper, "/domains/TEST/users/1000/calls", 200, 1},
		{keySuper, "/domains/NOPE/calls", 404, 0},
	}
	for _, tc := range cases {
		r := w.do("GET", tc.path, tc.key, nil)
		if r.status != tc.status {
			t.Errorf("%s with %s: got %d %s, want %d", tc.path, tc.key[:4], r.status, r.body, tc.status)
			continue
		}
		if tc.status != 200 {
			errorShape(t, r, tc.status)
			if tc.status == 403 && strings.Contains(tc.path, "/calls") && !strings.Contains(tc.path, "/users/") {
				if msg := r.json().Get("message").String(); msg != msgDomainDenied {
					t.Errorf("%s: message %q, want %q", tc.path, msg, msgDomainDenied)
				}
			}
			continue
		}
		if n := len(r.json().Array()); n != tc.calls {
			t.Errorf("%s with %s: %d calls, want %d", tc.path, tc.key[:4], n, tc.calls)
		}
	}
	if got := w.must(404, "GET", "/domains/NOPE/calls", keySuper, nil).Get("message").String(); got != "Domain NOPE does not exist" {
		t.Errorf("super user on an unknown domain: %q", got)
	}
}

// Source: CTRL and SPEC45 ApiKey.readonly: a read-only key reads but every
// write is 403, and nothing changes.
func TestReadOnlyKeyRefusedOnWrites(t *testing.T) {
	w := newWorld(t, nil)
	w.inboundCall()
	c := w.must(200, "GET", "/domains/TEST/calls", keyRO, nil).Array()[0]
	base := "/domains/TEST/users/1000/calls/" + c.Get("call-term-call-id").String()
	for _, req := range []struct{ method, path string }{
		{"PATCH", base + "/hold"}, {"PATCH", base + "/transfer"}, {"DELETE", base},
		{"POST", "/domains/TEST/users/1000/calls"}, {"POST", "/subscriptions"},
	} {
		errorShape(t, w.do(req.method, req.path, keyRO, map[string]string{"call-id": "ro", "call-term-user": "1010"}), 403)
	}
	w.settle()
	if got := w.calls(); len(got) != 1 || got[0].Raw != c.Raw {
		t.Fatalf("read-only writes changed state: %v", got)
	}
}

// Source: rules (tenants are isolated): a call-id of another domain
// answers exactly like an unknown one, and never changes that call.
func TestForeignCallIDReadsLikeAnUnknownOne(t *testing.T) {
	w := newWorld(t, withOtherDomain)
	foreign := w.otherCall()
	unknown := w.do("PATCH", "/domains/TEST/users/1000/calls/no-such-id/hold", keyOM, nil)
	got := w.do("PATCH", "/domains/TEST/users/1000/calls/"+foreign+"/hold", keyOM, nil)
	errorShape(t, got, 404)
	if strings.ReplaceAll(string(got.body), foreign, "X") != strings.ReplaceAll(string(unknown.body), "no-such-id", "X") {
		t.Fatalf("foreign %s vs unknown %s", got.body, unknown.body)
	}
	w.settle()
	c := w.must(200, "GET", "/domains/OTHER/calls", keyOtherOM, nil).Array()[0]
	if c.Get("call-orig-info").String() != "active" {
		t.Fatalf("the foreign call changed: %s", c.Raw)
	}
}

// Source: SPEC45 AuthRequest/AccessToken and reference §4.2: password and
// refresh_token grants; tokens expire on the simulator clock.
func TestAccessTokens(t *testing.T) {
	w := newWorld(t, nil)
	grant := map[string]string{"grant_type": "password", "client_id": "pbxsim-ns-client", "client_secret": "pbxsim-ns-secret", "username": "1000@TEST", "password": "pbxsim"}
	tok := w.must(200, "POST", "/tokens", "", grant)
	for _, k := range []string{"username", "user", "territory", "domain", "department", "uid", "login", "scope",
		"user_email", "displayName", "access_token", "expires_in", "token_type", "refresh_token", "client_id", "apiversion"} {
		if !tok.Get(k).Exists() {
			t.Errorf("AccessToken lacks %s: %s", k, tok.Raw)
		}
	}
	if tok.Get("scope").String() != scopeBasicUser || tok.Get("expires_in").Int() != 3600 || tok.Get("token_type").String() != "Bearer" ||
		tok.Get("uid").String() != "1000@TEST" {
		t.Fatalf("AccessToken = %s", tok.Raw)
	}
	access := tok.Get("access_token").String()
	w.must(200, "GET", "/domains/~/users/~/calls", access, nil)
	w.must(403, "GET", "/domains/TEST/users/1010/calls", access, nil)

	bad := map[string]map[string]string{
		"wrong password": {"grant_type": "password", "client_id": "pbxsim-ns-client", "client_secret": "pbxsim-ns-secret", "username": "1000@TEST", "password": "nope"},
		"wrong secret":   {"grant_type": "password", "client_id": "pbxsim-ns-client", "client_secret": "nope", "username": "1000@TEST", "password": "pbxsim"},
		"unknown domain": {"grant_type": "password", "client_id": "pbxsim-ns-client", "client_secret": "pbxsim-ns-secret", "username": "1000@NOPE", "password": "pbxsim"},
	}
	for name, body := range bad {
		if r := w.do("POST", "/tokens", "", body); r.status != 401 {
			t.Errorf("%s: got %d %s, want 401", name, r.status, r.body)
		}
	}
	errorShape(t, w.do("POST", "/tokens", "", map[string]string{"grant_type": "password", "client_id": "pbxsim-ns-client"}), 400)

	w.clk.Advance(time.Hour)
	errorShape(t, w.do("GET", "/domains/~/users/~/calls", access, nil), 401)

	refresh := map[string]string{"grant_type": "refresh_token", "client_id": "pbxsim-ns-client", "client_secret": "pbxsim-ns-secret", "refresh_token": tok.Get("refresh_token").String()}
	next := w.must(200, "POST", "/tokens", "", refresh)
	w.must(200, "GET", "/domains/~/users/~/calls", next.Get("access_token").String(), nil)
	errorShape(t, w.do("POST", "/tokens", "", refresh), 401) // a refresh token is good once

	// The Office Manager's token reaches the whole domain.
	grant["username"], grant["password"] = "1099@TEST", "pbxsim"
	om := w.must(200, "POST", "/tokens", "", grant)
	if om.Get("scope").String() != scopeOfficeManager {
		t.Fatalf("1099's scope = %s", om.Get("scope").String())
	}
	w.must(200, "GET", "/domains/TEST/users/1010/calls", om.Get("access_token").String(), nil)
}

// Source: SPEC45 POST/GET/DELETE /jwt: a JWT and a refresh JWT; GET /jwt
// shows the claims; the JWT expires on the sim clock; a refresh JWT is
// good only for a new JWT; DELETE revokes.
func TestJWT(t *testing.T) {
	w := newWorld(t, nil)
	pair := w.must(200, "POST", "/jwt", "", map[string]string{"grant_type": "password", "client_id": "pbxsim-ns-client", "client_secret": "pbxsim-ns-secret", "username": "1000@TEST", "password": "pbxsim"})
	token, refresh := pair.Get("token").String(), pair.Get("refresh").String()
	claims := w.must(200, "GET", "/jwt", token, nil)
	if claims.Get("sub").String() != "1000@TEST" || claims.Get("user_scope").String() != scopeBasicUser || claims.Get("aud").String() != "ns" ||
		claims.Get("exp").Int()-claims.Get("iat").Int() != 3600 || claims.Get("time_out").Int() != 3600000 {
		t.Fatalf("claims = %s", claims.Raw)
	}
	w.must(200, "GET", "/domains/~/users/~/calls", token, nil)
	errorShape(t, w.do("GET", "/domains/~/users/~/calls", refresh, nil), 401)
	errorShape(t, w.do("GET", "/domains/~/users/~/calls", token[:len(token)-2]+"xx", nil), 401)

	w.clk.Advance(time.Hour)
	errorShape(t, w.do("GET", "/domains/~/users/~/calls", token, nil), 401)
	next := w.must(200, "POST", "/jwt", "", map[string]string{"grant_type": "refresh_token", "refresh_token": refresh})
	errorShape(t, w.do("POST", "/jwt", "", map[string]string{"grant_type": "refresh_token", "refresh_token": refresh}), 401)
	fresh := next.Get("token").String()
	w.must(200, "GET", "/domains/~/users/~/calls", fresh, nil)
	w.must(202, "DELETE", "/jwt", fresh, nil)
	errorShape(t, w.do("GET", "/domains/~/users/~/calls", fresh, nil), 401)

	errorShape(t, w.do("POST", "/jwt", "", map[string]string{"username": "1000@TEST", "password": "wrong"}), 401)
}

// Source: rules (bad input): each client mistake gets the NS error shape
// and leaves the calls unchanged (testdata/netsapiens/bad-requests.json).
func TestBadRequestsCorpus(t *testing.T) {
	w := newWorld(t, nil)
	w.inboundCall()
	before := w.calls()
	term := before[0].Get("call-term-call-id").String()
	for _, tc := range fixture(t, "bad-requests.json").Get("cases").Array() {
		name := tc.Get("name").String()
		key := tc.Get("key").String()
		if k, ok := keyByName[key]; ok {
			key = k
		}
		var body any
		if b := tc.Get("body"); b.Exists() {
			body = b.String()
		}
		path := strings.ReplaceAll(tc.Get("path").String(), "{callid}", term)
		r := w.do(tc.Get("method").String(), path, key, body)
		status := int(tc.Get("status").Int())
		if r.status != status || r.json().Get("code").Int() != int64(status) || r.json().Get("message").String() == "" {
			t.Errorf("%s: got %d %s, want %d {code,message}", name, r.status, r.body, status)
			continue
		}
		if msg := tc.Get("message"); msg.Exists() && r.json().Get("message").String() != msg.String() {
			t.Errorf("%s: message %q, want %q", name, r.json().Get("message").String(), msg.String())
		}
	}
	w.settle()
	after := w.calls()
	if len(after) != 1 || after[0].Raw != before[0].Raw {
		t.Fatalf("bad requests changed state:\nbefore %v\nafter  %v", before, after)
	}
}

// Source: rules (body size limit): a body over 1 MiB is a 400 in the NS
// shape, never a 500.
func TestBodySizeLimit(t *testing.T) {
	w := newWorld(t, nil)
	w.inboundCall()
	c := w.calls()[0]
	huge := `{"hostname":"` + strings.Repeat("a", maxBody+10) + `"}`
	r := w.do("PATCH", "/domains/TEST/users/1000/calls/"+c.Get("call-orig-call-id").String()+"/transfer", key1000, huge)
	errorShape(t, r, http.StatusBadRequest)
}

// Source: scenario quirk registry: the NS quirks parse from a scenario
// file, and an unknown value is refused at load.
func TestQuirksSelectableInScenarioFiles(t *testing.T) {
	yaml := string(scenario.DefaultYAML())
	good := strings.Replace(yaml, "    - name: TEST\n", "    - name: TEST\n      quirks:\n        call-term-user: refused\n", 1)
	sc, err := scenario.Parse("good.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := SectionOf(sc).Domain("TEST")
	if newProfile(d.Quirks).callTermUser != "refused" {
		t.Fatalf("quirk not selected: %v", d.Quirks)
	}
	bad := strings.Replace(good, "call-term-user: refused", "call-term-user: sometimes", 1)
	if _, err := scenario.Parse("bad.yaml", []byte(bad)); err == nil || !strings.Contains(err.Error(), "call-term-user") {
		t.Fatalf("an unknown quirk value should be refused, got %v", err)
	}
}
