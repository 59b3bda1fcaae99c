package ringcentral

import (
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/steps/judge"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// Made-up evidence in the shape pbxsim's control API gives it; each test
// plants one bug and checks the check names it (issue 5: "a message that
// names the bug").

var t0 = time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)

func rcEvidence() judge.Evidence {
	f := &Facts{AccountID: "A",
		Customer: target.Person{ID: "101id"}, Operator: target.Person{ID: "102id"}, Consult: target.Person{ID: "103id"}}
	leg := func(id, user, state, party string) control.Leg {
		return control.Leg{ID: id, State: state, Endpoint: control.Endpoint{UserID: user},
			Vendor: map[string]map[string]string{"ringcentral": {"partyId": party}}}
	}
	a := control.Call{ID: "C1", State: "active", Legs: []control.Leg{leg("L1", "101id", "answered", "p-aa-1"), leg("L2", "102id", "gone", "p-aa-2")}}
	b := control.Call{ID: "C2", State: "ended", Legs: []control.Leg{leg("L3", "102id", "gone", "p-bb-1"), leg("L4", "103id", "gone", "p-bb-2")}}
	a.Legs = append(a.Legs, control.Leg{ID: "L5", State: "answered", Endpoint: control.Endpoint{UserID: "103id"}})
	return judge.Evidence{Vendor: Name, Roles: roles(f), Budget: budget, Original: a, Calls: []control.Call{a, b}, Result: judge.Result{Finished: true}}
}

func entry(seq uint64, at time.Duration, method, path, body string, status int) control.JournalEntry {
	return control.JournalEntry{Seq: seq, Time: t0.Add(at), Method: method, Path: path, Body: body, Status: status}
}

const rcTel = "/restapi/v1.0/account/~/telephony"

func rcGoodJournal() []control.JournalEntry {
	return []control.JournalEntry{
		entry(1, 0, "POST", "/restapi/oauth/token", "", 200),
		entry(2, time.Millisecond, "POST", rcTel+"/sessions/s-aa/parties/p-aa-2/hold", "", 200),
		entry(3, 2*time.Millisecond, "POST", rcTel+"/call-out", `{"to":{"extensionNumber":"103"}}`, 201),
		entry(4, 3*time.Millisecond, "POST", rcTel+"/sessions/s-aa/parties/p-aa-2/bridge", `{"telephonySessionId":"s-bb","partyId":"p-bb-1"}`, 200),
	}
}

func mustPass(t *testing.T, name string, e judge.Evidence) {
	t.Helper()
	c, ok := judge.Find(judge.Catalogue(Vendor{}.Checks()...), name)
	if !ok {
		t.Fatalf("no check %q", name)
	}
	if err := c.Judge(e); err != nil {
		t.Fatalf("%s failed a correct transfer: %v", name, err)
	}
}

func mustName(t *testing.T, name string, e judge.Evidence, says string) {
	t.Helper()
	c, _ := judge.Find(judge.Catalogue(Vendor{}.Checks()...), name)
	err := c.Judge(e)
	if err == nil || !strings.Contains(err.Error(), says) {
		t.Fatalf("%s: got %v, want an error saying %q", name, err, says)
	}
}

// RingCentral guide "Managing warm transfers": hold, call out, bridge
// path = operator's party in the customer's call, body = the consult call
// and the operator's party in it.
func TestRCChecksPassTheGuidesFlow(t *testing.T) {
	e := rcEvidence()
	e.Journal = rcGoodJournal()
	for _, name := range []string{"integration finished", "customer talks to consult", "operator left both calls",
		"customer held before the consult call", "bridge IDs not swapped", "no needless requests", "Retry-After honoured"} {
		mustPass(t, name, e)
	}
}

func TestRCBridgeWithSwappedIDsIsNamed(t *testing.T) {
	e := rcEvidence()
	e.Journal = rcGoodJournal()
	e.Journal[3].Body = `{"telephonySessionId":"p-bb-1","partyId":"s-bb"}`
	mustName(t, "bridge IDs not swapped", e, "bridged with the session and party IDs swapped in the body")
	e.Journal[3].Path = rcTel + "/sessions/p-aa-2/parties/s-aa/bridge"
	mustName(t, "bridge IDs not swapped", e, "swapped in the path")
}

func TestRCBridgeWithTheConsultsPartyIsNamed(t *testing.T) {
	e := rcEvidence()
	e.Journal = rcGoodJournal()
	e.Journal[3].Body = `{"telephonySessionId":"s-bb","partyId":"p-bb-2"}`
	mustName(t, "bridge IDs not swapped", e, "bridged to the consult's party p-bb-2 instead of the operator's own party")
}

func TestRCNoBridgeAndNoHoldAreNamed(t *testing.T) {
	e := rcEvidence()
	e.Journal = rcGoodJournal()[:3]
	mustName(t, "bridge IDs not swapped", e, "never bridged")
	e.Journal = append(rcGoodJournal()[:1], rcGoodJournal()[2:]...)
	mustName(t, "customer held before the consult call", e, "called the consult without holding the customer first")
}
