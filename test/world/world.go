// Package world starts a full pbxsim for black-box tests of isolation and
// hostile input: the two-tenant scenario (testdata/scenarios/two-tenants.yaml)
// on a manual clock, a protected control API, and in every tenant an
// answered call, a signed-in operator and a webhook subscription whose
// receiver counts what it gets.
//
//	w := world.New(t)
//	r := w.Do(world.Request{Method: "GET", Path: "/restapi/v1.0/account/~/telephony/sessions/" + w.RC["B"].Session, Token: w.RC["A"].Token})
//	before := w.Snapshot()
//	... hostile requests ...
//	if diff := before.Diff(w.Snapshot(), sent); diff != "" { t.Fatal(diff) }
//
// The world is built through the vendor and control APIs only, as a client
// would, so what the tests learn holds for the HTTP surface.
package world

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// ControlToken protects the world's control API.
const ControlToken = "world-control-token"

// RingCentral OAuth apps of the scenario.
const (
	RCClient      = "pbxsim-client"
	RCSecret      = "pbxsim-secret"
	RCOtherClient = "other-app"
	RCOtherSecret = "other-app-secret"
)

// NetSapiens OAuth clients of the scenario.
const (
	NSClient      = "pbxsim-ns-client"
	NSSecret      = "pbxsim-ns-secret"
	NSOtherClient = "other-ns-client"
	NSOtherSecret = "other-ns-secret"
)

// RCTenant is one RingCentral account of the world.
type RCTenant struct {
	Account   string // account id
	Extension string // the operator's extension id
	JWT       string // the operator's jwt-bearer assertion
	Token     string // the operator's access token
	Refresh   string // its refresh token
	// The answered call customer -> operator.
	CallID        string // control API id
	Session       string // s-…
	CustomerParty string // p-…-1
	OperatorParty string // p-…-2
	// The webhook subscription and its receiver.
	Subscription string
	Hook         *Receiver
}

// NSTenant is one NetSapiens domain of the world.
type NSTenant struct {
	Domain   string
	User     string // the operator, e.g. "1000"
	Consult  string // another user of the domain
	OMKey    string // office-manager key
	ROKey    string // read-only domain key
	UserKey  string // the operator's own key
	Token    string // the operator's access token (password grant)
	JWT      string // the operator's JWT
	CallID   string // control API id of the answered call outside -> operator
	Session  string // call-session-id
	OrigCall string // call-orig-call-id (the outside caller's leg)
	TermCall string // call-term-call-id (the operator's leg)
	// The webhook subscription and its receiver.
	Subscription string
	Hook         *Receiver
}

// World is a running pbxsim with two tenants of each vendor.
type World struct {
	T      testing.TB
	Server *pbxsim.Server
	URL    string
	Clock  *simulator.ManualClock
	RC     map[string]*RCTenant // "A", "B"
	NS     map[string]*NSTenant // "A" (TEST), "B" (OTHER)
	// Secrets are the world's credentials: no response may contain one
	// that the request did not carry.
	Secrets []string

	http   *httptest.Server
	client *http.Client
	// journal caches the entries snapshots have fetched, minus their own
	// reads; journalSeq is the last fetched.
	journal    []simulator.JournalEntry
	journalSeq uint64
}

// ScenarioPath is the world's scenario file.
func ScenarioPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "scenarios", "two-tenants.yaml")
}

// New starts the world; it stops when the test ends.
func New(t testing.TB) *World {
	t.Helper()
	raw, err := os.ReadFile(ScenarioPath())
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse("two-tenants.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := pbxsim.New(pbxsim.Config{Scenario: sc, ControlToken: ControlToken})
	if err != nil {
		t.Fatal(err)
	}
	w := &World{T: t, Server: srv, Clock: srv.ManualClock()}
	if w.Clock == nil {
		t.Fatal("the two-tenant scenario must run on a manual clock")
	}
	w.http = httptest.NewServer(srv.Handler())
	w.URL = w.http.URL
	// A redirect is an answer to judge, not to follow.
	w.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(func() {
		w.http.Close()
		_ = srv.Shutdown(context.Background())
	})
	w.Secrets = secretsOf(sc)
	w.Secrets = append(w.Secrets, ControlToken)

	w.RC = map[string]*RCTenant{
		"A": {Account: "684349005", Extension: "684351005", JWT: "jwt-a-102"},
		"B": {Account: "700100005", Extension: "700101005", JWT: "jwt-b-201"},
	}
	w.NS = map[string]*NSTenant{
		"A": {Domain: "TEST", User: "1000", Consult: "1010",
			OMKey: "nsd_QLTzfB3v6vVySzayxfEo1adY7n4O0zB2I6NKXEf7taE2IYvcb9ea433f", ROKey: "nsd_2swaVHlVilQcEuad23zGxiYBz0k68NWpHP9Agpz2vslbqkBX6484f65a",
			UserKey: "nsu_CcFY8neRMsNk7jJCh3ZuBzg1LpkosbzWTDK0UQ6y2D8XyRuH1f1a7963"},
		"B": {Domain: "OTHER", User: "2000", Consult: "2010",
			OMKey: "nsd_OhbVrpoiVgRV5IfLBcbfnoGMbJmTPSIAoCLrZ3aWZkSBvrjn9Wvgfygw", ROKey: "nsd_2wMqZcUDIh7yfJs1ON43xKmTecQoXsf2o3gyrDO1xkxwnQrS7RPeMOkI",
			UserKey: "nsu_UpkDyr7OSJoRu1XXdo0cZuzren68K4TunPFz46PDjqipVJIqVLB5Lzxo"},
	}
	for _, name := range []string{"A", "B"} {
		w.setUpRC(name, map[string]string{"A": "+19293831896", "B": "+14155550101"}[name])
		w.setUpNS(name, map[string]string{"A": "+11111111111", "B": "+12222222222"}[name])
	}
	return w
}

func (w *World) setUpRC(name, operatorNumber string) {
	rc := w.RC[name]
	tok := w.MustJSON(200, Request{Method: "POST", Path: "/restapi/oauth/token", BasicUser: RCClient, BasicPass: RCSecret,
		Form: url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {rc.JWT}}})
	rc.Token, rc.Refresh = tok.Get("access_token").String(), tok.Get("refresh_token").String()
	c := w.placeCall("+16505550100", operatorNumber)
	rc.CallID = c.Get("id").String()
	rc.Session = c.Get("legs.0.vendor.ringcentral.telephonySessionId").String()
	rc.CustomerParty = c.Get("legs.0.vendor.ringcentral.partyId").String()
	rc.OperatorParty = c.Get("legs.1.vendor.ringcentral.partyId").String()
	if rc.Session == "" || rc.OperatorParty == "" {
		w.T.Fatalf("RingCentral %s: the call has no vendor IDs: %s", name, c.Raw)
	}
	rc.Hook = NewReceiver(w.T)
	sub := w.MustJSON(200, Request{Method: "POST", Path: "/restapi/v1.0/subscription", Token: rc.Token, JSON: map[string]any{
		"eventFilters": []string{"/restapi/v1.0/account/~/telephony/sessions"},
		"deliveryMode": map[string]any{"transportType": "WebHook", "address": rc.Hook.URL},
	}})
	rc.Subscription = sub.Get("id").String()
	w.Secrets = append(w.Secrets, rc.Token, rc.Refresh)
}

func (w *World) setUpNS(name, operatorNumber string) {
	ns := w.NS[name]
	login := ns.User + "@" + ns.Domain
	ns.Token = w.MustJSON(200, Request{Method: "POST", Path: "/ns-api/v2/tokens", JSON: map[string]string{
		"grant_type": "password", "client_id": NSClient, "client_secret": NSSecret, "username": login, "password": "pbxsim"}}).Get("access_token").String()
	ns.JWT = w.MustJSON(200, Request{Method: "POST", Path: "/ns-api/v2/jwt", JSON: map[string]string{
		"username": login, "password": "pbxsim"}}).Get("token").String()
	w.Secrets = append(w.Secrets, ns.Token, ns.JWT)
	c := w.placeCall("+15555555555", operatorNumber)
	ns.CallID = c.Get("id").String()
	ns.Session = c.Get("legs.0.vendor.netsapiens.call-session-id").String()
	ns.OrigCall = c.Get("legs.0.vendor.netsapiens.call-id").String()
	ns.TermCall = c.Get("legs.1.vendor.netsapiens.call-id").String()
	if ns.Session == "" || ns.TermCall == "" {
		w.T.Fatalf("NetSapiens %s: the call has no vendor IDs: %s", name, c.Raw)
	}
	ns.Hook = NewReceiver(w.T)
	sub := w.MustJSON(200, Request{Method: "POST", Path: "/ns-api/v2/domains/" + ns.Domain + "/subscriptions", Token: ns.OMKey,
		JSON: map[string]any{"model": "call", "post-url": ns.Hook.URL}})
	ns.Subscription = sub.Get("id").String()
}

// placeCall rings a user from outside through the control API and answers.
func (w *World) placeCall(from, to string) gjson.Result {
	c := w.MustJSON(201, Request{Method: "POST", Path: "/sim/v1/calls", Token: ControlToken, JSON: map[string]string{"from": from, "to": to}})
	return w.MustJSON(200, Request{Method: "POST", Path: "/sim/v1/calls/" + c.Get("id").String() + "/legs/2/answer", Token: ControlToken})
}

func secretsOf(sc *scenario.Scenario) []string {
	var out []string
	for _, c := range ringcentral.SectionOf(sc).Clients {
		out = append(out, c.Secret)
	}
	for _, c := range netsapiens.SectionOf(sc).Clients {
		out = append(out, c.Secret)
	}
	for _, d := range netsapiens.SectionOf(sc).Domains {
		for _, k := range d.APIKeys {
			out = append(out, k.Key)
		}
	}
	return out
}

// Request is one HTTP request to the world.
type Request struct {
	Method string
	Path   string // may carry a query
	// Token is sent as Authorization: Bearer; Header may override it.
	Token string
	// Exactly one body source: JSON (marshalled), Form, or Body as is.
	JSON   any
	Form   url.Values
	Body   []byte
	Header map[string]string
	// BasicUser and BasicPass, when set, go as HTTP Basic credentials.
	BasicUser, BasicPass string
}

// Response is what came back.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON parses the body.
func (r Response) JSON() gjson.Result { return gjson.ParseBytes(r.Body) }

func (r Response) String() string {
	b := r.Body
	if len(b) > 600 {
		b = append(b[:600:600], "…"...)
	}
	return fmt.Sprintf("%d %s", r.Status, b)
}

// Do sends a request and returns the answer; a transport error (a panic in
// a handler closes the connection) is returned as is.
func (w *World) Do(r Request) (Response, error) {
	var body io.Reader
	ct := ""
	switch {
	case r.JSON != nil:
		b, err := json.Marshal(r.JSON)
		if err != nil {
			return Response{}, err
		}
		body, ct = bytes.NewReader(b), "application/json"
	case r.Form != nil:
		body, ct = strings.NewReader(r.Form.Encode()), "application/x-www-form-urlencoded"
	case r.Body != nil:
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequest(r.Method, w.URL+r.Path, body)
	if err != nil {
		return Response{}, err
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	if r.BasicUser != "" {
		req.SetBasicAuth(r.BasicUser, r.BasicPass)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return Response{}, err
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// Must sends a request and fails the test unless it answers status.
func (w *World) Must(status int, r Request) Response {
	w.T.Helper()
	resp, err := w.Do(r)
	if err != nil {
		w.T.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	if resp.Status != status {
		w.T.Fatalf("%s %s: got %s, want %d", r.Method, r.Path, resp, status)
	}
	return resp
}

// MustJSON is Must and the body parsed.
func (w *World) MustJSON(status int, r Request) gjson.Result {
	w.T.Helper()
	return w.Must(status, r).JSON()
}

// Advance moves the world's clock.
func (w *World) Advance(d time.Duration) { w.Clock.Advance(d) }

// Receiver is a webhook endpoint: it passes RingCentral's validation
// handshake (echoes Validation-Token) and keeps every other post.
type Receiver struct {
	URL string

	mu      sync.Mutex
	posts   []string
	changed chan struct{} // closed and replaced on every post
	// Refuse, when set, makes it fail the validation handshake.
	refuse bool
}

// NewReceiver starts a receiver that lives as long as the test.
func NewReceiver(t testing.TB) *Receiver {
	rc := &Receiver{changed: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(srv.Close)
	rc.URL = srv.URL + "/hook"
	return rc
}

// NewRefusingReceiver starts a receiver that answers 200 without echoing
// the Validation-Token header, so RingCentral's handshake fails.
func NewRefusingReceiver(t testing.TB) *Receiver {
	rc := NewReceiver(t)
	rc.refuse = true
	return rc
}

func (rc *Receiver) serve(w http.ResponseWriter, r *http.Request) {
	if v := r.Header.Get("Validation-Token"); v != "" {
		if !rc.refuse {
			w.Header().Set("Validation-Token", v)
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.posts = append(rc.posts, string(b))
	close(rc.changed)
	rc.changed = make(chan struct{})
	rc.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// Posts returns the notification bodies received so far.
func (rc *Receiver) Posts() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.posts...)
}

// AwaitPost waits until a post satisfies ok and returns it; on time-out it
// fails with every post seen.
func (rc *Receiver) AwaitPost(t testing.TB, what string, ok func(string) bool) string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		rc.mu.Lock()
		posts, changed := append([]string(nil), rc.posts...), rc.changed
		rc.mu.Unlock()
		for _, p := range posts {
			if ok(p) {
				return p
			}
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("no webhook post %s within 5s; got %d:\n%s", what, len(posts), strings.Join(posts, "\n"))
		}
	}
}

// Carries reports whether the request itself contains s (in its path,
// credentials, headers or body): an answer may echo what it was sent.
func (r Request) Carries(s string) bool {
	if strings.Contains(r.Path, s) || r.Token == s || strings.Contains(string(r.Body), s) {
		return true
	}
	for _, v := range r.Header {
		if strings.Contains(v, s) {
			return true
		}
	}
	return false
}
