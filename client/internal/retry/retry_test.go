package retry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/client/internal/retry/retrytest"
)

// acme is the vendor of these tests; other proves the vendors' errors stay
// apart.
type acme struct{}

func (acme) Name() string { return "acme" }

type other struct{}

func (other) Name() string { return "other" }

// refusal stands for a vendor's decoded error answer.
type refusal struct{ status int }

func (e *refusal) Error() string { return fmt.Sprintf("acme: %d injected", e.status) }

func testPolicy(s *retrytest.Sleeper) Policy {
	return Policy{MaxAttempts: 3, BaseBackoff: 100 * time.Millisecond, MaxBackoff: time.Second,
		MaxRetryAfter: 10 * time.Second, Jitter: func() float64 { return 0.5 }, Sleep: s.Sleep}
}

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func get(path string) Request {
	return Request{Method: http.MethodGet, Path: path, Idempotent: true, DefaultRetryAfter: 30 * time.Second,
		Now:     func() time.Time { return epoch },
		Refusal: func(status int, _ []byte) error { return &refusal{status} }}
}

// script answers from a list of statuses (0: the connection dropped, no
// answer), then 200; a 429 carries header. It counts what was sent.
type script struct {
	statuses []int
	header   http.Header
	sent     int
}

func (s *script) try(context.Context) (Answer, error) {
	i := s.sent
	s.sent++
	if i >= len(s.statuses) {
		return Answer{Status: 200}, nil
	}
	if s.statuses[i] == 0 {
		return Answer{}, errors.New("acme: GET /x: connection reset by peer (injected)")
	}
	a := Answer{Status: s.statuses[i]}
	if a.Status == http.StatusTooManyRequests {
		a.Header = s.header
	}
	return a, nil
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Issue 6: "Retry 429 after Retry-After"; a platform answers a request
// over its rate limit 429 with Retry-After in seconds and did not process
// it (reference ringcentral.md §3.3), so any request may be retried once
// the wait is over, and none is sent during it.
func TestRetry429AfterRetryAfter(t *testing.T) {
	s := &retrytest.Sleeper{}
	sc := &script{statuses: []int{429}, header: http.Header{"Retry-After": {"3"}}}
	if _, err := Do[acme](ctxFor(t), testPolicy(s), get("/x"), sc.try); err != nil {
		t.Fatalf("after one 429: %v", err)
	}
	if got := s.Got(); len(got) != 1 || got[0] != 3*time.Second {
		t.Fatalf("waits = %v, want exactly the Retry-After 3s", got)
	}
	if sc.sent != 2 {
		t.Fatalf("sent %d requests, want 2", sc.sent)
	}
}

// Issue 6 (docs/resilience.md): a 429 without Retry-After waits the
// vendor's default, which the client gives in the Request.
func TestRetry429WithoutRetryAfterWaitsTheVendorDefault(t *testing.T) {
	s := &retrytest.Sleeper{}
	sc := &script{statuses: []int{429}}
	r := get("/x")
	r.DefaultRetryAfter = 2 * time.Second
	if _, err := Do[acme](ctxFor(t), testPolicy(s), r, sc.try); err != nil {
		t.Fatalf("after one 429: %v", err)
	}
	if got := s.Got(); len(got) != 1 || got[0] != 2*time.Second {
		t.Fatalf("waits = %v, want the default 2s", got)
	}
}

// RFC 9110 §10.2.3: Retry-After is delay-seconds or an HTTP date; a date
// is read against the client's clock, and one in the past means now.
func TestRetryAfterAcceptsAnHTTPDate(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{epoch.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{epoch.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"soon", 0, false},
	} {
		got, ok := retryAfter(http.Header{"Retry-After": {tc.header}}, epoch)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %s, %v; want %s, %v", tc.header, got, ok, tc.want, tc.ok)
		}
	}
}

// Issue 6: a Retry-After longer than the client may wait is a typed
// give-up that says so, with nothing sent again.
func TestRetryAfterBeyondMaxWaitGivesUp(t *testing.T) {
	s := &retrytest.Sleeper{}
	sc := &script{statuses: []int{429, 429}, header: http.Header{"Retry-After": {"60"}}}
	_, err := Do[acme](ctxFor(t), testPolicy(s), get("/x"), sc.try)
	var g *GiveUpError[acme]
	var r *refusal
	if !errors.As(err, &g) || !strings.Contains(err.Error(), "Retry-After 1m0s is longer than the longest wait allowed (10s)") || !errors.As(err, &r) || r.status != 429 {
		t.Fatalf("err = %v, want a give-up naming the Retry-After and wrapping the 429", err)
	}
	if len(s.Got()) != 0 || sc.sent != 1 {
		t.Fatalf("waited %v and sent %d requests; want no wait and one request", s.Got(), sc.sent)
	}
}

// Issue 6: idempotent requests are retried on 5xx and dropped connections
// with bounded backoff; the give-up lists every attempt.
func TestIdempotentRetriedOn5xxAndDropsThenGivesUp(t *testing.T) {
	s := &retrytest.Sleeper{}
	ctx := ctxFor(t)
	if _, err := Do[acme](ctx, testPolicy(s), get("/x"), (&script{statuses: []int{503, 500}}).try); err != nil {
		t.Fatalf("after a 503 and a 500: %v", err)
	}
	// Equal jitter at 0.5: 100ms → 75ms, 200ms → 150ms.
	if got := s.Got(); len(got) != 2 || got[0] != 75*time.Millisecond || got[1] != 150*time.Millisecond {
		t.Fatalf("backoffs = %v, want [75ms 150ms]", got)
	}
	if _, err := Do[acme](ctx, testPolicy(s), get("/x"), (&script{statuses: []int{0}}).try); err != nil {
		t.Fatalf("after a dropped connection: %v", err)
	}

	_, err := Do[acme](ctx, testPolicy(s), get("/x"), (&script{statuses: []int{503, 502, 504, 503}}).try)
	var g *GiveUpError[acme]
	var r *refusal
	if !errors.As(err, &g) || len(g.Attempts) != 3 || g.OutcomeUnknown || !errors.As(err, &r) || r.status != 504 {
		t.Fatalf("err = %#v, want a give-up after 3 attempts wrapping the last 504", err)
	}
	for _, want := range []string{"gave up on GET /x", "3 attempts, the most the policy allows", "#1 ", "#2 after", "#3 after"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("give-up message %q lacks %q", err, want)
		}
	}
}

// Issue 6, NetSapiens (reference netsapiens.md §5): reads are retried on
// 5xx and 429 (after Retry-After), with the policy's waits and nothing
// sent during them.
func TestReadsRetriedOn5xxAnd429(t *testing.T) {
	s := &retrytest.Sleeper{}
	p := Policy{MaxAttempts: 3, BaseBackoff: 10 * time.Millisecond, Jitter: func() float64 { return 0 }, Sleep: s.Sleep}
	sc := &script{statuses: []int{503, 429}, header: http.Header{"Retry-After": {"2"}}}
	if _, err := Do[acme](ctxFor(t), p, get("/calls"), sc.try); err != nil {
		t.Fatalf("after a 503 and a 429: %v", err)
	}
	// Backoff 10ms at jitter 0 → 5ms; then Retry-After 2s.
	if got := s.Got(); len(got) != 2 || got[0] != 5*time.Millisecond || got[1] != 2*time.Second {
		t.Fatalf("waits = %v, want [5ms 2s]", got)
	}
	if sc.sent != 3 {
		t.Fatalf("sent %d reads, want 3", sc.sent)
	}
}

// docs/resilience.md: backoff doubles from BaseBackoff and stops growing at
// MaxBackoff; with jitter it stays within [half, whole] of the schedule.
func TestBackoffDoublesUpToTheCap(t *testing.T) {
	p := Policy{BaseBackoff: 100 * time.Millisecond, MaxBackoff: 300 * time.Millisecond, Jitter: func() float64 { return 0 }}.WithDefaults()
	want := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 150 * time.Millisecond, 150 * time.Millisecond}
	for i, w := range want {
		if got := p.Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %s at jitter 0, want %s", i+1, got, w)
		}
	}
	p.Jitter = func() float64 { return 0.999999 }
	if got := p.Backoff(9); got < 299*time.Millisecond || got > 300*time.Millisecond {
		t.Errorf("Backoff(9) at jitter ~1 = %s, want ~300ms (the cap)", got)
	}
}

// Issue 6: "the context deadline wins": no retry is scheduled past it.
func TestDeadlineWinsOverBackoff(t *testing.T) {
	s := &retrytest.Sleeper{}
	ctx, cancel := context.WithTimeout(ctxFor(t), time.Second)
	defer cancel()
	_, err := Do[acme](ctx, testPolicy(s), get("/x"), (&script{statuses: []int{429}, header: http.Header{"Retry-After": {"5"}}}).try)
	if err == nil || !strings.Contains(err.Error(), "after the deadline") || len(s.Got()) != 0 {
		t.Fatalf("err = %v, waits %v; want a give-up before waiting past the deadline", err, s.Got())
	}
}

// Issue 6: "never retry a non-idempotent request blindly": a 5xx or no
// answer to one ends at once in a give-up whose outcome is unknown; a 429
// (refused unprocessed) is still retried.
func TestNonIdempotentNotRetriedBlindly(t *testing.T) {
	post := get("/x/park")
	post.Method, post.Idempotent = http.MethodPost, false
	for _, status := range []int{503, 0} {
		s := &retrytest.Sleeper{}
		sc := &script{statuses: []int{status}}
		_, err := Do[acme](ctxFor(t), testPolicy(s), post, sc.try)
		if !IsOutcomeUnknown[acme](err) || !strings.Contains(err.Error(), "not idempotent") || sc.sent != 1 || len(s.Got()) != 0 {
			t.Fatalf("status %d: err = %v after %d requests; want one request and an outcome-unknown give-up", status, err, sc.sent)
		}
	}
	sc := &script{statuses: []int{429}, header: http.Header{"Retry-After": {"1"}}}
	if _, err := Do[acme](ctxFor(t), testPolicy(&retrytest.Sleeper{}), post, sc.try); err != nil || sc.sent != 2 {
		t.Fatalf("429 on a POST: err = %v after %d requests; want it retried once", err, sc.sent)
	}
}

// docs/resilience.md: an attempt that outlives AttemptTimeout counts as no
// answer, so an idempotent request is tried again and the give-up says why.
func TestAttemptTimeoutIsNoAnswer(t *testing.T) {
	s := &retrytest.Sleeper{}
	p := testPolicy(s)
	p.MaxAttempts, p.AttemptTimeout = 2, time.Millisecond
	sent := 0
	hang := func(ctx context.Context) (Answer, error) {
		sent++
		<-ctx.Done()
		return Answer{}, ctx.Err()
	}
	_, err := Do[acme](ctxFor(t), p, get("/x"), hang)
	if err == nil || sent != 2 || !strings.Contains(err.Error(), "#1 GET /x: no answer within the attempt time-out 1ms") {
		t.Fatalf("err = %v after %d tries; want 2 tries, each timed out", err, sent)
	}
}

// The clients' messages keep their vendor prefix once (tests and features
// match "ringcentral: gave up on ..."), and one vendor's give-up is not
// the other's.
func TestGiveUpMessageAndVendorIdentity(t *testing.T) {
	g := &GiveUpError[acme]{Op: "GET /x", Reason: "why", OutcomeUnknown: true, Attempts: []Attempt[acme]{
		{Status: 503, Err: &refusal{503}},
		{Waited: 75 * time.Millisecond, Err: errors.New("acme: GET /x: connection reset")},
		{Status: 202},
		{},
	}}
	want := "acme: gave up on GET /x: why; 4 attempt(s): #1 503 injected; #2 after 75ms: GET /x: connection reset; #3 202; #4 ok"
	if g.Error() != want {
		t.Fatalf("Error() = %q\nwant      %q", g.Error(), want)
	}
	var err error = fmt.Errorf("step: %w", g)
	if !IsOutcomeUnknown[acme](err) || IsOutcomeUnknown[other](err) {
		t.Fatal("IsOutcomeUnknown must see acme's give-up through wrapping and only for acme")
	}
	if errors.Unwrap(g).Error() != "acme: GET /x: connection reset" {
		t.Fatalf("Unwrap = %v, want the last attempt's error", errors.Unwrap(g))
	}
}

// Rule: an attempt gets a context of its own only when the attempt
// time-out ends before the caller's context; otherwise it runs under the
// caller's, which ends first anyway. Source: issue 16 (no context, timer
// and cancel registration per request for nothing).
func TestAttemptContextOnlyWhenItEndsFirst(t *testing.T) {
	soon, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if actx, stop := attemptContext(soon, time.Hour); actx != soon {
		t.Error("an attempt under a sooner deadline got a context of its own")
	} else {
		stop()
		if soon.Err() != nil {
			t.Error("stopping the attempt ended the caller's context")
		}
	}
	for _, parent := range []context.Context{context.Background(), soon} {
		actx, stop := attemptContext(parent, time.Millisecond)
		end, ok := actx.Deadline()
		if actx == parent || !ok || time.Until(end) > time.Millisecond {
			t.Errorf("an attempt time-out sooner than the caller's (%v) was not applied", parent)
		}
		stop()
		if actx.Err() == nil {
			t.Error("stopping the attempt did not end its context")
		}
	}
}
