package netsapiens

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says how hard the client tries before it gives up. The NS
// API documents no 429 and no 5xx (reference netsapiens.md §5); the rules
// are the ones any HTTP client owes a server (docs/resilience.md):
//
//   - 429 is retried for every request after its Retry-After (a refused
//     request was not processed), when Retry-After is within MaxRetryAfter
//     and the context's deadline.
//   - 5xx, a dropped connection and an attempt time-out are retried with
//     bounded, jittered backoff for idempotent requests only (GET, PUT,
//     DELETE, and POST /tokens). For the writes (PATCH hold, unhold,
//     answer, transfer; POST make-call) the outcome is unknown: the client
//     gives up at once with a *GiveUpError whose OutcomeUnknown is true,
//     and the WarmTransfer reads calls to learn whether it happened before
//     it sends it again.
//   - After a 202 the WarmTransfer reads for the change for AcceptedWait;
//     a change that does not show is sent again up to Resends times
//     (reading first that nothing moved), then given up on.
//   - The context's deadline always wins.
//
// The zero value means the defaults below.
type RetryPolicy struct {
	// MaxAttempts bounds the tries of one request, the first included;
	// default 4.
	MaxAttempts int
	// BaseBackoff is the pause before the first retry; it doubles up to
	// MaxBackoff. Defaults 200ms and 5s.
	BaseBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits out;
	// longer ones end in a *GiveUpError. Default 60s.
	MaxRetryAfter time.Duration
	// AcceptedWait is how long the WarmTransfer reads for the change a
	// write caused (after its 202, or after a lost answer) before it
	// counts the write as lost; default the PollPolicy's Timeout.
	AcceptedWait time.Duration
	// Resends bounds how often the WarmTransfer sends a write again after
	// it was lost; default 1. Negative means never.
	Resends int
	// AttemptTimeout bounds one attempt; default 20s.
	AttemptTimeout time.Duration
	// Jitter returns a number in [0, 1) that spreads backoffs; default
	// math/rand. Tests fix it.
	Jitter func() float64
	// Sleep waits d or until ctx ends; default a timer. Tests record the
	// waits instead of sleeping.
	Sleep func(ctx context.Context, d time.Duration) error
}

// defaultRetryAfter429 is the wait after a 429 without Retry-After; the
// NS API documents none, so one second.
const defaultRetryAfter429 = time.Second

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.BaseBackoff <= 0 {
		p.BaseBackoff = 200 * time.Millisecond
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = 5 * time.Second
	}
	if p.MaxBackoff < p.BaseBackoff {
		p.MaxBackoff = p.BaseBackoff
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = time.Minute
	}
	if p.AttemptTimeout <= 0 {
		p.AttemptTimeout = 20 * time.Second
	}
	if p.Jitter == nil {
		p.Jitter = rand.Float64
	}
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	if p.Resends == 0 {
		p.Resends = 1
	}
	if p.Resends < 0 {
		p.Resends = 0
	}
	return p
}

// backoff is the pause before retry n (1-based): half of the doubled base
// plus a jittered half ("equal jitter"), so retries of many clients spread
// out but never come back sooner than half the schedule.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.BaseBackoff
	for i := 1; i < n && d < p.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, p.MaxBackoff)
	return d/2 + time.Duration(p.Jitter()*float64(d/2))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

type policyKey struct{}

// WithRetryPolicy returns a context whose requests follow p instead of the
// client's Config.Retry: for one urgent operation, or a spec that wants
// short waits.
func WithRetryPolicy(ctx context.Context, p RetryPolicy) context.Context {
	return context.WithValue(ctx, policyKey{}, p)
}

func (c *Client) policy(ctx context.Context) RetryPolicy {
	if p, ok := ctx.Value(policyKey{}).(RetryPolicy); ok {
		return p.withDefaults()
	}
	return c.retry.withDefaults()
}

// Attempt is one try of a request and what came of it.
type Attempt struct {
	// Status is the HTTP status answered; 0 when nothing came back.
	Status int
	// Err is the refusal (*APIError) or the transport error.
	Err error
	// Waited is the pause taken before this attempt.
	Waited time.Duration
}

func (a Attempt) String() string {
	var b strings.Builder
	if a.Waited > 0 {
		fmt.Fprintf(&b, "after %s: ", a.Waited.Round(time.Millisecond))
	}
	switch {
	case a.Err == nil && a.Status != 0:
		fmt.Fprintf(&b, "%d", a.Status)
	case a.Err == nil:
		b.WriteString("ok")
	default:
		b.WriteString(strings.TrimPrefix(a.Err.Error(), "netsapiens: "))
	}
	return b.String()
}

// GiveUpError is the client giving up on an operation: what it was, every
// attempt, and why it stopped. Unwrap gives the last attempt's error, so
// IsStatus and errors.As(*APIError) still see the platform's answer.
type GiveUpError struct {
	// Op is the request ("PATCH /domains/TEST/users/1000/calls/x/hold") or
	// the flow step ("hold the original call").
	Op       string
	Attempts []Attempt
	// Reason says why the client stopped.
	Reason string
	// OutcomeUnknown says the last attempt may or may not have taken
	// effect: a non-idempotent request got a 5xx or no answer.
	OutcomeUnknown bool
}

func (e *GiveUpError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "netsapiens: gave up on %s: %s; %d attempt(s):", e.Op, e.Reason, len(e.Attempts))
	for i, a := range e.Attempts {
		fmt.Fprintf(&b, " #%d %s;", i+1, a)
	}
	return strings.TrimSuffix(b.String(), ";")
}

// Unwrap is the last attempt's error.
func (e *GiveUpError) Unwrap() error {
	for i := len(e.Attempts) - 1; i >= 0; i-- {
		if e.Attempts[i].Err != nil {
			return e.Attempts[i].Err
		}
	}
	return nil
}

// IsOutcomeUnknown tells whether err says a request may or may not have
// taken effect (read state before sending it again).
func IsOutcomeUnknown(err error) bool {
	var g *GiveUpError
	return errors.As(err, &g) && g.OutcomeUnknown
}

// idempotent says whether sending a request twice is as good as once.
// A token grant only mints another token.
func idempotent(method, path string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	case http.MethodPost:
		return path == "/tokens"
	}
	return false
}

// retryableStatus says a status may go away on its own.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter reads a Retry-After header in seconds (an HTTP date is
// accepted too).
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// exchange is one attempt's answer.
type exchange struct {
	status int
	header http.Header
	body   []byte
}

// retrying runs one request under the policy. try sends one attempt; a
// non-nil error is a transport failure (no answer). It returns the first
// answer that is neither retryable nor given up on.
func (c *Client) retrying(ctx context.Context, method, path string, try func(ctx context.Context) (exchange, error)) (exchange, error) {
	p := c.policy(ctx)
	op := method + " " + path
	safe := idempotent(method, path)
	var attempts []Attempt
	var waited time.Duration
	for n := 1; ; n++ {
		actx, cancel := context.WithTimeout(ctx, p.AttemptTimeout)
		ex, err := try(actx)
		timedOut := err != nil && actx.Err() != nil && ctx.Err() == nil
		cancel()
		a := Attempt{Status: ex.status, Err: err, Waited: waited}
		if err == nil && (ex.status < 200 || ex.status > 299) {
			a.Err = decodeError(method, path, ex.status, ex.body)
		}
		if timedOut {
			a.Err = fmt.Errorf("netsapiens: %s: no answer within the attempt time-out %s", op, p.AttemptTimeout)
		}
		if ctx.Err() != nil {
			attempts = append(attempts, a)
			return ex, &GiveUpError{Op: op, Attempts: attempts, Reason: "the context ended (" + ctx.Err().Error() + ")", OutcomeUnknown: !safe && err != nil}
		}
		if err == nil && !retryableStatus(ex.status) {
			return ex, nil
		}
		attempts = append(attempts, a)
		if err != nil || ex.status != http.StatusTooManyRequests {
			if !safe {
				what := "no answer"
				if err == nil {
					what = fmt.Sprintf("a %d", ex.status)
				}
				return ex, &GiveUpError{Op: op, Attempts: attempts, OutcomeUnknown: true,
					Reason: what + " to a request that is not idempotent: it may or may not have taken effect; read state before sending it again"}
			}
		}
		if n >= p.MaxAttempts {
			return ex, &GiveUpError{Op: op, Attempts: attempts, Reason: fmt.Sprintf("%d attempts, the most the policy allows", n)}
		}
		wait := p.backoff(n)
		if err == nil {
			if ra, ok := retryAfter(ex.header, c.now()); ok {
				wait = ra
			} else if ex.status == http.StatusTooManyRequests {
				wait = defaultRetryAfter429
			}
			if wait > p.MaxRetryAfter {
				return ex, &GiveUpError{Op: op, Attempts: attempts,
					Reason: fmt.Sprintf("Retry-After %s is longer than the longest wait allowed (%s)", wait, p.MaxRetryAfter)}
			}
		}
		if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
			return ex, &GiveUpError{Op: op, Attempts: attempts,
				Reason: fmt.Sprintf("the next try is due in %s, after the deadline", wait.Round(time.Millisecond))}
		}
		if err := p.Sleep(ctx, wait); err != nil {
			return ex, &GiveUpError{Op: op, Attempts: attempts, Reason: "the context ended while waiting to retry (" + err.Error() + ")"}
		}
		waited = wait
	}
}
