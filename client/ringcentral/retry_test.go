package ringcentral

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/client/internal/retry/retrytest"
)

func testPolicy(s *retrytest.Sleeper) RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, BaseBackoff: 100 * time.Millisecond, MaxBackoff: time.Second,
		MaxRetryAfter: 10 * time.Second, Jitter: func() float64 { return 0.5 }, Sleep: s.Sleep}
}

// loggedIn returns a logged-in client on the fake and a context carrying
// the test policy.
func loggedIn(t *testing.T, f *fakePlatform, s *retrytest.Sleeper) (*Client, context.Context) {
	t.Helper()
	c := f.client(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	return c, WithRetryPolicy(ctx, testPolicy(s))
}

// script answers a route from a list of statuses, then with ok.
func script(statuses []int, header http.Header, ok func(w http.ResponseWriter)) func(http.ResponseWriter, *http.Request, []byte) {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		mu.Lock()
		i := n
		n++
		mu.Unlock()
		if i < len(statuses) {
			for k, v := range header {
				w.Header()[k] = v
			}
			if statuses[i] == 0 { // drop the connection
				conn, _, _ := http.NewResponseController(w).Hijack()
				conn.Close()
				return
			}
			writeJSON(w, statuses[i], map[string]any{"errorCode": "CMN-301", "message": "injected"})
			return
		}
		ok(w)
	}
}

const extPath = "/restapi/v1.0/account/~/extension/~"

func extOK(w http.ResponseWriter) {
	writeJSON(w, 200, map[string]any{"id": 684351005, "extensionNumber": "102"})
}

func count(seen []string, req string) int {
	n := 0
	for _, s := range seen {
		if s == req {
			n++
		}
	}
	return n
}

// The shared mechanism (client/internal/retry) is tested there; these
// tests check what the client adds: its idempotent requests, its default
// 429 wait, its error decoding and its message prefix.

// Reference ringcentral.md §3.3 and the RingCentral guide: a 429 without
// Retry-After means waiting "at least 30 seconds"; a policy that allows
// less gives up at once, wrapping the *APIError, in the client's words.
func TestRetry429WithoutRetryAfterWaits30s(t *testing.T) {
	f := newFakePlatform(t)
	f.handle("GET", extPath, script([]int{429}, nil, extOK))
	s := &retrytest.Sleeper{}
	c, ctx := loggedIn(t, f, s)
	_, err := c.Extension(ctx)
	var g *GiveUpError
	if !errors.As(err, &g) || !strings.HasPrefix(err.Error(), "ringcentral: gave up on GET "+extPath+": Retry-After 30s is longer than the longest wait allowed (10s)") || !IsStatus(err, 429) {
		t.Fatalf("err = %v, want a give-up naming the 30s default and wrapping the 429", err)
	}
	if len(s.Got()) != 0 || count(f.seen(), "GET "+extPath) != 1 {
		t.Fatalf("waited %v and sent %d requests; want no wait and one request", s.Got(), count(f.seen(), "GET "+extPath))
	}
	f.handle("GET", extPath, script([]int{429}, nil, extOK))
	p := testPolicy(s)
	p.MaxRetryAfter = time.Minute
	// The sleeper does not sleep; the deadline only has to lie past 30s.
	long, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.Extension(WithRetryPolicy(long, p)); err != nil {
		t.Fatalf("Extension after a 429 with a policy that waits 60s: %v", err)
	}
	if got := s.Got(); len(got) != 1 || got[0] != 30*time.Second {
		t.Fatalf("waits = %v, want the default 30s", got)
	}
}

// Issue 6: "never retry a non-idempotent request blindly": a POST that got
// a 5xx is not sent again by Send; it gives up saying the outcome is unknown.
func TestNonIdempotentNotRetriedBlindly(t *testing.T) {
	f := newFakePlatform(t)
	path := "/restapi/v1.0/account/~/telephony/sessions/s-1/parties/p-1-1/park"
	f.handle("POST", path, script([]int{503}, nil, extOK))
	s := &retrytest.Sleeper{}
	c, ctx := loggedIn(t, f, s)
	err := c.Send(ctx, "POST", path, nil, nil)
	if !IsOutcomeUnknown(err) || !strings.Contains(err.Error(), "not idempotent") || count(f.seen(), "POST "+path) != 1 {
		t.Fatalf("err = %v after %d requests; want one request and an outcome-unknown give-up", err, count(f.seen(), "POST "+path))
	}
}

const (
	legA = "/restapi/v1.0/account/~/telephony/sessions/s-a39d666edaab42fdaa476135027819bc/parties/p-a39d666edaab42fdaa476135027819bc-2"
)

var (
	customerLeg = Leg{SessionID: "s-a39d666edaab42fdaa476135027819bc", PartyID: "p-a39d666edaab42fdaa476135027819bc-2"}
	consultLeg  = Leg{SessionID: "s-b49d666edaab42fdaa476135027819bc", PartyID: "p-b49d666edaab42fdaa476135027819bc-1"}
)

func partyIs(code, reason string) func(w http.ResponseWriter, r *http.Request, _ []byte) {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeJSON(w, 200, map[string]any{"id": customerLeg.PartyID, "status": map[string]any{"code": code, "reason": reason}})
	}
}

// Issue 6 design note: a bridge whose answer was lost is reconciled by
// reading the operator's party: Gone/AttendedTransfer means it happened,
// and it is not sent again.
func TestBridgeLostAnswerThatHappenedIsNotResent(t *testing.T) {
	f := newFakePlatform(t)
	f.handle("POST", legA+"/bridge", script([]int{0}, nil, extOK))
	f.handle("GET", legA, partyIs(StatusGone, ReasonAttendedTransfer))
	s := &retrytest.Sleeper{}
	c, ctx := loggedIn(t, f, s)
	p, err := c.Bridge(ctx, customerLeg, consultLeg)
	if err != nil || p.Status.Code != StatusGone {
		t.Fatalf("Bridge = %+v, %v; want the party as read, Gone", p, err)
	}
	if n := count(f.seen(), "POST "+legA+"/bridge"); n != 1 {
		t.Fatalf("bridge sent %d times, want once", n)
	}
}

// The other half: the party still reads Hold, so the bridge did not
// happen and is sent again; a party that reads anything else ends in a
// give-up that names its state.
func TestBridgeLostAnswerThatDidNotHappenIsResent(t *testing.T) {
	f := newFakePlatform(t)
	f.handle("POST", legA+"/bridge", script([]int{503}, nil, func(w http.ResponseWriter) {
		writeJSON(w, 200, map[string]any{"id": customerLeg.PartyID, "status": map[string]any{"code": StatusGone, "reason": ReasonAttendedTransfer}})
	}))
	f.handle("GET", legA, partyIs(StatusHold, ""))
	s := &retrytest.Sleeper{}
	c, ctx := loggedIn(t, f, s)
	if _, err := c.Bridge(ctx, customerLeg, consultLeg); err != nil {
		t.Fatal(err)
	}
	if n := count(f.seen(), "POST "+legA+"/bridge"); n != 2 {
		t.Fatalf("bridge sent %d times, want twice (after reading the party Hold)", n)
	}

	f.handle("POST", legA+"/bridge", script([]int{503}, nil, extOK))
	f.handle("GET", legA, partyIs(StatusDisconnected, ""))
	_, err := c.Bridge(ctx, customerLeg, consultLeg)
	if err == nil || !strings.Contains(err.Error(), "did not happen and cannot be sent again") {
		t.Fatalf("err = %v, want a give-up naming the party's state", err)
	}
}

// A call-out whose answer was lost is found through presence: one new
// Outbound call means it was placed.
func TestCallOutLostAnswerFoundInPresence(t *testing.T) {
	f := newFakePlatform(t)
	f.handle("POST", "/restapi/v1.0/account/~/telephony/call-out", script([]int{0}, nil, extOK))
	f.handle("GET", "/restapi/v1.0/account/~/extension/~/presence", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.URL.Query().Get("detailedTelephonyState") != "true" {
			t.Errorf("presence read without detailedTelephonyState: %s", r.URL.RawQuery)
		}
		writeJSON(w, 200, map[string]any{"activeCalls": []map[string]any{
			{"direction": "Inbound", "telephonySessionId": customerLeg.SessionID},
			{"direction": "Outbound", "telephonySessionId": consultLeg.SessionID, "partyId": consultLeg.PartyID},
		}})
	})
	f.handle("GET", "/restapi/v1.0/account/~/telephony/sessions/"+consultLeg.SessionID, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeJSON(w, 200, map[string]any{"id": consultLeg.SessionID, "parties": []map[string]any{{"id": consultLeg.PartyID}}})
	})
	s := &retrytest.Sleeper{}
	c, ctx := loggedIn(t, f, s)
	sess, err := c.callOut(ctx, Caller{DeviceID: "801536579005"}, Callee{ExtensionNumber: "103"}, func(id string) bool { return id == customerLeg.SessionID })
	if err != nil || sess.ID != consultLeg.SessionID {
		t.Fatalf("callOut = %+v, %v; want the session found in presence", sess, err)
	}
	if n := count(f.seen(), "POST /restapi/v1.0/account/~/telephony/call-out"); n != 1 {
		t.Fatalf("call-out sent %d times, want once", n)
	}
}
