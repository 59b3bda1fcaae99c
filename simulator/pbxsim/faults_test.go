package pbxsim

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// faultScenario is the built-in world on a manual clock with fault rules
// from the scenario file (issue 6: "control API and scenario file").
func faultScenario(t *testing.T, seed int64) *scenario.Scenario {
	t.Helper()
	text := string(scenario.DefaultYAML())
	text += `
faults:
  - id: flaky-ext
    match: {dialect: ringcentral, operation: extension}
    action: {status: 503}
    probability: 0.4
  - id: third-call-list
    match: {dialect: netsapiens, method: GET, path: /ns-api/v2/domains/*/calls}
    action: {status: 429, retryAfter: 2s}
    after: 2
    times: once
`
	sc, err := scenario.Parse("faults.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	sc.Seed, sc.Clock = seed, "manual"
	return sc
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func start(t *testing.T, sc *scenario.Scenario) *Server {
	t.Helper()
	srv, err := New(Config{Scenario: sc})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return srv
}

func do(t *testing.T, method, u, token, body string) (int, http.Header, gjson.Result) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, gjson.ParseBytes(b)
}

const nsKey = "nsd_QLTzfB3v6vVySzayxfEo1adY7n4O0zB2I6NKXEf7taE2IYvcb9ea433f"

// traffic sends a fixed sequence of vendor requests and returns their
// statuses, the fault outcome log and the journal's statuses and notes.
func traffic(t *testing.T, srv *Server) (statuses []int, outcomes, journal []string) {
	t.Helper()
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"jwt-102"}}
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/restapi/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("pbxsim-client", "pbxsim-secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	for i := 0; i < 20; i++ {
		st, _, _ := do(t, http.MethodGet, srv.URL()+"/restapi/v1.0/account/~/extension/~", tok.AccessToken, "")
		statuses = append(statuses, st)
		st, _, _ = do(t, http.MethodGet, srv.URL()+"/ns-api/v2/domains/TEST/calls", nsKey, "")
		statuses = append(statuses, st)
	}
	_, _, log := do(t, http.MethodGet, srv.URL()+"/sim/v1/faults/log", "", "")
	for _, o := range log.Get("outcomes").Array() {
		outcomes = append(outcomes, o.Get("rule").String()+"#"+o.Get("match").String()+" "+o.Get("effect").String()+" "+o.Get("time").String())
	}
	for _, e := range srv.Sim.Journal().Entries(simulator.JournalFilter{}) {
		journal = append(journal, e.Method+" "+e.Path+" "+itoa(int64(e.Status))+" "+e.Note)
	}
	return statuses, outcomes, journal
}

// Issue 6, done when: "a rerun with the same seed reproduces the same
// requests and events": two pbxsims from the same scenario and seed,
// given the same traffic, answer it identically and log the same faults.
func TestSameSeedReproducesFaults(t *testing.T) {
	s1, o1, j1 := traffic(t, start(t, faultScenario(t, 42)))
	s2, o2, j2 := traffic(t, start(t, faultScenario(t, 42)))
	if !reflect.DeepEqual(s1, s2) || !reflect.DeepEqual(o1, o2) || !reflect.DeepEqual(j1, j2) {
		t.Fatalf("same seed, different runs:\n%v\n%v\n%q\n%q", s1, s2, o1, o2)
	}
	n503, n429 := 0, 0
	for _, s := range s1 {
		switch s {
		case 503:
			n503++
		case 429:
			n429++
		}
	}
	if n503 == 0 || n503 == 20 || n429 != 1 || s1[5] != 429 {
		t.Fatalf("statuses %v: want some (not all) 503s for the RC extension and one 429 on the third NS list", s1)
	}
	s3, _, _ := traffic(t, start(t, faultScenario(t, 43)))
	if reflect.DeepEqual(s1, s3) {
		t.Errorf("seeds 42 and 43 gave the same 40 answers: %v", s1)
	}
}

// The control API manages rules: add (201 with an id), list with
// counters, read, delete, clear; bad rules get 400 with the reason, a
// duplicate id 409, an unknown id 404. Source: docs/faults.md.
func TestFaultControlRoutes(t *testing.T) {
	srv := start(t, nil)
	base := srv.URL() + "/sim/v1/faults"
	st, h, body := do(t, http.MethodPost, base, "", `{"id":"b503","match":{"dialect":"ringcentral","operation":"bridge"},"action":{"status":503},"times":"once"}`)
	if st != 201 || h.Get("Location") != "/sim/v1/faults/b503" || body.Get("times").Int() != 1 || body.Get("on").String() != "http" {
		t.Fatalf("add: %d %s", st, body.Raw)
	}
	st, _, body = do(t, http.MethodPost, base, "", `{"match":{"operation":"hold"},"action":{"latency":{"dist":"uniform","min":"1ms","max":"2ms"}}}`)
	if st != 201 || body.Get("id").String() != "f1" {
		t.Fatalf("add without id: %d %s", st, body.Raw)
	}
	for _, c := range []struct {
		body, want string
		status     int
	}{
		{`{"action":{"status":503,"drop":true}}`, "at most one of status, drop and timeout", 400},
		{`{"action":{"status":503},"probabilty":0.5}`, "unknown field", 400},
		{`{"id":"b503","action":{"drop":true}}`, "already exists", 409},
		{`{"id":"log","action":{"drop":true}}`, "names a control route", 400},
	} {
		st, _, body := do(t, http.MethodPost, base, "", c.body)
		if st != c.status || !strings.Contains(body.Get("error.message").String(), c.want) {
			t.Errorf("POST %s: %d %s; want %d mentioning %q", c.body, st, body.Raw, c.status, c.want)
		}
	}
	st, _, body = do(t, http.MethodGet, base, "", "")
	if st != 200 || len(body.Get("rules").Array()) != 2 || body.Get("rules.0.id").String() != "b503" || body.Get("rules.0.matched").Int() != 0 {
		t.Fatalf("list: %d %s", st, body.Raw)
	}
	if st, _, _ := do(t, http.MethodGet, base+"/nope", "", ""); st != 404 {
		t.Errorf("unknown rule: %d", st)
	}
	if st, _, body := do(t, http.MethodPut, base+"/seed", "", `{"seed":99}`); st != 200 || body.Get("seed").Int() != 99 {
		t.Errorf("set seed: %d %s", st, body.Raw)
	}
	if st, _, _ := do(t, http.MethodPut, base, "", `{}`); st != 405 {
		t.Errorf("PUT /faults: %d, want 405", st)
	}
	if st, _, body := do(t, http.MethodPost, base+"/websocket/disconnect", "", `{"tenant":"684349005","mode":"recoverable"}`); st != 200 || body.Get("closed").Int() != 0 {
		t.Errorf("disconnect with no sockets: %d %s", st, body.Raw)
	}
	if st, _, _ := do(t, http.MethodDelete, base+"/b503", "", ""); st != 200 {
		t.Errorf("delete: %d", st)
	}
	if st, _, _ := do(t, http.MethodDelete, base+"/b503", "", ""); st != 404 {
		t.Errorf("delete twice: %d", st)
	}
	do(t, http.MethodDelete, base, "", "")
	if _, _, body := do(t, http.MethodGet, base, "", ""); len(body.Get("rules").Array()) != 0 {
		t.Errorf("after DELETE /faults: %s", body.Raw)
	}
}

// A status fault answers in the vendor's own error shape (issue 6:
// "vendor-shaped 5xx, 429"): RingCentral's errorCode/message/errors[],
// NetSapiens' {code, message}.
func TestStatusFaultsAreVendorShaped(t *testing.T) {
	srv := start(t, nil)
	for _, rule := range []string{
		`{"match":{"dialect":"ringcentral","operation":"token"},"action":{"status":429}}`,
		`{"match":{"dialect":"netsapiens"},"action":{"status":503}}`,
	} {
		if st, _, body := do(t, http.MethodPost, srv.URL()+"/sim/v1/faults", "", rule); st != 201 {
			t.Fatalf("add %s: %d %s", rule, st, body.Raw)
		}
	}
	st, h, body := do(t, http.MethodPost, srv.URL()+"/restapi/oauth/token", "", "")
	if st != 429 || h.Get("Retry-After") != "60" || body.Get("errorCode").String() != "CMN-301" || body.Get("errors.0.errorCode").String() != "CMN-301" ||
		!strings.HasPrefix(body.Get("message").String(), "Request rate exceeded") {
		t.Errorf("RingCentral 429: %d Retry-After %q %s", st, h.Get("Retry-After"), body.Raw)
	}
	st, _, body = do(t, http.MethodGet, srv.URL()+"/ns-api/v2/domains/TEST/calls", nsKey, "")
	if st != 503 || body.Get("code").Int() != 503 || !strings.Contains(body.Get("message").String(), "pbxsim fault rule f2") {
		t.Errorf("NetSapiens 503: %d %s", st, body.Raw)
	}
	if st, _, _ := do(t, http.MethodGet, srv.URL()+"/sim/v1/health", "", ""); st != 200 {
		t.Errorf("the control API must never be faulted: %d", st)
	}
}
