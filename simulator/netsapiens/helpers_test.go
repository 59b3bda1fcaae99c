package netsapiens

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Default-scenario credentials (simulator/scenario/default.yaml).
const (
	keyOM    = "nsd_QLTzfB3v6vVySzayxfEo1adY7n4O0zB2I6NKXEf7taE2IYvcb9ea433f"
	keyRO    = "nsd_2swaVHlVilQcEuad23zGxiYBz0k68NWpHP9Agpz2vslbqkBX6484f65a"
	key1000  = "nsu_CcFY8neRMsNk7jJCh3ZuBzg1LpkosbzWTDK0UQ6y2D8XyRuH1f1a7963"
	key1010  = "nsu_gYhGQ3wmnw785VjqfWTJilAkneGsuAtnhyDWcyIgARif7Ipg9d094bad"
	coreHost = "core1-pbxsim.netsapiens.test"
	customer = "+15555555555"
)

// keyByName lets fixtures name default keys.
var keyByName = map[string]string{"om": keyOM, "ro": keyRO, "u1000": key1000, "u1010": key1010}

// world is one simulated PBX with the NS dialect behind an httptest server.
type world struct {
	t     *testing.T
	clk   *simulator.ManualClock
	sim   *simulator.Sim
	d     *Dialect
	srv   *httptest.Server
	sc    *scenario.Scenario
	delay time.Duration
}

// newWorld builds the default scenario; edit may change it (quirks, extra
// domains) before the dialect is built.
func newWorld(t *testing.T, edit func(sc *scenario.Scenario), opts ...Options) *world {
	t.Helper()
	sc := scenario.Default()
	if edit != nil {
		edit(sc)
	}
	clk := simulator.NewManualClock(sc.StartAt())
	sim := simulator.New(simulator.Options{Clock: clk, Seed: sc.Seed, RingTimeout: sc.RingTimeout.D(), Retention: sc.Retention.D()})
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	d, err := New(sim, sc, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Apply(sim); err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	d.Mount(r)
	srv := httptest.NewServer(r)
	t.Cleanup(func() {
		srv.Close()
		d.Close()
	})
	return &world{t: t, clk: clk, sim: sim, d: d, srv: srv, sc: sc, delay: SectionOf(sc).ApplyDelay.D()}
}

// allowHooks lets webhook posts go to hooks.example.test, a host tests
// name but never reach.
func allowHooks(sc *scenario.Scenario) {
	sc.WebhookHosts = append(sc.WebhookHosts, "hooks.example.test")
}

// withQuirks selects quirk values for domain TEST.
func withQuirks(q map[string]string) func(*scenario.Scenario) {
	return func(sc *scenario.Scenario) { SectionOf(sc).Domains[0].Quirks = q }
}

// response is one answer of the API.
type response struct {
	status int
	body   []byte
}

func (r response) json() gjson.Result { return gjson.Parse(strings.TrimSpace(string(r.body))) }

func (r response) String() string { return http.StatusText(r.status) + " " + string(r.body) }

// do sends a request; body may be nil, a string (sent as is) or a value
// (sent as JSON).
func (w *world) do(method, path, bearer string, body any) response {
	w.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			w.t.Fatal(err)
		}
		rd = strings.NewReader(string(raw))
	}
	req, err := http.NewRequest(method, w.srv.URL+"/ns-api/v2"+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: raw}
}

// must sends a request and fails the test unless the status matches.
func (w *world) must(status int, method, path, bearer string, body any) gjson.Result {
	w.t.Helper()
	r := w.do(method, path, bearer, body)
	if r.status != status {
		w.t.Fatalf("%s %s: got %d %s, want %d", method, path, r.status, r.body, status)
	}
	return r.json()
}

// calls reads GET /domains/TEST/calls with the office-manager key.
func (w *world) calls() []gjson.Result {
	w.t.Helper()
	res := w.must(200, "GET", "/domains/TEST/calls", keyOM, nil)
	if !res.IsArray() {
		w.t.Fatalf("GET /domains/TEST/calls: want an array, got %s", res.Raw)
	}
	return res.Array()
}

// settle moves the clock past the apply delay, so 202'd changes happen.
func (w *world) settle() { w.clk.Advance(w.delay) }

// inboundCall is the seed's step 1: +1-555-555-5555 calls +1-111-111-1111,
// routed to user 1000, who answers.
func (w *world) inboundCall() simulator.Call {
	w.t.Helper()
	from, err := w.sim.Resolve(customer, "")
	if err != nil {
		w.t.Fatal(err)
	}
	to, err := w.sim.Resolve("+11111111111", "")
	if err != nil {
		w.t.Fatal(err)
	}
	c, err := w.sim.Originate(simulator.OriginateRequest{From: from, To: to})
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.sim.Answer(c.Legs[1].ID); err != nil {
		w.t.Fatal(err)
	}
	c, _ = w.sim.Call(c.ID)
	return c
}

// findCall returns the listed call with the given session id.
func findCall(calls []gjson.Result, session string) (gjson.Result, bool) {
	for _, c := range calls {
		if c.Get("call-session-id").String() == session {
			return c, true
		}
	}
	return gjson.Result{}, false
}

// journalNotes returns the notes of the journal entries whose path has part.
func (w *world) journalNotes(part string) []string {
	var out []string
	for _, e := range w.sim.Journal().Entries(simulator.JournalFilter{Dialect: "netsapiens", PathHas: part}) {
		out = append(out, e.Note)
	}
	return out
}

// requireNote fails unless some journal entry for path part notes want.
func (w *world) requireNote(part, want string) {
	w.t.Helper()
	notes := w.journalNotes(part)
	for _, n := range notes {
		if strings.Contains(n, want) {
			return
		}
	}
	w.t.Fatalf("no journal note for %q contains %q; notes: %q", part, want, notes)
}

// fixture reads a JSON file of testdata/netsapiens.
func fixture(t *testing.T, name string) gjson.Result {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "netsapiens", name))
	if err != nil {
		t.Fatal(err)
	}
	return gjson.ParseBytes(raw)
}

// errorShape checks the NS error body {"code": status, "message": "..."}.
func errorShape(t *testing.T, r response, status int) {
	t.Helper()
	j := r.json()
	if r.status != status || j.Get("code").Int() != int64(status) || j.Get("message").String() == "" {
		t.Fatalf("want %d {code,message}, got %d %s", status, r.status, r.body)
	}
}

func simulatorRequest(from, to simulator.Endpoint) simulator.OriginateRequest {
	return simulator.OriginateRequest{From: from, To: to}
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
