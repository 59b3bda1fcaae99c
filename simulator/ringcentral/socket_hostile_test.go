package ringcentral

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// dialWith connects to the notification socket with extra headers on the
// upgrade request (a proxy's X-Forwarded-Host, say).
func (w *world) dialWith(token string, h http.Header) *socket {
	w.t.Helper()
	wt := w.wsToken(token)
	u := wt.Get("uri").String() + "?access_token=" + url.QueryEscape(wt.Get("ws_access_token").String())
	conn, resp, err := websocket.DefaultDialer.Dial(u, h)
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

// request sends a ClientRequest frame and returns the reply's meta and body.
func (s *socket) request(id, method, path string, body any) (meta, out gjson.Result) {
	s.t.Helper()
	parts := []any{map[string]any{"type": "ClientRequest", "messageId": id, "method": method, "path": path}}
	if body != nil {
		parts = append(parts, body)
	}
	s.write(parts)
	return s.next("reply to "+id, func(m, _ gjson.Result) bool { return m.Get("messageId").String() == id })
}

// alive proves the socket still answers: a heartbeat comes back.
func (s *socket) alive(what string) {
	s.t.Helper()
	id := "hb-" + what
	s.write([]any{map[string]any{"type": "Heartbeat", "messageId": id}})
	s.next("heartbeat after "+what, func(m, _ gjson.Result) bool {
		return m.Get("type").String() == "Heartbeat" && m.Get("messageId").String() == id
	})
}

// Rule: a ClientRequest whose method or path cannot make an HTTP request
// line is answered with an error reply in RingCentral's shape (status 400,
// errorCode and message, errors[] naming the parameter); the socket and
// the process stay up. On main these panicked in httptest.NewRequest in
// the socket's read goroutine and killed pbxsim.
// Source: issue 10 item 1; reference/ringcentral.md §3.1, §4.4.
func TestClientRequestThatCannotBeARequestIsRefused(t *testing.T) {
	w := newWorld(t, nil, Options{})
	s := w.dial(w.login("jwt-102"), "")
	s.next("ConnectionDetails", func(m, _ gjson.Result) bool { return m.Get("type").String() == "ConnectionDetails" })
	for i, tc := range []struct{ method, path, param string }{
		{"GET", "/restapi/v1.0/account/~ x", "path"},
		{"GET", "/restapi/v1.0/account/%zz", "path"},
		{"GET", "/restapi/v1.0/account/~\r\nX-Evil: 1", "path"},
		{"GET", "/restapi/v1.0/account/~\x00", "path"},
		{"G E T", "/restapi/v1.0/account/~", "method"},
		{"GET\r\n", "/restapi/v1.0/account/~", "method"},
		{"", "/restapi/v1.0/account/~", "method"},
	} {
		id := "bad-" + string(rune('a'+i))
		meta, body := s.request(id, tc.method, tc.path, nil)
		if meta.Get("type").String() != "ClientRequest" || meta.Get("status").Int() != 400 {
			t.Fatalf("%q %q: reply %s %s, want a ClientRequest reply with status 400", tc.method, tc.path, meta.Raw, body.Raw)
		}
		if body.Get("errorCode").String() != codeInvalidParam || body.Get("errors.0.parameterName").String() != tc.param || body.Get("message").String() == "" {
			t.Fatalf("%q %q: body %s, want CMN-101 naming %s", tc.method, tc.path, body.Raw, tc.param)
		}
	}
	s.alive("bad requests")
	meta, body := s.request("good", "GET", "/restapi/v1.0/account/~/extension/~", nil)
	if meta.Get("status").Int() != 200 || body.Get("id").String() != extAgentJ {
		t.Fatalf("a good request after the bad ones: %s %s", meta.Raw, body.Raw)
	}
}

// Rule: a socket opened through a proxy whose X-Forwarded-Host is not a
// host (a space in it) still serves ClientRequests; the bad header is
// ignored and URIs name the Host the client reached.
// Source: issue 10 item 1.
func TestSocketBehindBadForwardedHostServesRequests(t *testing.T) {
	w := newWorld(t, nil, Options{})
	s := w.dialWith(w.login("jwt-102"), http.Header{"X-Forwarded-Host": {"evil host"}})
	s.next("ConnectionDetails", func(m, _ gjson.Result) bool { return m.Get("type").String() == "ConnectionDetails" })
	meta, body := s.request("ext", "GET", "/restapi/v1.0/account/~/extension/~", nil)
	if meta.Get("status").Int() != 200 || body.Get("id").String() != extAgentJ {
		t.Fatalf("ClientRequest behind a bad X-Forwarded-Host: %s %s", meta.Raw, body.Raw)
	}
	meta, body = s.request("sub", "POST", "/restapi/v1.0/subscription", map[string]any{
		"eventFilters": []string{"/restapi/v1.0/account/~/extension/~/telephony/sessions"},
		"deliveryMode": map[string]any{"transportType": "WebSocket"},
	})
	if meta.Get("status").Int() != 200 || strings.Contains(body.Get("uri").String(), " ") || !strings.HasPrefix(body.Get("uri").String(), w.srv.URL) {
		t.Fatalf("subscription behind a bad X-Forwarded-Host: %s %s", meta.Raw, body.Raw)
	}
	s.alive("requests")
}

// Rule: a panic while serving a socket message is recovered, journaled,
// and answered with a 500 error frame in RingCentral's shape; the socket
// stays open.
// Source: issue 10 item 1 ("no goroutine that handles client input may
// take the process down").
func TestPanicServingSocketMessageIsAnsweredAndJournaled(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	w.d.restapi = http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom in a handler") })
	// serveWebSocket takes auth.mu before it starts the socket's
	// goroutines: taking it here orders the write above before them.
	w.d.auth.mu.Lock()
	//lint:ignore SA2001 an empty critical section, for the memory order
	w.d.auth.mu.Unlock()
	s := w.dial(tok, "")
	s.next("ConnectionDetails", func(m, _ gjson.Result) bool { return m.Get("type").String() == "ConnectionDetails" })
	meta, body := s.request("p1", "GET", "/restapi/v1.0/account/~/extension/~", nil)
	if meta.Get("type").String() != "Error" || meta.Get("status").Int() != 500 || meta.Get("messageId").String() != "p1" ||
		body.Get("errorCode").String() != codeInternal || body.Get("errors.0.errorCode").String() != codeInternal {
		t.Fatalf("reply to a request that panicked: %s %s", meta.Raw, body.Raw)
	}
	s.alive("a panic")
	entries := w.sim.Journal().Entries(simulator.JournalFilter{Dialect: dialectName, Method: "PANIC"})
	if len(entries) != 1 || !strings.Contains(entries[0].Note, "boom in a handler") || entries[0].Tenant != acct {
		t.Fatalf("journal PANIC entries: %+v", entries)
	}
}

// panickingTransport panics on every delivery and passes the
// Validation-Token handshake through.
type panickingTransport struct{}

func (panickingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("Validation-Token") != "" {
		return http.DefaultTransport.RoundTrip(r)
	}
	panic("boom in a transport")
}

// Rule: a panic while delivering a webhook is recovered and journaled and
// counts as a failed delivery; the delivery goroutine and the process
// survive.
// Source: issue 10 item 1.
func TestPanicDeliveringWebhookIsAFailedDelivery(t *testing.T) {
	w := newWorld(t, nil, Options{HTTPClient: &http.Client{Transport: panickingTransport{}}})
	rc := newReceiver(t, true, http.StatusOK)
	tok := w.login("jwt-102")
	expect(t, "create", w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(rc.srv.URL, "", 0)), 200)
	w.customerCalls("102")
	eventually(t, "the failed delivery and the panic are journaled", func() bool {
		failed := w.sim.Journal().Entries(simulator.JournalFilter{Dialect: dialectName, Method: "WEBHOOK", PathHas: rc.srv.URL})
		panics := w.sim.Journal().Entries(simulator.JournalFilter{Dialect: dialectName, Method: "PANIC"})
		return len(failed) > 0 && strings.Contains(failed[0].Note, "internal error while delivering") &&
			len(panics) > 0 && strings.Contains(panics[0].Note, "boom in a transport")
	})
}
