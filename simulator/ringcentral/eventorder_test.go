package ringcentral

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// notifications collects the next n telephony-session notifications of a
// socket, in the order they arrived.
func notifications(s *socket, n int) []gjson.Result {
	s.t.Helper()
	var out []gjson.Result
	for len(out) < n {
		out = append(out, s.event("notification", func(gjson.Result) bool { return true }))
	}
	return out
}

// seqOf spells events as "seq party-index status", e.g. "2 1 Setup".
func seqOf(evs []gjson.Result) string {
	var b []string
	for _, e := range evs {
		id := e.Get("body.parties.0.id").String()
		b = append(b, e.Get("body.sequence").String()+" "+id[strings.LastIndexByte(id, '-')+1:]+" "+e.Get("body.parties.0.status.code").String())
	}
	return strings.Join(b, ", ")
}

// Rule: on an extension-to-extension call the caller's party is Answered
// before the callee's Proceeding; the callee's party carries
// status.mobilePickupData while it rings and when it answers, and only
// then (not on Setup, not on the caller's party, not after an unhold).
// Source: issue 13 items 3 and 4; CSN RingCentral-RingCentral seq 2-6 and
// PSTN-RingCentral-DataStreams seq 6-10 (reference/ringcentral.md §2.3);
// the seed's voice/cust-to-oper-event.json.
func TestExtensionCallEventOrderAndMobilePickupData(t *testing.T) {
	w := newWorld(t, nil, Options{})
	s := w.dial(w.login("jwt-101"), "")
	s.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/telephony/sessions")
	c, err := w.sim.Originate(originate(w, "101", "102"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.sim.Answer(c.Legs[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := w.sim.Hold(c.Legs[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := w.sim.Unhold(c.Legs[1].ID); err != nil {
		t.Fatal(err)
	}
	evs := notifications(s, 7)
	if got, want := seqOf(evs), "2 1 Setup, 3 2 Setup, 4 1 Answered, 5 2 Proceeding, 6 2 Answered, 7 2 Hold, 8 2 Answered"; got != want {
		t.Fatalf("event order:\n got %s\nwant %s", got, want)
	}
	for i, e := range evs {
		has := e.Get("body.parties.0.status.mobilePickupData").Exists()
		if want := i == 3 || i == 4; has != want {
			t.Fatalf("event %d (%s): mobilePickupData present %v, want %v: %s", i, seqOf(evs[i:i+1]), has, want, e.Raw)
		}
	}
	expectJSON(t, "mobilePickupData", evs[3], "body.parties.0.status.mobilePickupData.ccMailboxes.0", extAgentJ)
	for _, f := range []string{"sid", "srvLvl", "srvLvlExt", "to"} {
		if evs[3].Get("body.parties.0.status.mobilePickupData."+f).String() == "" {
			t.Fatalf("mobilePickupData lacks %s: %s", f, evs[3].Raw)
		}
	}
}

// Rule: on a call to a PSTN number the callee's party starts at
// Proceeding (no Setup) and the caller goes Proceeding, then Answered only
// after the far end answers.
// Source: issue 13 item 3; CSN RingCentral-PSTN seq 2-6 (reference/ringcentral.md §2.3).
func TestPSTNCallEventOrder(t *testing.T) {
	w := newWorld(t, nil, Options{})
	s := w.dial(w.login("jwt-102"), "")
	s.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/telephony/sessions")
	from := w.user("102")
	c, err := w.sim.Originate(simulator.OriginateRequest{From: from, To: simulator.Endpoint{Number: "+14155550123"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.sim.Answer(c.Legs[1].ID); err != nil {
		t.Fatal(err)
	}
	evs := notifications(s, 5)
	if got, want := seqOf(evs), "2 1 Setup, 3 2 Proceeding, 4 1 Proceeding, 5 2 Answered, 6 1 Answered"; got != want {
		t.Fatalf("event order:\n got %s\nwant %s", got, want)
	}
	if evs[1].Get("body.parties.0.extensionId").Exists() || evs[1].Get("body.parties.0.status.mobilePickupData").Exists() {
		t.Fatalf("the PSTN party has no extensionId and no mobilePickupData: %s", evs[1].Raw)
	}
}

// Rule: missedCall is an event field (TelephonySessionsEventPartyInfo) and
// totalActiveCalls a presence-event field; the spec's CallParty and
// GetPresenceInfo have neither, so REST leaves them out and events keep
// missedCall.
// Source: issue 13 item 5; SPEC CallParty, GetPresenceInfo; reference/ringcentral.md §2.2.
func TestEventOnlyFieldsStayOutOfREST(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	s := w.dial(tok, "")
	s.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	sid, op, _ := w.customerCalls("102")
	ev := s.event("operator ringing", partyIs(op, "Proceeding"))
	expectJSON(t, "event keeps missedCall", ev, "body.parties.0.missedCall", "false")

	r := w.call(http.MethodGet, partyPath(sid, op), tok, nil)
	expect(t, "party", r, 200, "id", op)
	if r.json.Get("missedCall").Exists() {
		t.Fatalf("REST CallParty has no missedCall: %s", r.raw)
	}
	r = w.call(http.MethodGet, sessionPath(sid), tok, nil)
	if strings.Contains(r.raw, "missedCall") {
		t.Fatalf("REST session parties have no missedCall: %s", r.raw)
	}
	r = w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true", tok, nil)
	expect(t, "presence", r, 200, "telephonyStatus", "Ringing", "presenceStatus", "Busy")
	if r.json.Get("totalActiveCalls").Exists() {
		t.Fatalf("REST presence has no totalActiveCalls: %s", r.raw)
	}
}
