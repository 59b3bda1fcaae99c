package judge

import (
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// Made-up evidence in the shape pbxsim's control API gives it; each test
// plants one bug and checks the check names it (issue 5: "a message that
// names the bug").

var t0 = time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)

func rcEvidence() Evidence {
	f := target.Facts{RingCentral: &target.RingCentralFacts{AccountID: "A",
		Customer: target.Person{ID: "101id"}, Operator: target.Person{ID: "102id"}, Consult: target.Person{ID: "103id"}}}
	leg := func(id, user, state, party string) control.Leg {
		return control.Leg{ID: id, State: state, Endpoint: control.Endpoint{UserID: user},
			Vendor: map[string]map[string]string{"ringcentral": {"partyId": party}}}
	}
	a := control.Call{ID: "C1", State: "active", Legs: []control.Leg{leg("L1", "101id", "answered", "p-aa-1"), leg("L2", "102id", "gone", "p-aa-2")}}
	b := control.Call{ID: "C2", State: "ended", Legs: []control.Leg{leg("L3", "102id", "gone", "p-bb-1"), leg("L4", "103id", "gone", "p-bb-2")}}
	a.Legs = append(a.Legs, control.Leg{ID: "L5", State: "answered", Endpoint: control.Endpoint{UserID: "103id"}})
	return Evidence{Vendor: "ringcentral", Facts: f, Original: a, Calls: []control.Call{a, b}, Result: Result{Finished: true}}
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

func mustPass(t *testing.T, name string, e Evidence) {
	t.Helper()
	c, ok := LookupCheck(name)
	if !ok {
		t.Fatalf("no check %q", name)
	}
	if err := c.Judge(e); err != nil {
		t.Fatalf("%s failed a correct transfer: %v", name, err)
	}
}

func mustName(t *testing.T, name string, e Evidence, says string) {
	t.Helper()
	c, _ := LookupCheck(name)
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

func TestOutcomeChecksNameWhatThePBXShows(t *testing.T) {
	e := rcEvidence()
	e.Calls[0].Legs[1].State = "held"
	mustName(t, "operator left both calls", e, "the operator is still in call C1 (leg L2 held)")
	e.Calls[0].Legs[2].State = "proceeding"
	mustName(t, "customer talks to consult", e, "a blind transfer, not a warm one")
}

func TestFinishedCheck(t *testing.T) {
	e := rcEvidence()
	e.Result = Result{Finished: true, Code: 3, Output: "boom"}
	mustName(t, "integration finished", e, "exited with status 3")
	e.Result = Result{Finished: false, Elapsed: time.Minute}
	mustName(t, "integration finished", e, "did not finish within its deadline")
	e.ViaHTTP, e.Result = true, Result{Finished: true, Code: 500}
	mustName(t, "integration finished", e, "answered 500")
	e.Result.Code = 204
	mustPass(t, "integration finished", e)
}

// Needless requests: a second sign-in, a write repeated after it was
// accepted, reads beyond the budget.
func TestNeedlessRequestsAreCounted(t *testing.T) {
	e := rcEvidence()
	e.Journal = append(rcGoodJournal(), entry(5, 4*time.Millisecond, "POST", "/restapi/oauth/token", "", 200),
		entry(6, 5*time.Millisecond, "POST", rcTel+"/sessions/s-aa/parties/p-aa-2/hold", "", 200))
	mustName(t, "no needless requests", e, "made 2 needless requests: signed in 2 times")
	e.Journal = rcGoodJournal()
	for i := 0; i < ReadBudget["ringcentral"]+3; i++ {
		e.Journal = append(e.Journal, entry(uint64(10+i), 0, "GET", rcTel+"/sessions/s-bb", "", 200))
	}
	mustName(t, "no needless requests", e, "made 3 needless requests")
}

// RingCentral rate limits: after a 429, wait Retry-After (30 s when the
// response names none) before the next request.
func TestRetryAfter(t *testing.T) {
	e := rcEvidence()
	limited := entry(1, 0, "GET", rcTel+"/sessions/s-bb", "", 429)
	e.Journal = []control.JournalEntry{limited, entry(2, 200*time.Millisecond, "GET", rcTel+"/sessions/s-bb", "", 200)}
	mustName(t, "Retry-After honoured", e, "did not honour Retry-After")
	e.Journal[0].Note = "Retry-After: 1"
	e.Journal[1].Time = t0.Add(1100 * time.Millisecond)
	mustPass(t, "Retry-After honoured", e)
	e.Journal[1].Time = t0.Add(900 * time.Millisecond)
	mustName(t, "Retry-After honoured", e, "(Retry-After 1s)")
}

func nsEvidence() Evidence {
	f := target.Facts{NetSapiens: &target.NetSapiensFacts{Domain: "TEST", OutsideCaller: "+15555555555", Operator: target.Person{ID: "1000"}, Consult: target.Person{ID: "1010"}}}
	leg := func(id, user, number, state, callID string) control.Leg {
		return control.Leg{ID: id, State: state, Endpoint: control.Endpoint{UserID: user, Number: number},
			Vendor: map[string]map[string]string{"netsapiens": {"call-id": callID}}}
	}
	a := control.Call{ID: "C1", State: "active", Legs: []control.Leg{leg("L1", "", "+15555555555", "answered", "orig1"), leg("L2", "1000", "", "gone", "term1"), leg("L5", "1010", "", "answered", "x")}}
	return Evidence{Vendor: "netsapiens", Facts: f, Original: a, Calls: []control.Call{a}, Result: Result{Finished: true}}
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

func TestCheckNamesAreUniqueAndFound(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range CheckNames() {
		if seen[strings.ToLower(n)] {
			t.Errorf("duplicate check %q", n)
		}
		seen[strings.ToLower(n)] = true
		if _, ok := LookupCheck(strings.ToUpper(n)); !ok {
			t.Errorf("LookupCheck(%q) failed", n)
		}
	}
}

// pbxsim's RingCentral rate limiter notes its penalty (= Retry-After).
func TestRetryAfterReadsTheRateLimitPenalty(t *testing.T) {
	e := rcEvidence()
	limited := entry(1, 0, "GET", rcTel+"/sessions/s-bb", "", 429)
	limited.Note = "rate limit: group Light of extension 102id exceeded; penalty 5s"
	e.Journal = []control.JournalEntry{limited, entry(2, 4*time.Second, "GET", rcTel+"/sessions/s-bb", "", 200)}
	mustName(t, "Retry-After honoured", e, "(Retry-After 5s)")
	e.Journal[1].Time = t0.Add(5 * time.Second)
	mustPass(t, "Retry-After honoured", e)
}
