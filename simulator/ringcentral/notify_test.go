package ringcentral

import (
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// Rule: the socket speaks first with ConnectionDetails (wsc token,
// recovery figures); a ClientRequest POST subscribes, with or without the
// trailing slash, and is answered with the same messageId, 2xx status and
// the WSG-SubscriptionId header; Heartbeats are echoed; pings get pongs.
// Source: reference/ringcentral.md §4.4, §6.1 (RCEX, PY, DOCS samples).
func TestWebSocketHandshake(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	s := w.dial(tok, "")
	meta, body := s.next("first frame", func(m, b gjson.Result) bool { return true })
	expectJSON(t, "ConnectionDetails", meta, "type", "ConnectionDetails", "status", "200", "wsc.sequence", "1")
	expectJSON(t, "ConnectionDetails body", body, "recoveryTimeout", "180", "recoveryBufferSize", "100", "maxConnectionsPerSession", "50")
	if meta.Get("wsc.token").String() == "" || body.Get("recoveryState").Exists() {
		t.Fatalf("a fresh connection carries a wsc token and no recoveryState: %s %s", meta.Raw, body.Raw)
	}

	for _, path := range []string{"/restapi/v1.0/subscription", "/restapi/v1.0/subscription/"} {
		id := s.subscribe(path, "/restapi/v1.0/account/~/extension/~/telephony/sessions")
		if len(id) != 36 || strings.Count(id, "-") != 4 {
			t.Fatalf("subscription id %q is not a UUID", id)
		}
	}

	s.write([]any{map[string]string{"type": "Heartbeat", "messageId": "hb-1"}})
	meta, _ = s.next("heartbeat reply", func(m, _ gjson.Result) bool { return m.Get("messageId").String() == "hb-1" })
	expectJSON(t, "heartbeat", meta, "type", "Heartbeat")

	pong := make(chan string, 1)
	s.conn.SetPongHandler(func(data string) error { pong <- data; return nil })
	if err := s.conn.WriteControl(9 /* ping */, []byte("are you there"), time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-pong:
		if got != "are you there" {
			t.Fatalf("pong %q", got)
		}
	case <-time.After(await):
		t.Fatal("no pong within 5s")
	}

	s.write("not an array")
	_, body = s.next("error frame", func(m, _ gjson.Result) bool { return m.Get("type").String() == "Error" })
	expectJSON(t, "bad frame", body, "errorCode", codeBadJSON)
}

// Rule: a second subscribe on a socket replaces the first; notifications
// carry the current subscription's id; DELETE over the socket ends it.
// Source: reference/ringcentral.md §4.4 (DOCS: one active subscription per socket; RCEX revoke).
func TestSocketSubscriptionReplaceAndDelete(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	s := w.dial(tok, "")
	first := s.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	second := s.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	_, op, _ := w.customerCalls("102")
	ev := s.event("setup", partyIs(op, "Setup"))
	expectJSON(t, "subscriptionId", ev, "subscriptionId", second)

	s.write([]any{map[string]string{"type": "ClientRequest", "messageId": "put-old", "method": "PUT", "path": "/restapi/v1.0/subscription/" + first}, map[string]any{}})
	meta, _ := s.next("PUT of the replaced subscription", func(m, _ gjson.Result) bool { return m.Get("messageId").String() == "put-old" })
	expectJSON(t, "replaced subscription is gone", meta, "status", "404")

	s.write([]any{map[string]string{"type": "ClientRequest", "messageId": "del", "method": "DELETE", "path": "/restapi/v1.0/subscription/" + second}})
	meta, _ = s.next("DELETE reply", func(m, _ gjson.Result) bool { return m.Get("messageId").String() == "del" })
	expectJSON(t, "delete", meta, "status", "204", "headers.WSG-SubscriptionId", second)
}

// Rule: an extension-level filter gets only that extension's parties, on
// the extension event path; an account-level filter also gets parties no
// extension owns (the PSTN customer), on the account path, without
// extensionId. ~ resolves to the token's account and extension.
// Source: reference/ringcentral.md §2.1, §2.3 (CSN routing), §6.2.
func TestExtensionAndAccountFilters(t *testing.T) {
	w := newWorld(t, nil, Options{})
	op := w.dial(w.login("jwt-102"), "")
	op.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	craig := w.dial(w.login("jwt-101"), "")
	craigOwn := craig.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	acctTok := w.login("jwt-103")
	acc := w.dial(acctTok, "")
	acc.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/telephony/sessions")

	sid, opParty, custParty := w.customerCalls("102")
	ev := acc.event("customer's Setup on the account path", partyIs(custParty, "Setup"))
	expectJSON(t, "PSTN party", ev, "event", "/restapi/v1.0/account/"+acct+"/telephony/sessions",
		"body.parties.0.accountId", acct, "body.parties.0.direction", "Outbound", "body.sequence", "2", "ownerId", extAgentK)
	if ev.Get("body.parties.0.extensionId").Exists() {
		t.Fatalf("a PSTN party has no extensionId: %s", ev.Raw)
	}
	ev = acc.event("operator's party on the extension path", partyIs(opParty, "Setup"))
	expectJSON(t, "extension party", ev, "event", "/restapi/v1.0/account/"+acct+"/extension/"+extAgentJ+"/telephony/sessions")

	expect(t, "answer", w.call("POST", partyPath(sid, opParty)+"/answer", w.login("jwt-102"), nil), 200)
	op.event("operator answered", partyIs(opParty, "Answered"))
	acc.event("customer answered", partyIs(custParty, "Answered"))
	for _, f := range op.seen {
		a := gjson.Parse(f)
		if a.Get("0.type").String() == "ServerNotification" && a.Get("1.body.parties.0.extensionId").String() != extAgentJ {
			t.Fatalf("the operator's extension filter got another party: %s", f)
		}
	}
	// Craig (101) is not in the call: a marker call of his own shows his
	// socket is live and got nothing of the operator's call.
	_, craigParty, _ := w.customerCalls("101")
	ev = craig.event("Craig's own call", partyIs(craigParty, "Setup"))
	expectJSON(t, "Craig's subscription", ev, "subscriptionId", craigOwn)
	for _, f := range craig.seen {
		if strings.Contains(f, sid) {
			t.Fatalf("extension 101's filter got the operator's session: %s", f)
		}
	}
}

// Rule: an answered party's event has every field of the seed's sample
// event (cust-to-oper-event.json), envelope included; mobilePickupData is
// the one field pbxsim does not produce.
// Source: seeds/ringcentral-warm-transfer.md; testdata/ringcentral/seed-cust-to-oper-event.json.
func TestEventFieldsMatchTheSeedSample(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	s := w.dial(tok, "")
	s.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	c, err := w.sim.Originate(originate(w, "101", "102"))
	if err != nil {
		t.Fatal(err)
	}
	op := c.Legs[1].Attrs[attrParty]
	expect(t, "answer", w.call("POST", partyPath(c.Attrs[attrSession], op)+"/answer", tok, nil), 200)
	got := s.event("operator answered", partyIs(op, "Answered"))

	b, err := os.ReadFile("../../testdata/ringcentral/seed-cust-to-oper-event.json")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, p := range keyPaths(gjson.ParseBytes(b), "") {
		if strings.Contains(p, "mobilePickupData") {
			continue
		}
		if !got.Get(p).Exists() {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("fields of the seed sample missing from our event: %v\nours: %s", missing, got.Raw)
	}
	expectJSON(t, "values", got, "body.parties.0.from.phoneNumber", "101", "body.parties.0.from.deviceId", "801538264005",
		"body.parties.0.to.phoneNumber", "102", "body.parties.0.to.name", "Agent J", "body.parties.0.status.rcc", "false")
}

// keyPaths lists the gjson paths of every key in j (array items as ".0").
func keyPaths(j gjson.Result, prefix string) []string {
	var out []string
	j.ForEach(func(k, v gjson.Result) bool {
		p := k.String()
		if prefix != "" {
			p = prefix + "." + p
		}
		out = append(out, p)
		if v.IsObject() || v.IsArray() {
			out = append(out, keyPaths(v, p)...)
		}
		return true
	})
	sort.Strings(out)
	return out
}

// Rule: a socket that drops can be recovered within recoveryTimeout with
// &wsc=<token>: ConnectionDetails says recoveryState Successful, the
// subscription survives and missed notifications are replayed; after the
// timeout recovery Fails and the subscription is gone.
// Source: reference/ringcentral.md §4.4 (Recovery), §6.1.
func TestWebSocketRecovery(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	s1 := w.dial(tok, "")
	subID := s1.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	sid, op, _ := w.customerCalls("102")
	meta, _ := s1.next("operator ringing", func(m, b gjson.Result) bool { return partyIs(op, "Proceeding")(b) })
	wsc := meta.Get("wsc.token").String()
	s1.conn.Close()

	// While the client is away, the operator answers (over REST).
	expect(t, "answer", w.call("POST", partyPath(sid, op)+"/answer", tok, nil), 200)

	s2 := w.dial(tok, wsc)
	meta, body := s2.next("ConnectionDetails", func(m, _ gjson.Result) bool { return true })
	expectJSON(t, "recovery", meta, "type", "ConnectionDetails")
	expectJSON(t, "recovery", body, "recoveryState", "Successful")
	ev := s2.event("replayed Answered", partyIs(op, "Answered"))
	expectJSON(t, "replayed", ev, "subscriptionId", subID)
	expect(t, "hold", w.call("POST", partyPath(sid, op)+"/hold", tok, nil), 200)
	s2.event("live Hold after recovery", partyIs(op, "Hold"))
	for _, f := range s2.seen {
		if strings.Contains(f, `"code":"Proceeding"`) {
			t.Fatalf("recovery replayed a notification the client had already seen: %s", f)
		}
	}

	// Away longer than recoveryTimeout: recovery fails, the subscription is gone.
	last := lastWSC(t, s2)
	s2.conn.Close()
	eventually(t, "the server notices the socket closed", func() bool { return w.d.socketDetached(subID) })
	w.clk.Advance(181 * time.Second)
	s3 := w.dial(w.login("jwt-102"), last)
	_, body = s3.next("ConnectionDetails", func(m, _ gjson.Result) bool { return true })
	expectJSON(t, "late recovery", body, "recoveryState", "Failed")
	s3.write([]any{map[string]string{"type": "ClientRequest", "messageId": "get", "method": "GET", "path": "/restapi/v1.0/subscription/" + subID}})
	meta, _ = s3.next("GET old subscription", func(m, _ gjson.Result) bool { return m.Get("messageId").String() == "get" })
	expectJSON(t, "old subscription", meta, "status", "404")
}

func lastWSC(t *testing.T, s *socket) string {
	t.Helper()
	for i := len(s.seen) - 1; i >= 0; i-- {
		if tok := gjson.Get(s.seen[i], "0.wsc.token").String(); tok != "" {
			return tok
		}
	}
	t.Fatal("no wsc token seen")
	return ""
}

// socketDetached reports whether the socket of a subscription's session
// is gone (the session waits for recovery).
func (d *Dialect) socketDetached(subID string) bool {
	d.subs.mu.Lock()
	s := d.subs.byID[subID]
	d.subs.mu.Unlock()
	if s == nil || s.ws == nil {
		return false
	}
	s.ws.mu.Lock()
	defer s.ws.mu.Unlock()
	return s.ws.conn == nil
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(await)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		<-tick.C
	}
}

// Rule: REST calls can go over the socket as ClientRequests
// (RCEX restOverWebSocket), answered as the socket's own user.
// Source: reference/ringcentral.md §4.4 ("Other REST calls go over the socket only when restOverWebSocket").
func TestRESTOverWebSocket(t *testing.T) {
	w := newWorld(t, nil, Options{})
	s := w.dial(w.login("jwt-102"), "")
	s.write([]any{map[string]string{"type": "ClientRequest", "messageId": "ext", "method": "GET", "path": "/restapi/v1.0/account/~/extension/~"}})
	meta, body := s.next("extension info", func(m, _ gjson.Result) bool { return m.Get("messageId").String() == "ext" })
	expectJSON(t, "REST over socket", meta, "type", "ClientRequest", "status", "200")
	expectJSON(t, "REST over socket", body, "id", extAgentJ, "extensionNumber", "102")
}
