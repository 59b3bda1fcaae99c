package ringcentral

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// countingReceiver answers every Validation-Token handshake and counts
// the requests it gets.
func countingReceiver(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Validation-Token", r.Header.Get("Validation-Token"))
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func wsSubscribe(s *socket, id string) (meta, body gjson.Result) {
	return s.request(id, "POST", "/restapi/v1.0/subscription", map[string]any{
		"eventFilters": []string{"/restapi/v1.0/account/~/extension/~/telephony/sessions"},
		"deliveryMode": map[string]any{"transportType": "WebSocket"},
	})
}

// Rule: a WebHook past the limit of 30 per user per app is refused with
// 403 SUB-505 before its Validation-Token request is sent.
// Source: issue 10 item 18; reference/ringcentral.md §4.1, §4.2.
func TestSubscriptionLimitIsCheckedBeforeTheValidationRequest(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	srv, hits := countingReceiver(t)
	for i := 0; i < maxSubscriptions; i++ {
		expect(t, "webhook", w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(srv.URL, "", 0)), 200)
	}
	before := hits.Load()
	expectError(t, "the 31st webhook", w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(srv.URL, "", 0)),
		403, codeSubLimit, "", "Subscriptions limit exceeded")
	if got := hits.Load(); got != before {
		t.Fatalf("a refused subscription sent %d validation request(s)", got-before)
	}
}

// Rule: at most 30 subscriptions per user per app, WebHook and WebSocket
// together: a WebSocket subscribe past the limit answers 403 SUB-505; a
// subscribe that replaces the socket's own subscription does not count
// twice; another user has its own 30.
// Source: reference/ringcentral.md §4.1 ("At most 30 subscriptions per user
// per app", SUB-505); issue 10 item 16 (40, then 1,000 WebSocket
// subscriptions were accepted).
func TestSubscriptionLimitCountsSockets(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	srv, _ := countingReceiver(t)
	for i := 0; i < maxSubscriptions-1; i++ {
		expect(t, "webhook", w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(srv.URL, "", 0)), 200)
	}
	first := w.dial(tok, "")
	if meta, body := wsSubscribe(first, "s1"); meta.Get("status").Int() != 200 {
		t.Fatalf("the 30th subscription: %s %s", meta.Raw, body.Raw)
	}
	if meta, body := wsSubscribe(first, "s1-again"); meta.Get("status").Int() != 200 {
		t.Fatalf("a subscribe that replaces the socket's own: %s %s", meta.Raw, body.Raw)
	}
	second := w.dial(tok, "")
	meta, body := wsSubscribe(second, "s2")
	if meta.Get("status").Int() != 403 || body.Get("errorCode").String() != codeSubLimit || body.Get("errors.0.errorCode").String() != codeSubLimit {
		t.Fatalf("the 31st subscription, over a socket: %s %s", meta.Raw, body.Raw)
	}
	expect(t, "30 in all", w.call(http.MethodGet, "/restapi/v1.0/subscription", tok, nil), 200, "records.#", "30")
	// Another user of the same app has its own 30.
	third := w.dial(w.login("jwt-103"), "")
	if meta, body := wsSubscribe(third, "s3"); meta.Get("status").Int() != 200 {
		t.Fatalf("another user: %s %s", meta.Raw, body.Raw)
	}
}

// Rule: webhooks go only to allowed hosts (loopback and the scenario's
// webhookHosts): another address is refused when the subscription is made,
// with 400 CMN-101 naming deliveryMode.address and the reason.
// Source: issue 10 item 17; simulator/egress; docs/limits.md.
func TestWebhookAddressOutsideTheAllowListIsRefused(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	for _, addr := range []string{"http://example.com/hook", "https://10.0.0.1:8443/hook", "http://user:pw@127.0.0.1/hook"} {
		r := w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(addr, "", 0))
		expectError(t, addr, r, 400, codeInvalidParam, "deliveryMode.address", "The address is refused")
		if strings.Contains(r.raw, "pw@") {
			t.Fatalf("the refusal echoes the address's password: %s", r.raw)
		}
	}
	expect(t, "nothing created", w.call(http.MethodGet, "/restapi/v1.0/subscription", tok, nil), 200, "records.#", "0")

	sc := scenario.Default()
	sc.WebhookHosts = []string{"receiver.invalid"}
	w2 := newWorld(t, sc, Options{})
	r := w2.call(http.MethodPost, "/restapi/v1.0/subscription", w2.login("jwt-102"), webhookBody("http://receiver.invalid:9/hook", "", 0))
	// Allowed, so the handshake is tried (and fails: the name does not resolve).
	expectError(t, "an allowed host", r, 400, codeSubWebhook, "deliveryMode.address", "did not answer the validation request")
}

// Rule: redirects are never followed: a 307 on the Validation-Token
// handshake fails the creation (SUB-525), a 307 on a delivery is a failed
// delivery, and the redirect's target gets nothing.
// Source: issue 10 item 17 ("a 307 to another port got the POST with its
// Validation-Token"); reference/ringcentral.md §4.2.
func TestWebhookRedirectsAreNotFollowed(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	target, targetHits := countingReceiver(t)
	redirect := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, target.URL, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirect.Close)
	expectError(t, "a handshake answered with 307", w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(redirect.URL, "", 0)),
		400, codeSubWebhook, "deliveryMode.address", "redirects are not followed")

	var validated atomic.Bool
	later := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("Validation-Token"); v != "" && validated.CompareAndSwap(false, true) {
			rw.Header().Set("Validation-Token", v)
			return
		}
		http.Redirect(rw, r, target.URL, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(later.Close)
	expect(t, "create", w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(later.URL, "", 0)), 200)
	w.customerCalls("102")
	eventually(t, "a delivery answered with 307 is journaled as failed", func() bool {
		for _, e := range w.sim.Journal().Entries(simulator.JournalFilter{Dialect: dialectName, Method: "WEBHOOK", PathHas: later.URL}) {
			if e.Status == http.StatusTemporaryRedirect && strings.Contains(e.Note, "failed") {
				return true
			}
		}
		return false
	})
	if n := targetHits.Load(); n != 0 {
		t.Fatalf("the redirect's target got %d request(s)", n)
	}
}
