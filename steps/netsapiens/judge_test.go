package netsapiens

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

func nsEvidence() judge.Evidence {
	f := &Facts{Domain: "TEST", OutsideCaller: "+15555555555", Operator: target.Person{ID: "1000"}, Consult: target.Person{ID: "1010"}}
	leg := func(id, user, number, state, callID string) control.Leg {
		return control.Leg{ID: id, State: state, Endpoint: control.Endpoint{UserID: user, Number: number},
			Vendor: map[string]map[string]string{"netsapiens": {"call-id": callID}}}
	}
	a := control.Call{ID: "C1", State: "active", Legs: []control.Leg{leg("L1", "", "+15555555555", "answered", "orig1"), leg("L2", "1000", "", "gone", "term1"), leg("L5", "1010", "", "answered", "x")}}
	return judge.Evidence{Vendor: Name, Roles: roles(f), Budget: budget, Original: a, Calls: []control.Call{a}, Result: judge.Result{Finished: true}}
}

func entry(seq uint64, at time.Duration, method, path, body string, status int) control.JournalEntry {
	return control.JournalEntry{Seq: seq, Time: t0.Add(at), Method: method, Path: path, Body: body, Status: status}
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

const nsCalls = "/ns-api/v2/domains/TEST/users/1000/calls"

func nsGoodJournal() []control.JournalEntry {
	return []control.JournalEntry{
		entry(1, 0, "GET", "/ns-api/v2/domains/TEST/calls", "", 200),
		entry(2, time.Millisecond, "PATCH", nsCalls+"/term1/hold", "", 202),
		entry(3, 2*time.Millisecond, "POST", nsCalls, `{"call-id":"c2","call-term-user":"1010"}`, 202),
		entry(4, 3*time.Millisecond, "PATCH", nsCalls+"/orig1/transfer", `{"hostname":"core1","call-destination-session-id":"S2"}`, 202),
	}
}

// NetSapiens "Attended Transfer via API": hold by call-term-call-id,
// transfer on call-orig-call-id with hostname and session, never
// call-term-user.
func TestNSChecksPassTheGuidesFlow(t *testing.T) {
	e := nsEvidence()
	e.Journal = nsGoodJournal()
	for _, name := range []string{"hold by call-term-call-id", "transfer on call-orig-call-id", "no call-term-user in the transfer",
		"customer talks to consult", "operator left both calls", "no needless requests"} {
		mustPass(t, name, e)
	}
}

func TestNSBugsAreNamed(t *testing.T) {
	e := nsEvidence()
	e.Journal = nsGoodJournal()
	e.Journal[1].Path = nsCalls + "/orig1/hold"
	mustName(t, "hold by call-term-call-id", e, "held by call-orig-call-id instead of call-term-call-id")

	e.Journal = nsGoodJournal()
	e.Journal[3].Path = nsCalls + "/term1/transfer"
	mustName(t, "transfer on call-orig-call-id", e, "transferred on call-term-call-id instead of call-orig-call-id")

	e.Journal = nsGoodJournal()
	e.Journal[3].Body = `{"hostname":"core1","call-destination-session-id":"S2","call-term-user":"1010"}`
	mustName(t, "no call-term-user in the transfer", e, "sent call-term-user in the attended transfer body: NetSapiens then blind-transfers")

	e.Journal = nsGoodJournal()[:3]
	mustName(t, "transfer on call-orig-call-id", e, "never sent the attended transfer")
}
