package ringcentral

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/gorilla/websocket"
	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// world is one simulator with the RingCentral dialect served over HTTP,
// on a manual clock.
type world struct {
	t   *testing.T
	clk *simulator.ManualClock
	sim *simulator.Sim
	d   *Dialect
	srv *httptest.Server
	sc  *scenario.Scenario
}

const (
	acct       = "684349005"
	extCraig   = "684349005" // 101, the seed's customer-side extension
	extAgentJ  = "684351005" // 102, the operator
	extAgentK  = "684352005" // 103, the consult
	customerNo = "+16505550100"
	clientAuth = "pbxsim-client:pbxsim-secret"
)

// await is how long a test waits for an asynchronous notification before it
// reports everything it saw.
const await = 5 * time.Second

func newWorld(t *testing.T, sc *scenario.Scenario, opts Options) *world {
	t.Helper()
	if sc == nil {
		sc = scenario.Default()
	}
	clk := simulator.NewManualClock(sc.StartAt())
	sim := simulator.New(simulator.Options{Clock: clk, Seed: sc.Seed, RingTimeout: sc.RingTimeout.D(), Retention: sc.Retention.D()})
	if err := sc.Apply(sim); err != nil {
		t.Fatalf("apply scenario: %v", err)
	}
	d, err := New(sim, sc, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	r := mux.NewRouter()
	d.Mount(r)
	srv := httptest.NewServer(r)
	t.Cleanup(func() {
		d.Close()
		srv.Close()
	})
	return &world{t: t, clk: clk, sim: sim, d: d, srv: srv, sc: sc}
}

// response is an HTTP answer with its JSON body.
type response struct {
	status int
	header http.Header
	raw    string
	json   gjson.Result
}

func (r response) String() string { return http.StatusText(r.status) + " " + r.raw }

// call sends a request; body is JSON-encoded unless it is a string (sent
// as is) or nil.
func (w *world) call(method, path, token string, body any) response {
	w.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			w.t.Fatal(err)
		}
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, w.srv.URL+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return w.send(req)
}

func (w *world) send(req *http.Request) response {
	w.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, raw: string(b), json: gjson.ParseBytes(b)}
}

// form posts an OAuth form with the default client's Basic credentials.
func (w *world) form(path string, v url.Values) response {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	id, secret, _ := strings.Cut(clientAuth, ":")
	req.SetBasicAuth(id, secret)
	return w.send(req)
}

// login returns an access token for the extension with the given jwt.
func (w *world) login(jwt string) string {
	w.t.Helper()
	r := w.form("/restapi/oauth/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {jwt}})
	if r.status != 200 {
		w.t.Fatalf("login %s: %s", jwt, r)
	}
	return r.json.Get("access_token").String()
}

func (w *world) user(addr string) simulator.Endpoint {
	w.t.Helper()
	ep, err := w.sim.Resolve(addr, acct)
	if err != nil {
		w.t.Fatal(err)
	}
	return ep
}

// customerCalls plays the world: the outside customer dials the operator.
// It returns the session id and the operator's and customer's party ids.
func (w *world) customerCalls(ext string) (sid, opParty, custParty string) {
	w.t.Helper()
	c, err := w.sim.Originate(simulator.OriginateRequest{
		From: simulator.Endpoint{Number: customerNo, Name: "RingCentral Customer"},
		To:   w.user(ext),
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return c.Attrs[attrSession], c.Legs[1].Attrs[attrParty], c.Legs[0].Attrs[attrParty]
}

func sessionPath(sid string) string { return "/restapi/v1.0/account/~/telephony/sessions/" + sid }
func partyPath(sid, pid string) string {
	return sessionPath(sid) + "/parties/" + pid
}

// expect fails the test unless the response has the status and every
// gjson path equals its value.
func expect(t *testing.T, what string, r response, status int, fields ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, r.status, status, r.raw)
	}
	for i := 0; i+1 < len(fields); i += 2 {
		if got := r.json.Get(fields[i]).String(); got != fields[i+1] {
			t.Fatalf("%s: %s = %q, want %q; body %s", what, fields[i], got, fields[i+1], r.raw)
		}
	}
}

// expectError checks RingCentral's error shape: top-level errorCode and
// message, repeated in errors[0] with the parameter name when there is one.
func expectError(t *testing.T, what string, r response, status int, code, param, msgHas string) {
	t.Helper()
	expect(t, what, r, status, "errorCode", code, "errors.0.errorCode", code)
	if param != "" {
		expect(t, what, r, status, "errors.0.parameterName", param)
	}
	if msg := r.json.Get("message").String(); !strings.Contains(msg, msgHas) || r.json.Get("errors.0.message").String() == "" {
		t.Fatalf("%s: message %q does not contain %q; body %s", what, msg, msgHas, r.raw)
	}
}

// socket is a test client of the notification WebSocket.
type socket struct {
	t      *testing.T
	conn   *websocket.Conn
	frames chan []byte
	seen   []string
	// pending holds frames read while waiting for another one, so tests
	// can await notifications in any order.
	pending []gjson.Result
}

func (w *world) wsToken(token string) gjson.Result {
	w.t.Helper()
	r := w.call(http.MethodPost, "/restapi/oauth/wstoken", token, nil)
	expect(w.t, "wstoken", r, 200)
	return r.json
}

// dial connects to the socket URI from wstoken, as RCEX does.
func (w *world) dial(token, wsc string) *socket {
	w.t.Helper()
	wt := w.wsToken(token)
	u := wt.Get("uri").String() + "?access_token=" + url.QueryEscape(wt.Get("ws_access_token").String())
	if wsc != "" {
		u += "&wsc=" + url.QueryEscape(wsc)
	}
	conn, resp, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		w.t.Fatalf("dial %s: %v (%v)", u, err, resp)
	}
	s := &socket{t: w.t, conn: conn, frames: make(chan []byte, 1024)}
	go func() {
		defer close(s.frames)
		for {
			_, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			s.frames <- msg
		}
	}()
	w.t.Cleanup(func() { conn.Close() })
	return s
}

func (s *socket) write(v any) {
	s.t.Helper()
	if err := s.conn.WriteJSON(v); err != nil {
		s.t.Fatal(err)
	}
}

// next waits for the next frame matching pred; on time-out it reports
// every frame seen so far.
func (s *socket) next(what string, pred func(meta, body gjson.Result) bool) (meta, body gjson.Result) {
	s.t.Helper()
	for i, a := range s.pending {
		if pred(a.Get("0"), a.Get("1")) {
			s.pending = append(s.pending[:i:i], s.pending[i+1:]...)
			return a.Get("0"), a.Get("1")
		}
	}
	deadline := time.After(await)
	for {
		select {
		case f, ok := <-s.frames:
			if !ok {
				s.t.Fatalf("waiting for %s: socket closed; saw:\n%s", what, strings.Join(s.seen, "\n"))
			}
			s.seen = append(s.seen, string(f))
			a := gjson.ParseBytes(f)
			if pred(a.Get("0"), a.Get("1")) {
				return a.Get("0"), a.Get("1")
			}
			s.pending = append(s.pending, a)
		case <-deadline:
			s.t.Fatalf("waiting for %s: timed out after %s; saw:\n%s", what, await, strings.Join(s.seen, "\n"))
		}
	}
}

// subscribe sends the ClientRequest the JS SDK sends and returns the
// subscription id from the reply.
func (s *socket) subscribe(path string, filters ...string) string {
	s.t.Helper()
	s.write([]any{
		map[string]any{"type": "ClientRequest", "messageId": "sub-1", "method": "POST", "path": path,
			"headers": map[string]string{"X-User-Agent": "pbxsim-test"}},
		map[string]any{"eventFilters": filters, "deliveryMode": map[string]any{"transportType": "WebSocket"}},
	})
	meta, body := s.next("subscription reply", func(m, _ gjson.Result) bool { return m.Get("messageId").String() == "sub-1" })
	if meta.Get("type").String() != "ClientRequest" || meta.Get("status").Int() != 200 {
		s.t.Fatalf("subscription reply: %s %s", meta.Raw, body.Raw)
	}
	if meta.Get("headers.WSG-SubscriptionId").String() != body.Get("id").String() || body.Get("id").String() == "" {
		s.t.Fatalf("WSG-SubscriptionId %q does not name the subscription %q", meta.Get("headers.WSG-SubscriptionId"), body.Get("id"))
	}
	return body.Get("id").String()
}

// event is one telephony-session notification envelope.
func (s *socket) event(what string, pred func(env gjson.Result) bool) gjson.Result {
	s.t.Helper()
	_, env := s.next(what, func(m, b gjson.Result) bool {
		return m.Get("type").String() == "ServerNotification" && pred(b)
	})
	return env
}

// partyIs matches an envelope about one party in one status.
func partyIs(pid, code string) func(gjson.Result) bool {
	return func(env gjson.Result) bool {
		return env.Get("body.parties.0.id").String() == pid && env.Get("body.parties.0.status.code").String() == code
	}
}

// originate places a call between two extensions of the default account.
func originate(w *world, from, to string) simulator.OriginateRequest {
	f := w.user(from)
	f.Number = from
	tt := w.user(to)
	tt.Number = to
	return simulator.OriginateRequest{From: f, To: tt}
}
