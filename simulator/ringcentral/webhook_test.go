package ringcentral

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// receiver is a webhook endpoint under test control.
type receiver struct {
	srv    *httptest.Server
	echo   bool // answer the Validation-Token handshake
	status int  // status for deliveries
	got    chan delivery
}

type delivery struct {
	header http.Header
	body   gjson.Result
}

func newReceiver(t *testing.T, echo bool, status int) *receiver {
	rc := &receiver{echo: echo, status: status, got: make(chan delivery, 256)}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("Validation-Token"); v != "" {
			if rc.echo {
				w.Header().Set("Validation-Token", v)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			return
		}
		b, _ := io.ReadAll(r.Body)
		rc.got <- delivery{header: r.Header.Clone(), body: gjson.ParseBytes(b)}
		w.WriteHeader(rc.status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) next(t *testing.T, what string, pred func(gjson.Result) bool) delivery {
	t.Helper()
	var seen []string
	deadline := time.After(await)
	for {
		select {
		case d := <-rc.got:
			if pred(d.body) {
				return d
			}
			seen = append(seen, d.body.Raw)
		case <-deadline:
			t.Fatalf("waiting for %s: timed out; received:\n%s", what, strings.Join(seen, "\n"))
		}
	}
}

func webhookBody(address, verification string, expiresIn int) map[string]any {
	b := map[string]any{
		"eventFilters": []string{"/restapi/v1.0/account/~/telephony/sessions"},
		"deliveryMode": map[string]any{"transportType": "WebHook", "address": address, "verificationToken": verification},
	}
	if expiresIn > 0 {
		b["expiresIn"] = expiresIn
	}
	return b
}

// Rule: creating a WebHook subscription sends a Validation-Token request
// the receiver must echo; deliveries are POSTs with the envelope,
// Verification-Token (when given) and User-Agent RingCentral-Webhook/8.3.
// Source: reference/ringcentral.md §4.2, §6.11 (DOCS creating-webhooks, P-WH).
func TestWebhookHandshakeAndDelivery(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	rc := newReceiver(t, true, http.StatusOK)
	r := w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(rc.srv.URL, "vt-123", 0))
	expect(t, "create", r, 200, "status", "Active", "deliveryMode.transportType", "WebHook", "deliveryMode.address", rc.srv.URL,
		"eventFilters.0", "/restapi/v1.0/account/"+acct+"/telephony/sessions", "expiresIn", "604800")
	subID := r.json.Get("id").String()

	_, _, cust := w.customerCalls("102")
	d := rc.next(t, "customer's Setup", partyIs(cust, "Setup"))
	if d.header.Get("Verification-Token") != "vt-123" || d.header.Get("User-Agent") != "RingCentral-Webhook/8.3" ||
		!strings.HasPrefix(d.header.Get("Content-Type"), "application/json") {
		t.Fatalf("delivery headers: %v", d.header)
	}
	expectJSON(t, "envelope", d.body, "subscriptionId", subID, "ownerId", extAgentJ, "body.sequence", "2")
	eventually(t, "the delivery is journaled", func() bool {
		return len(w.sim.Journal().Entries(simulator.JournalFilter{Dialect: dialectName, Method: "WEBHOOK", PathHas: rc.srv.URL})) > 0
	})

	expect(t, "GET", w.call(http.MethodGet, "/restapi/v1.0/subscription/"+subID, tok, nil), 200, "id", subID)
	expect(t, "list", w.call(http.MethodGet, "/restapi/v1.0/subscription", tok, nil), 200, "records.#", "1")
	expect(t, "renew", w.call(http.MethodPost, "/restapi/v1.0/subscription/"+subID+"/renew", tok, nil), 200, "expiresIn", "604800")
	expect(t, "delete", w.call(http.MethodDelete, "/restapi/v1.0/subscription/"+subID, tok, nil), 204)
	expectError(t, "GET deleted", w.call(http.MethodGet, "/restapi/v1.0/subscription/"+subID, tok, nil), 404, codeNotFound, "subscriptionId", subID)
}

// Rule: a receiver that does not echo Validation-Token fails creation
// with SUB-525 and no subscription is made; WebSocket subscriptions cannot
// be made over HTTP.
// Source: reference/ringcentral.md §4.1, §4.2.
func TestWebhookCreationRefusals(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	silent := newReceiver(t, false, http.StatusOK)
	expectError(t, "no echo", w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(silent.srv.URL, "", 0)),
		400, codeSubWebhook, "deliveryMode.address", "does not echo the Validation-Token")
	expect(t, "nothing created", w.call(http.MethodGet, "/restapi/v1.0/subscription", tok, nil), 200, "records.#", "0")

	r := w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, map[string]any{
		"eventFilters": []string{"/restapi/v1.0/account/~/extension/~/telephony/sessions"},
		"deliveryMode": map[string]any{"transportType": "WebSocket"}})
	expectError(t, "WebSocket over HTTP", r, 400, codeInvalidParam, "deliveryMode.transportType", "over the WebSocket")
	rc := newReceiver(t, true, http.StatusOK)
	bad := webhookBody(rc.srv.URL, "", 0)
	bad["eventFilters"] = []string{"/restapi/v1.0/nonsense"}
	expectError(t, "bad filter", w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, bad), 400, codeSubFilters, "eventFilters", "Invalid event filters")
}

// Rule: a webhook that keeps failing is blacklisted (status Blacklisted,
// blacklistedData) and gets nothing more; every outcome is journaled.
// Source: reference/ringcentral.md §4.2 (DOCS troubleshooting).
func TestFailingWebhookIsBlacklisted(t *testing.T) {
	w := newWorld(t, nil, Options{WebhookBlacklistAfter: 2})
	tok := w.login("jwt-102")
	rc := newReceiver(t, true, http.StatusInternalServerError)
	r := w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(rc.srv.URL, "", 0))
	expect(t, "create", r, 200)
	subID := r.json.Get("id").String()
	w.customerCalls("102")
	rc.next(t, "first attempt", func(gjson.Result) bool { return true })
	rc.next(t, "second attempt", func(gjson.Result) bool { return true })
	eventually(t, "the subscription is blacklisted", func() bool {
		return w.call(http.MethodGet, "/restapi/v1.0/subscription/"+subID, tok, nil).json.Get("status").String() == "Blacklisted"
	})
	r = w.call(http.MethodGet, "/restapi/v1.0/subscription/"+subID, tok, nil)
	if !strings.Contains(r.json.Get("blacklistedData.reason").String(), "status 500") {
		t.Fatalf("blacklistedData: %s", r.raw)
	}
	var failed int
	for _, e := range w.sim.Journal().Entries(simulator.JournalFilter{Dialect: dialectName, Method: "WEBHOOK"}) {
		if e.Status == 500 && strings.Contains(e.Note, "failed") {
			failed++
		}
	}
	if failed != 2 {
		t.Fatalf("journaled failures: %d, want 2", failed)
	}
}

// Rule: a webhook subscription expires after expiresIn on the sim clock:
// it then answers 404 SUB-507 and receives nothing.
// Source: reference/ringcentral.md §4.1 (expiresIn, SUB-507).
func TestWebhookExpiresOnTheSimClock(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	rc := newReceiver(t, true, http.StatusOK)
	short := w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(rc.srv.URL, "", 60))
	expect(t, "short-lived", short, 200, "expiresIn", "60")
	marker := w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(rc.srv.URL, "", 0))
	shortID, markerID := short.json.Get("id").String(), marker.json.Get("id").String()

	w.clk.Advance(60 * time.Second)
	expectError(t, "expired", w.call(http.MethodGet, "/restapi/v1.0/subscription/"+shortID, tok, nil), 404, codeSubExpired, "subscriptionId", "expired")
	_, op, cust := w.customerCalls("102")
	rc.next(t, "marker gets the customer", func(b gjson.Result) bool {
		return partyIs(cust, "Setup")(b) && b.Get("subscriptionId").String() == markerID
	})
	rc.next(t, "marker gets the operator", func(b gjson.Result) bool {
		return partyIs(op, "Proceeding")(b) && b.Get("subscriptionId").String() == markerID
	})
	for {
		select {
		case d := <-rc.got:
			if d.body.Get("subscriptionId").String() == shortID {
				t.Fatalf("an expired subscription got a delivery: %s", d.body.Raw)
			}
		default:
			return
		}
	}
}

// Rule: a subscription is notified only of changes made after it exists:
// a change that publish reaches late (the pipeline runs behind the core
// under load) is not delivered to a subscription made after it.
// Source: reference/ringcentral.md §4.1 (a subscription notifies the
// events that follow it); found as a flake where a lagging pipeline
// notified the set-up call to a newer subscription.
func TestSubscriptionNotifiesOnlyLaterChanges(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	sid, _, _ := w.customerCalls("102")
	old := w.sim.Events(0)
	rc := newReceiver(t, true, http.StatusOK)
	expect(t, "create", w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(rc.srv.URL, "", 0)), 200, "status", "Active")
	for _, e := range old {
		w.d.publish(e) // the pipeline reaches the call's events only now
	}
	expect(t, "hang up", w.call(http.MethodDelete, "/restapi/v1.0/account/~/telephony/sessions/"+sid, tok, nil), 204)
	// Deliveries keep their order: had an old change been queued, it
	// would arrive before the hang-up's.
	d := rc.next(t, "the first delivery", func(gjson.Result) bool { return true })
	if got := d.body.Get("body.parties.0.status.code").String(); got != "Disconnected" {
		t.Fatalf("the first delivery is %s of party %s, want a Disconnected (the change after the subscription)", got, d.body.Get("body.parties.0.id"))
	}
}
