package control_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/control"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

func newServer(t *testing.T, opts control.Options) (*httptest.Server, *simulator.Sim) {
	t.Helper()
	clk := simulator.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	sim := simulator.New(simulator.Options{Clock: clk, Seed: 1})
	sc := scenario.Default()
	if err := sc.Apply(sim); err != nil {
		t.Fatal(err)
	}
	opts.Scenario = sc
	if opts.Manual == nil {
		opts.Manual = clk
	}
	r := mux.NewRouter()
	control.New(sim, opts).Mount(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv, sim
}

func do(t *testing.T, method, url, body string) (int, gjson.Result) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !json.Valid(b) {
		t.Fatalf("%s %s: body is not JSON: %q", method, url, b)
	}
	return resp.StatusCode, gjson.ParseBytes(b)
}

// Issue 2: POST /sim/v1/calls answers 201 with the call and its legs, and
// the call shows up in GET /sim/v1/calls; leg actions move it along.
func TestCallLifecycleThroughControlAPI(t *testing.T) {
	srv, _ := newServer(t, control.Options{})
	st, c := do(t, "POST", srv.URL+"/sim/v1/calls", `{"from":"+15555555555","to":"+11111111111"}`)
	if st != 201 {
		t.Fatalf("create = %d %s", st, c.Raw)
	}
	id := c.Get("id").String()
	if c.Get("legs.#").Int() != 2 || c.Get("legs.1.endpoint.userId").String() != "1000" || c.Get("legs.1.state").String() != "proceeding" {
		t.Fatalf("created call = %s", c.Raw)
	}
	if st, l := do(t, "GET", srv.URL+"/sim/v1/calls", ""); st != 200 || l.Get("calls.0.id").String() != id {
		t.Fatalf("list = %d %s", st, l.Raw)
	}
	if st, a := do(t, "POST", srv.URL+"/sim/v1/calls/"+id+"/legs/2/answer", ""); st != 200 || a.Get("legs.1.state").String() != "answered" {
		t.Fatalf("answer by index = %d %s", st, a.Raw)
	}
	legID := c.Get("legs.0.id").String()
	if st, h := do(t, "POST", srv.URL+"/sim/v1/calls/"+id+"/legs/"+legID+"/hangup", ""); st != 200 || h.Get("state").String() != "ended" {
		t.Fatalf("hangup by id = %d %s", st, h.Raw)
	}
	if st, ev := do(t, "GET", srv.URL+"/sim/v1/events?call="+id, ""); st != 200 || ev.Get("events.#").Int() != 7 {
		t.Fatalf("events = %d %s", st, ev.Raw)
	}
}

// Bad input gets a 4xx JSON error that says what was wrong, and leaves the
// state unchanged (issue 2, "Bad input").
func TestBadInputIsRefusedWithoutChangingState(t *testing.T) {
	srv, sim := newServer(t, control.Options{})
	_, c := do(t, "POST", srv.URL+"/sim/v1/calls", `{"from":"101","to":"102"}`)
	id := c.Get("id").String()
	before := sim.LastEventSeq()
	cases := []struct {
		method, path, body string
		status             int
		says               string
	}{
		{"POST", "/sim/v1/calls", `{"from":"101"`, 400, "not valid JSON"},
		{"POST", "/sim/v1/calls", `{"from":"101","to":"102","extra":1}`, 400, "unknown field"},
		{"POST", "/sim/v1/calls", `{"from":101,"to":"102"}`, 400, "not valid JSON"},
		{"POST", "/sim/v1/calls", `{"from":"101"}`, 400, `both "from" and "to" are required`},
		{"POST", "/sim/v1/calls", `{"from":"nobody","to":"102"}`, 404, "from: no user, extension or number"},
		{"POST", "/sim/v1/calls", `{"from":"+15550000001","to":"+15550000002"}`, 422, "only places calls that touch a tenant"},
		{"POST", "/sim/v1/calls", `{"from":"101","to":"101"}`, 403, "cannot call themselves"},
		{"POST", "/sim/v1/calls", `{"from":"101","to":"102"} trailing`, 400, "after the JSON object"},
		{"POST", "/sim/v1/calls", "", 400, "body is empty"},
		{"POST", "/sim/v1/calls", `{"from":"` + strings.Repeat("9", 70000) + `","to":"1"}`, 413, "larger than"},
		{"GET", "/sim/v1/calls/C999", "", 404, `call "C999" not found`},
		{"GET", "/sim/v1/calls?state=sideways", "", 400, "state must be active or ended"},
		{"POST", "/sim/v1/calls/" + id + "/legs/9/answer", "", 404, "has no leg"},
		{"POST", "/sim/v1/calls/" + id + "/legs/1/answer", "", 409, "cannot answer"},
		{"POST", "/sim/v1/calls/" + id + "/legs/2/hold", "", 409, "cannot hold"},
		{"POST", "/sim/v1/calls/" + id + "/legs/2/dance", "", 404, "unknown leg action"},
		{"GET", "/sim/v1/journal?after=minus", "", 400, "not a non-negative integer"},
		{"POST", "/sim/v1/clock/advance", `{"by":"soon"}`, 400, "non-negative duration"},
		{"POST", "/sim/v1/clock/advance", `{"by":"-5s"}`, 400, "non-negative duration"},
		{"POST", "/sim/v1/clock/advance", `{"by":"48h"}`, 400, "at most 24h"},
		{"DELETE", "/sim/v1/health", "", 405, "not allowed"},
		{"GET", "/sim/v1/nothing", "", 404, "no control route"},
	}
	for _, tc := range cases {
		st, body := do(t, tc.method, srv.URL+tc.path, tc.body)
		if st != tc.status || !strings.Contains(body.Get("error.message").String(), tc.says) || body.Get("error.code").String() == "" {
			t.Errorf("%s %s %.40q: %d %s; want %d saying %q", tc.method, tc.path, tc.body, st, body.Raw, tc.status, tc.says)
		}
	}
	req, _ := http.NewRequest("POST", srv.URL+"/sim/v1/calls", strings.NewReader(`from=1`))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 415 {
		t.Errorf("form body: %d, want 415", resp.StatusCode)
	}
	if after := sim.LastEventSeq(); after != before {
		t.Fatalf("refused requests changed the state: %d events before, %d after", before, after)
	}
	if n := len(sim.Calls()); n != 1 {
		t.Fatalf("%d calls after refused requests, want 1", n)
	}
}

// The clock moves only on request, and only when it is manual.
func TestClockAdvance(t *testing.T) {
	srv, sim := newServer(t, control.Options{})
	start := sim.Now()
	if st, body := do(t, "POST", srv.URL+"/sim/v1/clock/advance", `{"by":"90s"}`); st != 200 || !sim.Now().Equal(start.Add(90*time.Second)) {
		t.Fatalf("advance = %d %s; now %s", st, body.Raw, sim.Now())
	}
	real := simulator.New(simulator.Options{})
	r := mux.NewRouter()
	control.New(real, control.Options{}).Mount(r)
	srv2 := httptest.NewServer(r)
	defer srv2.Close()
	if st, body := do(t, "POST", srv2.URL+"/sim/v1/clock/advance", `{"by":"1s"}`); st != 409 || !strings.Contains(body.Get("error.message").String(), "--clock manual") {
		t.Fatalf("advancing a real clock = %d %s", st, body.Raw)
	}
}

// GET /sim/v1/scenario returns the loaded scenario, credentials included
// (issue 2), and the token option protects every route.
func TestScenarioAndToken(t *testing.T) {
	srv, _ := newServer(t, control.Options{Token: "t0ken"})
	if st, body := do(t, "GET", srv.URL+"/sim/v1/scenario", ""); st != 401 || body.Get("error.code").String() != "unauthorized" {
		t.Fatalf("without token = %d %s", st, body.Raw)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/sim/v1/scenario", nil)
	req.Header.Set("Authorization", "Bearer t0ken")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sc := gjson.ParseBytes(b)
	if resp.StatusCode != 200 || sc.Get("ringcentral.clients.0.secret").String() != "pbxsim-secret" || sc.Get("ringcentral.accounts.0.extensions.1.jwt").String() != "jwt-102" {
		t.Fatalf("scenario = %d %s", resp.StatusCode, b)
	}
}

// The journal filters entries by dialect, method and path.
func TestJournalFilter(t *testing.T) {
	srv, sim := newServer(t, control.Options{})
	j := sim.Journal()
	j.Record(simulator.JournalEntry{Dialect: "netsapiens", Method: "PATCH", Path: "/ns-api/v2/domains/TEST/users/1000/calls/x/hold", Status: 202})
	j.Record(simulator.JournalEntry{Dialect: "ringcentral", Method: "POST", Path: "/restapi/v1.0/account/~/telephony/call-out", Status: 201})
	st, body := do(t, "GET", srv.URL+"/sim/v1/journal?dialect=netsapiens&path=/hold", "")
	if st != 200 || body.Get("entries.#").Int() != 1 || body.Get("entries.0.status").Int() != 202 {
		t.Fatalf("journal = %d %s", st, body.Raw)
	}
	st, body = do(t, "GET", srv.URL+"/sim/v1/journal?after=1", "")
	if st != 200 || body.Get("entries.#").Int() != 1 || body.Get("entries.0.dialect").String() != "ringcentral" {
		t.Fatalf("journal after=1 = %d %s", st, body.Raw)
	}
}
