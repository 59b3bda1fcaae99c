package ringcentral

import (
	"net/http"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

func withQuirks(q map[string]string) *scenario.Scenario {
	sc := scenario.Default()
	SectionOf(sc).Accounts[0].Quirks = q
	return sc
}

// Rule: quirk ended-session=readable keeps an ended session readable
// (its parties Disconnected) and refuses writes with 409.
// Source: docs/quirks.md (RingCentral: ended-session).
func TestQuirkEndedSessionReadable(t *testing.T) {
	w := newWorld(t, withQuirks(map[string]string{quirkEndedSession: "readable"}), Options{})
	tok := w.login("jwt-102")
	sid, op, _ := w.customerCalls("102")
	expect(t, "answer", w.call(http.MethodPost, partyPath(sid, op)+"/answer", tok, nil), 200)
	expect(t, "drop", w.call(http.MethodDelete, sessionPath(sid), tok, nil), 204)
	expect(t, "GET ended", w.call(http.MethodGet, sessionPath(sid), tok, nil), 200, "parties.0.status.code", "Disconnected", "parties.1.status.code", "Disconnected")
	expectError(t, "DELETE ended", w.call(http.MethodDelete, sessionPath(sid), tok, nil), 409, codeIncorrectState, "", "Incorrect State")
	expectError(t, "hold ended", w.call(http.MethodPost, partyPath(sid, op)+"/hold", tok, nil), 409, codeIncorrectState, "", "in status Disconnected")
}

// Rule: quirk sequence-start=1 numbers a session's events from 1.
// Source: docs/quirks.md (RingCentral: sequence-start).
func TestQuirkSequenceStartsAtOne(t *testing.T) {
	w := newWorld(t, withQuirks(map[string]string{quirkSequenceStart: "1"}), Options{})
	s := w.dial(w.login("jwt-101"), "")
	s.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/telephony/sessions")
	_, _, cust := w.customerCalls("102")
	expectJSON(t, "first event", s.event("customer's Setup", partyIs(cust, "Setup")), "body.sequence", "1")
}

// Rule: quirk party-control=account lets a token control any party of its
// account's sessions (the default refuses with 403 TAS-106).
// Source: docs/quirks.md (RingCentral: party-control).
func TestQuirkPartyControl(t *testing.T) {
	for _, tc := range []struct {
		value  string
		status int
	}{{"own-extension", 403}, {"account", 200}} {
		w := newWorld(t, withQuirks(map[string]string{quirkPartyControl: tc.value}), Options{})
		craig := w.login("jwt-101")
		sid, op, _ := w.customerCalls("102")
		r := w.call(http.MethodPost, partyPath(sid, op)+"/answer", craig, nil)
		if r.status != tc.status {
			t.Fatalf("party-control=%s: 101 answers 102's party: %s, want %d", tc.value, r, tc.status)
		}
	}
}

// Rule: every quirk this dialect reads is registered, with a default among
// its values, so scenarios can select it and the loader can check it.
// Source: simulator/scenario/quirks.go (RegisterQuirk).
func TestQuirksAreRegistered(t *testing.T) {
	got := map[string]scenario.Quirk{}
	for _, q := range scenario.Quirks() {
		if q.Vendor == dialectName {
			got[q.Name] = q
		}
	}
	for _, name := range []string{quirkSequenceStart, quirkEndedSession, quirkPartyControl, quirkBridgeSurvivor} {
		q, ok := got[name]
		if !ok {
			t.Fatalf("quirk %s is not registered", name)
		}
		found := false
		for _, v := range q.Values {
			found = found || v == q.Default
		}
		if !found || q.Doc == "" || q.Source == "" || q.Confidence == "" {
			t.Fatalf("quirk %s is incomplete: %+v", name, q)
		}
	}
	if _, err := scenario.Parse("bad.yaml", []byte("ringcentral:\n  clients: [{id: c}]\n  accounts:\n    - id: \"1\"\n      quirks: {sequence-start: \"7\"}\n")); err == nil {
		t.Fatal("a scenario selecting an unknown quirk value must not load")
	}
}
