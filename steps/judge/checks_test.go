package judge

import (
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
)

// Made-up evidence in the shape pbxsim's control API gives it; each test
// plants one bug and checks the check names it (issue 5: "a message that
// names the bug").

var t0 = time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)

func acmeEvidence() Evidence {
	roles := map[string]string{"101id": "customer", "102id": "operator", "103id": "consult"}
	leg := func(id, user, state, party string) control.Leg {
		return control.Leg{ID: id, State: state, Endpoint: control.Endpoint{UserID: user},
			Vendor: map[string]map[string]string{"acme": {"partyId": party}}}
	}
	a := control.Call{ID: "C1", State: "active", Legs: []control.Leg{leg("L1", "101id", "answered", "p-aa-1"), leg("L2", "102id", "gone", "p-aa-2")}}
	b := control.Call{ID: "C2", State: "ended", Legs: []control.Leg{leg("L3", "102id", "gone", "p-bb-1"), leg("L4", "103id", "gone", "p-bb-2")}}
	a.Legs = append(a.Legs, control.Leg{ID: "L5", State: "answered", Endpoint: control.Endpoint{UserID: "103id"}})
	return Evidence{Vendor: "acme", Roles: func(l control.Leg) string { return roles[l.Endpoint.UserID] },
		Budget: Budget{Reads: 40, RetryAfter: 30 * time.Second}, Original: a, Calls: []control.Call{a, b}, Result: Result{Finished: true}}
}

func entry(seq uint64, at time.Duration, method, path, body string, status int) control.JournalEntry {
	return control.JournalEntry{Seq: seq, Time: t0.Add(at), Method: method, Path: path, Body: body, Status: status}
}

const acmeTel = "/api/v1/telephony"

func acmeGoodJournal() []control.JournalEntry {
	return []control.JournalEntry{
		entry(1, 0, "POST", "/api/oauth/token", "", 200),
		entry(2, time.Millisecond, "POST", acmeTel+"/sessions/s-aa/parties/p-aa-2/hold", "", 200),
		entry(3, 2*time.Millisecond, "POST", acmeTel+"/call-out", `{"to":{"extensionNumber":"103"}}`, 201),
		entry(4, 3*time.Millisecond, "POST", acmeTel+"/sessions/s-aa/parties/p-aa-2/bridge", `{"telephonySessionId":"s-bb","partyId":"p-bb-1"}`, 200),
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

// The shared checks pass a correct transfer on a vendor of the test's own.
func TestSharedChecksPassACorrectTransfer(t *testing.T) {
	e := acmeEvidence()
	e.Journal = acmeGoodJournal()
	for _, name := range []string{"integration finished", "customer talks to consult", "operator left both calls", "no needless requests", "Retry-After honoured"} {
		mustPass(t, name, e)
	}
}

func TestOutcomeChecksNameWhatThePBXShows(t *testing.T) {
	e := acmeEvidence()
	e.Calls[0].Legs[1].State = "held"
	mustName(t, "operator left both calls", e, "the operator is still in call C1 (leg L2 held)")
	e.Calls[0].Legs[2].State = "proceeding"
	mustName(t, "customer talks to consult", e, "a blind transfer, not a warm one")
}

func TestFinishedCheck(t *testing.T) {
	e := acmeEvidence()
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
	e := acmeEvidence()
	e.Journal = append(acmeGoodJournal(), entry(5, 4*time.Millisecond, "POST", "/api/oauth/token", "", 200),
		entry(6, 5*time.Millisecond, "POST", acmeTel+"/sessions/s-aa/parties/p-aa-2/hold", "", 200))
	mustName(t, "no needless requests", e, "made 2 needless requests: signed in 2 times")
	e.Journal = acmeGoodJournal()
	for i := 0; i < e.Budget.Reads+3; i++ {
		e.Journal = append(e.Journal, entry(uint64(10+i), 0, "GET", acmeTel+"/sessions/s-bb", "", 200))
	}
	mustName(t, "no needless requests", e, "made 3 needless requests")
}

// Rate limits: after a 429, wait Retry-After (the vendor's default, here
// 30 s, when the response names none) before the next request.
func TestRetryAfter(t *testing.T) {
	e := acmeEvidence()
	limited := entry(1, 0, "GET", acmeTel+"/sessions/s-bb", "", 429)
	e.Journal = []control.JournalEntry{limited, entry(2, 200*time.Millisecond, "GET", acmeTel+"/sessions/s-bb", "", 200)}
	mustName(t, "Retry-After honoured", e, "did not honour Retry-After")
	e.Journal[0].Note = "Retry-After: 1"
	e.Journal[1].Time = t0.Add(1100 * time.Millisecond)
	mustPass(t, "Retry-After honoured", e)
	e.Journal[1].Time = t0.Add(900 * time.Millisecond)
	mustName(t, "Retry-After honoured", e, "(Retry-After 1s)")
}

func TestCheckNamesAreUniqueAndFound(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range Names(Checks()) {
		if seen[strings.ToLower(n)] {
			t.Errorf("duplicate check %q", n)
		}
		seen[strings.ToLower(n)] = true
		if _, ok := LookupCheck(strings.ToUpper(n)); !ok {
			t.Errorf("LookupCheck(%q) failed", n)
		}
	}
}

// pbxsim's rate limiter notes its penalty (= Retry-After).
func TestRetryAfterReadsTheRateLimitPenalty(t *testing.T) {
	e := acmeEvidence()
	limited := entry(1, 0, "GET", acmeTel+"/sessions/s-bb", "", 429)
	limited.Note = "rate limit: group Light of extension 102id exceeded; penalty 5s"
	e.Journal = []control.JournalEntry{limited, entry(2, 4*time.Second, "GET", acmeTel+"/sessions/s-bb", "", 200)}
	mustName(t, "Retry-After honoured", e, "(Retry-After 5s)")
	e.Journal[1].Time = t0.Add(5 * time.Second)
	mustPass(t, "Retry-After honoured", e)
}
