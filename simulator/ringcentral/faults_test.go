package ringcentral

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// faultWorld is a world whose dialect consults a fault engine.
func faultWorld(t *testing.T, rules ...faults.Rule) (*world, *faults.Engine) {
	t.Helper()
	eng := faults.New(faults.Options{Seed: 1})
	for _, r := range rules {
		if _, err := eng.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	return newWorld(t, nil, Options{Faults: eng}), eng
}

// operatorFlow subscribes extension 102 over the socket and plays a call:
// the customer rings 102, who answers, holds, unholds and hangs up; each
// change (Setup, Proceeding, Answered, Hold, Answered, Disconnected) is one
// notification about the operator's party. It returns the
// socket and the party id.
func operatorFlow(w *world) (*socket, string) {
	tok := w.login("jwt-102")
	s := w.dial(tok, "")
	s.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	sid, op, _ := w.customerCalls("102")
	for _, action := range []string{"answer", "hold", "unhold"} {
		expect(w.t, action, w.call(http.MethodPost, partyPath(sid, op)+"/"+action, tok, nil), 200)
	}
	expect(w.t, "hang up", w.call(http.MethodDelete, sessionPath(sid), tok, nil), 204)
	return s, op
}

// statuses collects the operator's party statuses until Disconnected.
func statuses(s *socket, op string) []string {
	var out []string
	for {
		env := s.event("operator notification", func(env gjson.Result) bool { return env.Get("body.parties.0.id").String() == op })
		code := env.Get("body.parties.0.status.code").String()
		out = append(out, code)
		if code == "Disconnected" {
			return out
		}
	}
}

var baseline = []string{"Setup", "Proceeding", "Answered", "Hold", "Answered", "Disconnected"}

func wsRule(id string, after int, a faults.Action) faults.Rule {
	return faults.Rule{ID: id, On: faults.OnNotification, After: after, Times: 1,
		Match: faults.Match{Dialect: Name, Transport: faults.TransportWebSocket}, Action: a}
}

// Issue 6: notifications dropped, duplicated and reordered per
// subscription, as the seeded rules say; the baseline without faults is
// the seed's call flow.
func TestWebSocketNotificationFaults(t *testing.T) {
	cases := []struct {
		name string
		rule *faults.Rule
		want []string
	}{
		{"no fault", nil, baseline},
		{"second dropped", ptr(wsRule("drop", 1, faults.Action{Drop: true})), []string{"Setup", "Answered", "Hold", "Answered", "Disconnected"}},
		{"third duplicated", ptr(wsRule("dup", 2, faults.Action{Duplicate: 1})), []string{"Setup", "Proceeding", "Answered", "Answered", "Hold", "Answered", "Disconnected"}},
		{"second after third", ptr(wsRule("swap", 1, faults.Action{Reorder: true})), []string{"Setup", "Answered", "Proceeding", "Hold", "Answered", "Disconnected"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rules []faults.Rule
			if c.rule != nil {
				rules = append(rules, *c.rule)
			}
			w, _ := faultWorld(t, rules...)
			s, op := operatorFlow(w)
			if got := statuses(s, op); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("notifications %v, want %v", got, c.want)
			}
		})
	}
}

// A reordered notification keeps its own sequence: the client sees a
// lower sequence after a higher one (reference §6.3: deliver out of order
// to exercise client reordering).
func TestReorderedNotificationKeepsItsSequence(t *testing.T) {
	w, _ := faultWorld(t, wsRule("swap", 1, faults.Action{Reorder: true}))
	s, op := operatorFlow(w)
	var seqs []int64
	for {
		env := s.event("operator notification", func(env gjson.Result) bool { return env.Get("body.parties.0.id").String() == op })
		seqs = append(seqs, env.Get("body.sequence").Int())
		if env.Get("body.parties.0.status.code").String() == "Disconnected" {
			break
		}
	}
	if len(seqs) != 6 || seqs[1] <= seqs[2] {
		t.Fatalf("sequences %v: want the second notification to arrive after the third with its lower sequence", seqs)
	}
}

// A delayed notification waits on the simulator clock.
func TestDelayedNotificationWaitsForTheClock(t *testing.T) {
	w, _ := faultWorld(t, wsRule("late", 1, faults.Action{Delay: faults.Duration(5 * time.Second)}))
	s, op := operatorFlow(w)
	got := []string{}
	for len(got) < 5 {
		env := s.event("operator notification", func(env gjson.Result) bool { return env.Get("body.parties.0.id").String() == op })
		got = append(got, env.Get("body.parties.0.status.code").String())
	}
	if !reflect.DeepEqual(got, []string{"Setup", "Answered", "Hold", "Answered", "Disconnected"}) {
		t.Fatalf("before the delay: %v", got)
	}
	w.clk.Advance(5 * time.Second)
	late := s.event("the delayed notification", func(env gjson.Result) bool { return env.Get("body.parties.0.id").String() == op })
	if code := late.Get("body.parties.0.status.code").String(); code != "Proceeding" {
		t.Fatalf("after 5s the delayed notification is %s, want Proceeding", code)
	}
}

// Issue 6: a WebSocket disconnect within the recovery window is recovered
// with wsc and the missed notification is replayed (reference §4.4).
func TestRecoverableDisconnect(t *testing.T) {
	w, _ := faultWorld(t, wsRule("cut", 2, faults.Action{Disconnect: faults.DisconnectRecoverable}))
	tok := w.login("jwt-102")
	s := w.dial(tok, "")
	subID := s.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	sid, op, _ := w.customerCalls("102")
	s.event("Proceeding", partyIs(op, "Proceeding"))
	wsc := lastWSC(t, s)
	expect(t, "answer", w.call(http.MethodPost, partyPath(sid, op)+"/answer", tok, nil), 200)
	awaitClosed(t, s)

	s2 := w.dial(tok, wsc)
	_, body := s2.next("ConnectionDetails", func(m, _ gjson.Result) bool { return m.Get("type").String() == "ConnectionDetails" })
	expectJSON(t, "recovery", body, "recoveryState", "Successful")
	ev := s2.event("replayed Answered", partyIs(op, "Answered"))
	expectJSON(t, "replayed", ev, "subscriptionId", subID)
}

// Issue 6: an unrecoverable disconnect drops the session with its
// recovery buffer: recovery Fails, the subscription is gone and the
// missed notification is lost.
func TestUnrecoverableDisconnect(t *testing.T) {
	w, _ := faultWorld(t, wsRule("kill", 2, faults.Action{Disconnect: faults.DisconnectUnrecoverable}))
	tok := w.login("jwt-102")
	s := w.dial(tok, "")
	subID := s.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	sid, op, _ := w.customerCalls("102")
	s.event("Proceeding", partyIs(op, "Proceeding"))
	wsc := lastWSC(t, s)
	expect(t, "answer", w.call(http.MethodPost, partyPath(sid, op)+"/answer", tok, nil), 200)
	awaitClosed(t, s)

	s2 := w.dial(tok, wsc)
	_, body := s2.next("ConnectionDetails", func(m, _ gjson.Result) bool { return m.Get("type").String() == "ConnectionDetails" })
	expectJSON(t, "recovery", body, "recoveryState", "Failed")
	s2.write([]any{map[string]string{"type": "ClientRequest", "messageId": "get", "method": "GET", "path": "/restapi/v1.0/subscription/" + subID}})
	meta, _ := s2.next("GET old subscription", func(m, _ gjson.Result) bool { return m.Get("messageId").String() == "get" })
	expectJSON(t, "old subscription", meta, "status", "404")
}

// The control API's "disconnect now" closes the sockets of one extension
// only (the engine's SocketDropper).
func TestDropSocketsNow(t *testing.T) {
	w, eng := faultWorld(t)
	s102 := w.dial(w.login("jwt-102"), "")
	s102.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	s103 := w.dial(w.login("jwt-103"), "")
	s103.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	n, err := eng.DropSockets(acct, extAgentJ, faults.DisconnectRecoverable)
	if err != nil || n != 1 {
		t.Fatalf("DropSockets: %d, %v; want 1 socket", n, err)
	}
	awaitClosed(t, s102)
	s103.write([]any{map[string]string{"type": "Heartbeat", "messageId": "still-here"}})
	s103.next("heartbeat on the other socket", func(m, _ gjson.Result) bool { return m.Get("messageId").String() == "still-here" })
}

// Issue 6: webhook deliveries failing: a failed delivery is not posted,
// is journaled as injected, and counts towards blacklisting (reference
// §4.2).
func TestWebhookDeliveryFailsByFault(t *testing.T) {
	eng := faults.New(faults.Options{Seed: 1})
	if _, err := eng.Add(faults.Rule{ID: "hook503", On: faults.OnNotification,
		Match: faults.Match{Transport: faults.TransportWebhook}, Action: faults.Action{Fail: 503}}); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, nil, Options{Faults: eng, WebhookBlacklistAfter: 2})
	tok := w.login("jwt-102")
	rc := newReceiver(t, true, http.StatusOK)
	r := w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, webhookBody(rc.srv.URL, "", 0))
	expect(t, "create", r, 200)
	subID := r.json.Get("id").String()
	w.customerCalls("102")
	eventually(t, "the subscription is blacklisted", func() bool {
		return w.call(http.MethodGet, "/restapi/v1.0/subscription/"+subID, tok, nil).json.Get("status").String() == "Blacklisted"
	})
	if len(rc.got) != 0 {
		t.Fatalf("the receiver got %d posts; failed deliveries are not posted", len(rc.got))
	}
	var notes []string
	for _, e := range w.sim.Journal().Entries(simulator.JournalFilter{Method: "WEBHOOK"}) {
		notes = append(notes, e.Note)
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "fault hook503 (injected): status 503") {
		t.Fatalf("journal notes: %q", notes)
	}
}

// awaitClosed waits until the server has closed the test socket.
func awaitClosed(t *testing.T, s *socket) {
	t.Helper()
	deadline := time.After(await)
	for {
		select {
		case f, ok := <-s.frames:
			if !ok {
				return
			}
			s.seen = append(s.seen, string(f))
		case <-deadline:
			t.Fatalf("the socket was not closed; saw:\n%s", strings.Join(s.seen, "\n"))
		}
	}
}

func ptr[T any](v T) *T { return &v }
