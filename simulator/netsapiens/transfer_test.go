package netsapiens

import (
	"testing"

	"github.com/tidwall/gjson"
)

// seedState is the seed's attended transfer up to step 5: the customer's
// call to 1000 is held, and 1000's consult call to 1010 is answered.
type seedState struct {
	origSession, origCallID, termCallID string // the customer's call
	consultSession, consultOrigCallID   string // 1000's consult call to 1010
}

// upToConsult runs the seed's steps 1 to 5 over REST. answerConsult false
// leaves 1010 ringing.
func (w *world) upToConsult(answerConsult bool) seedState {
	w.t.Helper()
	w.inboundCall()

	// Step 2: read the calls; note the orig and term call-ids.
	calls := w.calls()
	if len(calls) != 1 {
		w.t.Fatalf("step 2: want 1 call, got %d: %v", len(calls), calls)
	}
	var s seedState
	s.origSession = calls[0].Get("call-session-id").String()
	s.origCallID = calls[0].Get("call-orig-call-id").String()
	s.termCallID = calls[0].Get("call-term-call-id").String()

	// Step 3: hold with call-term-call-id.
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+s.termCallID+"/hold", key1000, nil)
	w.settle()

	// Step 4: the consult call, 1000 -> 1010.
	w.must(202, "POST", "/domains/TEST/users/1000/calls", key1000, map[string]string{"call-id": "consult-1", "call-term-user": "1010", "auto-answer-enabled": "yes"})
	w.settle()

	// Step 5: read the calls again for the consult's call-session-id.
	for _, c := range w.calls() {
		if c.Get("call-orig-call-id").String() == "consult-1" {
			s.consultSession = c.Get("call-session-id").String()
			s.consultOrigCallID = "consult-1"
			if answerConsult {
				w.must(202, "PATCH", "/domains/TEST/users/1010/calls/"+c.Get("call-term-call-id").String()+"/answer", key1010, nil)
				w.settle()
			}
		}
	}
	if s.consultSession == "" {
		w.t.Fatalf("step 5: no consult call with call-orig-call-id consult-1 in %v", w.calls())
	}
	return s
}

func (w *world) transferBody(s seedState) map[string]string {
	return map[string]string{"hostname": coreHost, "call-destination-session-id": s.consultSession}
}

// Source: seeds/netsapiens-attended-transfer.txt steps 1-6 and reference
// §3.3, §8.2: every write answers 202 before the switch acts, so a read
// straight after it shows the old state; after the apply delay the
// customer talks to 1010 and 1000's legs are gone.
func TestSeedAttendedTransferEndToEnd(t *testing.T) {
	w := newWorld(t, nil)
	w.inboundCall()
	calls := w.calls()
	if len(calls) != 1 {
		t.Fatalf("want the customer's call, got %v", calls)
	}
	orig := calls[0]
	termID := orig.Get("call-term-call-id").String()
	origID := orig.Get("call-orig-call-id").String()
	session := orig.Get("call-session-id").String()
	if orig.Get("call-term-user").String() != "1000" || orig.Get("call-term-domain").String() != "TEST" {
		t.Fatalf("step 2: term side should be 1000@TEST: %s", orig.Raw)
	}

	// Step 3: hold. 202 with the documented body; the read straight after
	// still shows the call active.
	hold := w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+termID+"/hold", key1000, nil)
	if hold.Raw != `{"code":202,"message":"Accepted"}` {
		t.Fatalf("hold body = %s", hold.Raw)
	}
	if got, _ := findCall(w.calls(), session); got.Get("term-orig-info").String() != "active" {
		t.Fatalf("straight after the 202 the hold must not show yet: %s", got.Raw)
	}
	w.settle()
	if got, _ := findCall(w.calls(), session); got.Get("term-orig-info").String() != "held" || got.Get("call-orig-info").String() != "active" {
		t.Fatalf("after the apply delay 1000's side should be held: %s", got.Raw)
	}

	// Step 4: consult call. 202 {} and nothing yet.
	mk := w.must(202, "POST", "/domains/TEST/users/1000/calls", key1000, map[string]string{"call-id": "consult-1", "call-term-user": "1010"})
	if mk.Raw != "{}" {
		t.Fatalf("make call body = %s, want {}", mk.Raw)
	}
	if n := len(w.calls()); n != 1 {
		t.Fatalf("straight after the 202 the consult call must not exist yet; %d calls", n)
	}
	w.settle()
	consultCall := func() gjson.Result {
		for _, c := range w.calls() {
			if c.Get("call-orig-call-id").String() == "consult-1" {
				return c
			}
		}
		return gjson.Result{}
	}
	// auto-answer-enabled defaults to no: 1000's own phone rings first and
	// 1010 is not called yet (issue 13 item 8; reference §2.1).
	consult := consultCall()
	if consult.Get("call-orig-info").String() != "progressing" || consult.Get("call-term-user").String() != "" {
		t.Fatalf("before 1000 picks up, the consult call rings 1000 only: %s", consult.Raw)
	}
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/consult-1/answer", key1000, nil)
	w.settle()
	consult = consultCall()
	if !consult.Exists() || consult.Get("call-orig-user").String() != "1000" || consult.Get("call-term-user").String() != "1010" ||
		consult.Get("call-orig-info").String() != "active" || consult.Get("call-term-info").String() != "alerting" {
		t.Fatalf("consult call should be 1000 (active) -> 1010 (alerting): %v", w.calls())
	}
	// 1010 answers from its own credentials.
	w.must(202, "PATCH", "/domains/TEST/users/1010/calls/"+consult.Get("call-term-call-id").String()+"/answer", key1010, nil)
	w.settle()

	// Step 5: the consult's session id, both sides active.
	consult, _ = findCall(w.calls(), consult.Get("call-session-id").String())
	if consult.Get("call-term-info").String() != "active" {
		t.Fatalf("consult should be active after 1010 answers: %s", consult.Raw)
	}
	consultSession := consult.Get("call-session-id").String()

	// Step 6: transfer with call-orig-call-id, hostname and the session.
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+origID+"/transfer", key1000,
		map[string]string{"hostname": coreHost, "call-destination-session-id": consultSession})
	if n := len(w.calls()); n != 2 {
		t.Fatalf("straight after the 202 both calls must still be there; %d calls", n)
	}
	w.settle()

	after := w.calls()
	if len(after) != 1 {
		t.Fatalf("after the transfer one call should remain: %v", after)
	}
	got := after[0]
	if got.Get("call-session-id").String() != session ||
		got.Get("caller-id-number").String() != "15555555555" || got.Get("call-orig-call-id").String() != origID ||
		got.Get("call-term-user").String() != "1010" ||
		got.Get("call-orig-info").String() != "active" || got.Get("call-term-info").String() != "active" {
		t.Fatalf("surviving call should be customer (orig) <-> 1010 (term), both active: %s", got.Raw)
	}
	if mine := w.must(200, "GET", "/domains/TEST/users/1000/calls", key1000, nil); len(mine.Array()) != 0 {
		t.Fatalf("1000 should have no calls left: %s", mine.Raw)
	}
	w.requireNote("/transfer", "attended transfer applied")

	// The core agrees: 1000's two legs ended gone by attended transfer.
	c, ok := w.sim.LookupCall(AttrSessionID, session)
	if !ok {
		t.Fatal("surviving call not found by session id")
	}
	gone := 0
	for _, l := range c.Legs {
		if l.Endpoint.UserID == "1000" && l.Reason == "attended-transfer" {
			gone++
		}
	}
	if gone != 1 {
		t.Fatalf("1000's leg in the customer's call should be gone by attended transfer: %+v", c.Legs)
	}
}

// Source: reference §3.4 and GUIDE-AT "do NOT include call-term-user":
// each trap answers like the real API (202 or a 4xx) and leaves the calls
// as the documented outcome says, with the reason in the journal.
func TestTransferTraps(t *testing.T) {
	type outcome int
	const (
		merged    outcome = iota // customer <-> 1010, 1000 gone
		unchanged                // both calls as they were
		blind                    // customer's call now rings 1010; consult still up
	)
	cases := []struct {
		name     string
		quirks   map[string]string
		answered bool
		callID   func(seedState) string
		body     func(seedState) map[string]string
		status   int
		want     outcome
		note     string
	}{
		{
			name: "call-term-user beside the session (default: blind transfer)", answered: true,
			body: func(s seedState) map[string]string {
				return map[string]string{"hostname": coreHost, "call-destination-session-id": s.consultSession, "call-term-user": "1010"}
			},
			status: 202, want: blind, note: "quirk call-term-user=blind-transfer",
		},
		{
			name: "destination is an alias of call-term-user", answered: true,
			body: func(s seedState) map[string]string {
				return map[string]string{"hostname": coreHost, "call-destination-session-id": s.consultSession, "destination": "1010"}
			},
			status: 202, want: blind, note: "blind transfer applied",
		},
		{
			name: "call-term-user refused outright", answered: true, quirks: map[string]string{QuirkCallTermUser: "refused"},
			body: func(s seedState) map[string]string {
				return map[string]string{"hostname": coreHost, "call-destination-session-id": s.consultSession, "call-term-user": "1010"}
			},
			status: 400, want: unchanged,
		},
		{
			name: "call-term-user ignored", answered: true, quirks: map[string]string{QuirkCallTermUser: "ignored"},
			body: func(s seedState) map[string]string {
				return map[string]string{"hostname": coreHost, "call-destination-session-id": s.consultSession, "call-term-user": "1010"}
			},
			status: 202, want: merged, note: "attended transfer applied",
		},
		{
			name: "transfer keyed by call-term-call-id instead of call-orig-call-id", answered: true,
			callID: func(s seedState) string { return s.termCallID },
			status: 202, want: unchanged, note: "own leg",
		},
		{
			name: "call-term-call-id accepted by the lenient profile", answered: true, quirks: map[string]string{QuirkTransferCallID: "any"},
			callID: func(s seedState) string { return s.termCallID },
			status: 202, want: merged,
		},
		{
			name: "transfer before the consult answers", answered: false,
			status: 202, want: unchanged, note: "has not answered",
		},
		{
			name: "unknown destination session", answered: true,
			body: func(s seedState) map[string]string {
				return map[string]string{"hostname": coreHost, "call-destination-session-id": "20260101000000999999"}
			},
			status: 202, want: unchanged, note: "names no other active call",
		},
		{
			name: "destination session is the call itself", answered: true,
			body: func(s seedState) map[string]string {
				return map[string]string{"hostname": coreHost, "call-destination-session-id": s.origSession}
			},
			status: 202, want: unchanged, note: "names no other active call",
		},
		{
			name: "hostname is not the core server", answered: true,
			body: func(s seedState) map[string]string {
				return map[string]string{"hostname": "core9.elsewhere.test", "call-destination-session-id": s.consultSession}
			},
			status: 202, want: unchanged, note: "is not the core server",
		},
		{
			name: "hostname missing", answered: true,
			body: func(s seedState) map[string]string {
				return map[string]string{"call-destination-session-id": s.consultSession}
			},
			status: 202, want: unchanged, note: "is not the core server",
		},
		{
			name: "hostname not checked by the lenient profile", answered: true, quirks: map[string]string{QuirkTransferHostname: "ignored"},
			body: func(s seedState) map[string]string {
				return map[string]string{"hostname": "core9.elsewhere.test", "call-destination-session-id": s.consultSession}
			},
			status: 202, want: merged,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, withQuirks(tc.quirks))
			s := w.upToConsult(tc.answered)
			callID := s.origCallID
			if tc.callID != nil {
				callID = tc.callID(s)
			}
			body := w.transferBody(s)
			if tc.body != nil {
				body = tc.body(s)
			}
			r := w.do("PATCH", "/domains/TEST/users/1000/calls/"+callID+"/transfer", key1000, body)
			if r.status != tc.status {
				t.Fatalf("status %d %s, want %d", r.status, r.body, tc.status)
			}
			if r.status >= 400 {
				errorShape(t, r, tc.status)
			}
			before := w.calls()
			w.settle()
			after := w.calls()
			origCall, origOK := findCall(after, s.origSession)
			consult, consultOK := findCall(after, s.consultSession)
			switch tc.want {
			case merged:
				if consultOK || !origOK || origCall.Get("call-term-user").String() != "1010" || origCall.Get("call-term-info").String() != "active" {
					t.Fatalf("want customer <-> 1010 and no consult call; got %v", after)
				}
			case unchanged:
				if len(after) != 2 || !origOK || !consultOK || origCall.Raw != mustFind(t, before, s.origSession).Raw ||
					consult.Raw != mustFind(t, before, s.consultSession).Raw {
					t.Fatalf("calls should be unchanged;\nbefore %v\nafter  %v", before, after)
				}
			case blind:
				if !consultOK || consult.Get("call-term-info").String() != "active" {
					t.Fatalf("the consult call should stay up (no merge): %v", after)
				}
				if !origOK || origCall.Get("call-term-user").String() != "1010" || origCall.Get("call-term-info").String() != "alerting" {
					t.Fatalf("the customer should be ringing 1010 in the original call: %v", after)
				}
			}
			if tc.note != "" {
				w.requireNote("/transfer", tc.note)
			}
		})
	}
}

func mustFind(t *testing.T, calls []gjson.Result, session string) gjson.Result {
	t.Helper()
	c, ok := findCall(calls, session)
	if !ok {
		t.Fatalf("session %s not in %v", session, calls)
	}
	return c
}

// Source: GUIDE-AT "Call ID Reference Guide" (hold uses call-term-call-id)
// and quirk hold-call-id: the caller's call-orig-call-id answers 202 and
// holds nothing by default; the lenient profile holds 1000's leg.
func TestHoldWithTheWrongCallID(t *testing.T) {
	for _, tc := range []struct {
		profile  string
		wantInfo string
	}{{"own-leg", "active"}, {"any", "held"}} {
		t.Run(tc.profile, func(t *testing.T) {
			w := newWorld(t, withQuirks(map[string]string{QuirkHoldCallID: tc.profile}))
			w.inboundCall()
			c := w.calls()[0]
			w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+c.Get("call-orig-call-id").String()+"/hold", key1000, nil)
			w.settle()
			if got := w.calls()[0].Get("term-orig-info").String(); got != tc.wantInfo {
				t.Fatalf("1000's side = %q, want %q", got, tc.wantInfo)
			}
			if tc.profile == "own-leg" {
				w.requireNote("/hold", "hold not applied")
			}
		})
	}
}

// Source: reference §2 (unhold, answer, reject, disconnect) and §8.8:
// /reject only ends a ringing call; DELETE disconnects an answered one.
func TestCallActionsApplyAfterTheDelay(t *testing.T) {
	w := newWorld(t, nil)
	w.inboundCall()
	c := w.calls()[0]
	term := c.Get("call-term-call-id").String()
	base := "/domains/TEST/users/1000/calls/" + term

	w.must(202, "PATCH", base+"/hold", key1000, nil)
	w.settle()
	w.must(202, "PATCH", base+"/unhold", key1000, nil)
	w.settle()
	if got := w.calls()[0].Get("term-orig-info").String(); got != "active" {
		t.Fatalf("after unhold 1000's side = %q, want active", got)
	}

	// Reject an answered call: 202 {}, then nothing (the journal says why).
	rej := w.must(202, "DELETE", base+"/reject", key1000, nil)
	if rej.Raw != "{}" {
		t.Fatalf("reject body = %s, want {}", rej.Raw)
	}
	w.settle()
	if len(w.calls()) != 1 {
		t.Fatal("reject must not end an answered call")
	}
	w.requireNote("/reject", "reject not applied")

	// Disconnect: 200 {} (SPEC45), the call is gone after the delay.
	del := w.must(200, "DELETE", base, key1000, nil)
	if del.Raw != "{}" {
		t.Fatalf("disconnect body = %s, want {}", del.Raw)
	}
	if len(w.calls()) != 1 {
		t.Fatal("the disconnect must not show before the apply delay")
	}
	w.settle()
	if n := len(w.calls()); n != 0 {
		t.Fatalf("after disconnect %d calls remain", n)
	}
}

// Source: reference §2 (/reject cancels a ringing call) and GUIDE-ANSWER.
func TestRejectAndAnswerARingingCall(t *testing.T) {
	w := newWorld(t, nil)
	from, _ := w.sim.Resolve(customer, "")
	to, _ := w.sim.Resolve("+11111111111", "")
	if _, err := w.sim.Originate(simulatorRequest(from, to)); err != nil {
		t.Fatal(err)
	}
	c := w.calls()[0]
	if c.Get("term-orig-info").String() != "alerting" || c.Get("call-orig-info").String() != "progressing" {
		t.Fatalf("ringing call should read progressing/alerting: %s", c.Raw)
	}
	if c.Get("call-answer-datetime").String() != "" {
		t.Fatalf("an unanswered call has no answer time: %s", c.Raw)
	}
	w.must(202, "DELETE", "/domains/TEST/users/1000/calls/"+c.Get("call-term-call-id").String()+"/reject", key1000, nil)
	w.settle()
	if n := len(w.calls()); n != 0 {
		t.Fatalf("rejected call still listed (%d calls)", n)
	}

	if _, err := w.sim.Originate(simulatorRequest(from, to)); err != nil {
		t.Fatal(err)
	}
	c = w.calls()[0]
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+c.Get("call-orig-call-id").String()+"/answer", key1000,
		map[string]string{"destination": "sip:1000wp@TEST"})
	w.settle()
	c = w.calls()[0]
	if c.Get("term-orig-info").String() != "active" || c.Get("call-answer-datetime").String() == "" {
		t.Fatalf("answered call should be active with an answer time: %s", c.Raw)
	}
	w.requireNote("/answer", "on sip:1000wp@TEST")
}

// Source: reference §3.1 (blind transfer with call-term-user alone).
func TestBlindTransfer(t *testing.T) {
	w := newWorld(t, nil)
	w.inboundCall()
	c := w.calls()[0]
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+c.Get("call-orig-call-id").String()+"/transfer", key1000,
		map[string]any{"call-term-user": 1010})
	w.settle()
	got := w.calls()[0]
	if got.Get("call-term-user").String() != "1010" || got.Get("term-orig-info").String() != "alerting" {
		t.Fatalf("customer should ring 1010: %s", got.Raw)
	}
	w.requireNote("/transfer", "blind transfer applied")
}

// Source: brief (Close stops goroutines and timers): a change still
// waiting for its apply delay is cancelled by Close and never happens.
func TestCloseCancelsPendingChanges(t *testing.T) {
	w := newWorld(t, nil)
	w.inboundCall()
	c := w.calls()[0]
	before := w.clk.Pending()
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+c.Get("call-term-call-id").String()+"/hold", key1000, nil)
	if w.clk.Pending() != before+1 {
		t.Fatalf("the hold should wait on the clock: %d timers, want %d", w.clk.Pending(), before+1)
	}
	w.d.Close()
	if w.clk.Pending() != before {
		t.Fatalf("Close should stop the pending hold: %d timers, want %d", w.clk.Pending(), before)
	}
	w.settle()
	for _, l := range w.sim.Calls()[0].Legs {
		if l.State != "answered" {
			t.Fatalf("the hold happened after Close: %+v", l)
		}
	}
	w.d.Close() // idempotent
}
