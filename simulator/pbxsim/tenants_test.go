package pbxsim

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// tdo sends one request to the server's handler and returns status and body.
func tdo(t *testing.T, srv *Server, method, path, body string, hdr ...string) (int, gjson.Result) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" && !strings.HasPrefix(body, "grant_type") {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	return rec.Code, gjson.Parse(rec.Body.String())
}

func newTestServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.closeDialects)
	return srv
}

func rcLogin(t *testing.T, srv *Server, set gjson.Result, ext int) (int, string) {
	t.Helper()
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"assertion": {set.Get("ringcentral.accounts.0.extensions." + string(rune('0'+ext)) + ".jwt").String()}}
	req := httptest.NewRequest(http.MethodPost, "/restapi/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(set.Get("ringcentral.clients.0.id").String(), set.Get("ringcentral.clients.0.secret").String())
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	return rec.Code, gjson.Get(rec.Body.String(), "access_token").String()
}

// Rule: POST /sim/v1/tenants makes a tenant set from the scenario's
// template with fresh ids, numbers and credentials; its credentials work,
// another set's do not reach it, and DELETE ends its calls and tokens.
// Source: issue 12 item 1.
func TestTenantsOnDemand(t *testing.T) {
	srv := newTestServer(t, Config{})
	st, a := tdo(t, srv, http.MethodPost, "/sim/v1/tenants", "")
	if st != http.StatusCreated {
		t.Fatalf("POST /tenants: %d %s", st, a.Raw)
	}
	_, b := tdo(t, srv, http.MethodPost, "/sim/v1/tenants", "")
	if !strings.HasPrefix(a.Get("id").String(), "t-") || a.Get("id").String() == b.Get("id").String() {
		t.Fatalf("ids %q and %q, want two distinct t-... ids", a.Get("id"), b.Get("id"))
	}
	for _, path := range []string{"ringcentral.accounts.0.id", "ringcentral.accounts.0.extensions.1.id",
		"ringcentral.accounts.0.extensions.1.phoneNumbers.0", "ringcentral.accounts.0.extensions.1.jwt",
		"ringcentral.clients.0.secret", "netsapiens.domains.0.name", "netsapiens.domains.0.users.0.numbers.0",
		"netsapiens.domains.0.apiKeys.0.key"} {
		if a.Get(path).String() == "" || a.Get(path).String() == b.Get(path).String() {
			t.Errorf("%s: %q and %q, want fresh and distinct", path, a.Get(path), b.Get(path))
		}
	}
	if a.Get("ringcentral.accounts.0.id").String() == "684349005" || a.Get("netsapiens.domains.0.name").String() == "TEST" {
		t.Errorf("the set reuses the scenario's tenant: %s", a.Raw)
	}
	if got := a.Get("ringcentral.accounts.0.extensions.1.number").String(); got != "102" {
		t.Errorf("extension numbers are kept from the template: got %q, want 102", got)
	}

	// Its own credentials work.
	st, tok := rcLogin(t, srv, a, 1)
	if st != http.StatusOK || tok == "" {
		t.Fatalf("RC login with the set's JWT: %d", st)
	}
	domA, keyA := a.Get("netsapiens.domains.0.name").String(), a.Get("netsapiens.domains.0.apiKeys.0.key").String()
	keyB := b.Get("netsapiens.domains.0.apiKeys.0.key").String()
	if st, body := tdo(t, srv, http.MethodGet, "/ns-api/v2/domains/"+domA+"/calls", "", "Authorization", "Bearer "+keyA); st != http.StatusOK {
		t.Fatalf("NS domain key on its domain: %d %s", st, body.Raw)
	}
	if st, _ := tdo(t, srv, http.MethodGet, "/ns-api/v2/domains/"+domA+"/calls", "", "Authorization", "Bearer "+keyB); st == http.StatusOK {
		t.Errorf("another set's domain key read domain %s", domA)
	}

	// A call into set a is seen with ?tenant=a only.
	opA := a.Get("netsapiens.domains.0.users.0.numbers.0").String()
	if st, body := tdo(t, srv, http.MethodPost, "/sim/v1/calls", `{"from":"+15555555555","to":"`+opA+`"}`); st != http.StatusCreated {
		t.Fatalf("call into set a: %d %s", st, body.Raw)
	}
	if _, calls := tdo(t, srv, http.MethodGet, "/sim/v1/calls?tenant="+a.Get("id").String(), ""); len(calls.Get("calls").Array()) != 1 {
		t.Errorf("calls of set a: %s, want 1", calls.Raw)
	}
	if _, calls := tdo(t, srv, http.MethodGet, "/sim/v1/calls?tenant="+b.Get("id").String(), ""); len(calls.Get("calls").Array()) != 0 {
		t.Errorf("calls of set b: %s, want none", calls.Raw)
	}
	if _, ev := tdo(t, srv, http.MethodGet, "/sim/v1/events?tenant="+b.Get("id").String(), ""); len(ev.Get("events").Array()) != 0 {
		t.Errorf("events of set b: %s, want none", ev.Raw)
	}

	// DELETE ends the call, the RC token and the NS key; set b lives on.
	if st, body := tdo(t, srv, http.MethodDelete, "/sim/v1/tenants/"+a.Get("id").String(), ""); st != http.StatusOK {
		t.Fatalf("DELETE: %d %s", st, body.Raw)
	}
	if n := srv.Sim.ActiveCallCount(); n != 0 {
		t.Errorf("%d calls still up after the delete", n)
	}
	if _, calls := tdo(t, srv, http.MethodGet, "/sim/v1/calls?tenant="+domA, ""); len(calls.Get("calls").Array()) != 0 {
		t.Errorf("the deleted set's calls are still readable: %s", calls.Raw)
	}
	if st, _ := tdo(t, srv, http.MethodGet, "/restapi/v1.0/account/~/extension/~", "", "Authorization", "Bearer "+tok); st != http.StatusUnauthorized {
		t.Errorf("RC token of a deleted set: %d, want 401", st)
	}
	if st, _ := tdo(t, srv, http.MethodGet, "/ns-api/v2/domains/"+domA+"/calls", "", "Authorization", "Bearer "+keyA); st != http.StatusUnauthorized {
		t.Errorf("NS key of a deleted set: %d, want 401", st)
	}
	if st, _ := tdo(t, srv, http.MethodGet, "/sim/v1/tenants/"+a.Get("id").String(), ""); st != http.StatusNotFound {
		t.Errorf("GET a deleted set: %d, want 404", st)
	}
	if st, _ := rcLogin(t, srv, b, 1); st != http.StatusOK {
		t.Errorf("set b's login after a's delete: %d", st)
	}
	if _, list := tdo(t, srv, http.MethodGet, "/sim/v1/tenants", ""); len(list.Get("tenants").Array()) != 1 {
		t.Errorf("GET /tenants: %s, want only set b", list.Raw)
	}
}

// Rule: a bad tenant description gets a 4xx naming the field; the cap on
// live tenant sets answers with a clear error. Source: issue 12 item 1.
func TestTenantDescriptionErrorsAndCap(t *testing.T) {
	srv := newTestServer(t, Config{MaxTenants: 1})
	for body, field := range map[string]string{
		`{"ringcentral":{"accounts":[{"extensions":[{"number":"abc","name":"A"}]}]}}`:                        "ringcentral.accounts[0].extensions[0].number",
		`{"netsapiens":{"domains":[{"name":"x","users":[{"id":"1","name":"A","answer":{"mode":"sing"}}]}]}}`: "netsapiens.domains[0].users[0].answer.mode",
		`{"clock":"manual","netsapiens":{}}`:                                                                 "clock",
	} {
		st, got := tdo(t, srv, http.MethodPost, "/sim/v1/tenants", body)
		if st != http.StatusBadRequest || got.Get("error.field").String() != field || !strings.Contains(got.Get("error.message").String(), field) {
			t.Errorf("POST %s: %d %s, want 400 naming %s", body, st, got.Raw, field)
		}
	}
	if srv.Sim.TenantCount() != 2 {
		t.Errorf("bad descriptions left tenants behind: %d tenants", srv.Sim.TenantCount())
	}
	desc := `{"netsapiens":{"domains":[{"name":"acme","users":[{"id":"200","name":"Ann","numbers":["+12125550100"]},{"id":"201","name":"Bob"}]}]}}`
	st, set := tdo(t, srv, http.MethodPost, "/sim/v1/tenants", desc)
	if st != http.StatusCreated || !strings.HasSuffix(set.Get("netsapiens.domains.0.name").String(), ".acme") || set.Get("ringcentral").Exists() {
		t.Fatalf("POST a description: %d %s", st, set.Raw)
	}
	if st, got := tdo(t, srv, http.MethodPost, "/sim/v1/tenants", ""); st != http.StatusTooManyRequests || !strings.Contains(got.Get("error.message").String(), "--max-tenants") {
		t.Errorf("past the cap: %d %s, want 429 naming --max-tenants", st, got.Raw)
	}
}

// Rule: a tenant set's RingCentral rate-limit profile is set through the
// control API without a restart, and only that set's requests count
// against it; {} turns it off. Source: issue 12 item 2.
func TestTenantRateLimitsWithoutRestart(t *testing.T) {
	srv := newTestServer(t, Config{})
	_, a := tdo(t, srv, http.MethodPost, "/sim/v1/tenants", "")
	_, b := tdo(t, srv, http.MethodPost, "/sim/v1/tenants", "")
	id := a.Get("id").String()
	if st, body := tdo(t, srv, http.MethodPut, "/sim/v1/tenants/"+id+"/ratelimits", `{"light":2,"window":"60s","penalty":"60s"}`); st != http.StatusOK {
		t.Fatalf("PUT ratelimits: %d %s", st, body.Raw)
	}
	_, tokA := rcLogin(t, srv, a, 1)
	_, tokB := rcLogin(t, srv, b, 1)
	statuses := func(tok string) []int {
		var out []int
		for range 3 {
			st, _ := tdo(t, srv, http.MethodGet, "/restapi/v1.0/account/~/extension/~", "", "Authorization", "Bearer "+tok)
			out = append(out, st)
		}
		return out
	}
	if got := statuses(tokA); got[2] != http.StatusTooManyRequests {
		t.Errorf("set a, light limit 2: statuses %v, want the third refused 429", got)
	}
	if got := statuses(tokB); got[2] != http.StatusOK {
		t.Errorf("set b has no limits: statuses %v", got)
	}
	tdo(t, srv, http.MethodPut, "/sim/v1/tenants/"+id+"/ratelimits", `{}`)
	if got := statuses(tokA); got[0] != http.StatusOK {
		t.Errorf("after {} the limits are off: statuses %v", got)
	}
	if st, body := tdo(t, srv, http.MethodPut, "/sim/v1/tenants/"+id+"/ratelimits", `{"window":"10ms"}`); st != http.StatusBadRequest || body.Get("error.field").String() != "window" {
		t.Errorf("a bad window: %d %s, want 400 naming window", st, body.Raw)
	}
}

// Rule: POST /sim/v1/faults?tenant=<set> scopes the rule to the set's
// tenant of the rule's dialect; a rule whose dialect is ambiguous is
// refused, naming match.dialect. Deleting the set deletes its rules.
// Source: issue 12 item 2.
func TestTenantScopedFaultRules(t *testing.T) {
	srv := newTestServer(t, Config{})
	_, a := tdo(t, srv, http.MethodPost, "/sim/v1/tenants", "")
	id := a.Get("id").String()
	st, rule := tdo(t, srv, http.MethodPost, "/sim/v1/faults?tenant="+id, `{"match":{"dialect":"netsapiens"},"action":{"status":503}}`)
	if st != http.StatusCreated || rule.Get("match.tenant").String() != a.Get("netsapiens.domains.0.name").String() {
		t.Fatalf("scoped rule: %d %s", st, rule.Raw)
	}
	if st, body := tdo(t, srv, http.MethodPost, "/sim/v1/faults?tenant="+id, `{"action":{"status":503}}`); st != http.StatusBadRequest || !strings.Contains(body.Get("error.message").String(), "match.dialect") {
		t.Errorf("ambiguous rule: %d %s, want 400 naming match.dialect", st, body.Raw)
	}
	// The default tenant TEST is not touched by the set's rule.
	if st, _ := tdo(t, srv, http.MethodGet, "/ns-api/v2/domains/TEST/calls", "", "Authorization", "Bearer nsd_QLTzfB3v6vVySzayxfEo1adY7n4O0zB2I6NKXEf7taE2IYvcb9ea433f"); st != http.StatusOK {
		t.Errorf("TEST under another set's 503 rule: %d", st)
	}
	key := a.Get("netsapiens.domains.0.apiKeys.0.key").String()
	if st, _ := tdo(t, srv, http.MethodGet, "/ns-api/v2/domains/"+a.Get("netsapiens.domains.0.name").String()+"/calls", "", "Authorization", "Bearer "+key); st != http.StatusServiceUnavailable {
		t.Errorf("the set's own request: %d, want the rule's 503", st)
	}
	tdo(t, srv, http.MethodDelete, "/sim/v1/tenants/"+id, "")
	if _, list := tdo(t, srv, http.MethodGet, "/sim/v1/faults", ""); len(list.Get("rules").Array()) != 0 {
		t.Errorf("rules left after the set's delete: %s", list.Raw)
	}
}
