// Package retry is the request retry mechanism the reference clients
// share: the retry policy and its defaults, equal-jitter backoff,
// Retry-After parsing, the loop that decides per answer whether to retry,
// wait or give up (docs/resilience.md), and the typed record of giving up
// (*GiveUpError listing every Attempt).
//
// It owns the mechanism only. Each client says which of its requests are
// idempotent, how long to wait after a 429 without Retry-After, how to
// decode a refusal, and which clock to read; it names itself with a
// Vendor type, so the messages keep its prefix and its *GiveUpError stays
// a type of its own. One use, from a client's request path:
//
//	type vendor struct{}
//
//	func (vendor) Name() string { return "ringcentral" }
//
//	ans, err := retry.Do[vendor](ctx, policy, retry.Request{
//		Method: method, Path: path, Idempotent: method == http.MethodGet,
//		DefaultRetryAfter: 30 * time.Second, Now: time.Now, Refusal: decode,
//	}, sendOnce)
package retry

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

// Vendor names the platform a client speaks to. Name ("ringcentral")
// prefixes the messages, as every error of that client does.
type Vendor interface {
	Name() string
}

func prefix[V Vendor]() string {
	var v V
	return v.Name() + ": "
}

// Policy says how hard a client tries before it gives up. The zero value
// of a field means its default (WithDefaults).
type Policy struct {
	// MaxAttempts bounds the tries of one request, the first included;
	// default 4.
	MaxAttempts int
	// BaseBackoff is the pause before the first retry; it doubles up to
	// MaxBackoff. Defaults 200ms and 5s.
	BaseBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After waited out; longer ones end
	// in a *GiveUpError. Default 60s.
	MaxRetryAfter time.Duration
	// AttemptTimeout bounds one attempt; default 20s.
	AttemptTimeout time.Duration
	// Jitter returns a number in [0, 1) that spreads backoffs; default
	// math/rand.
	Jitter func() float64
	// Sleep waits d or until ctx ends; default a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// WithDefaults fills the unset fields of p.
func (p Policy) WithDefaults() Policy {
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
	return p
}

// Backoff is the pause before retry n (1-based): half of the doubled base
// plus a jittered half ("equal jitter"), so retries of many clients spread
// out but never come back sooner than half the schedule. p must have its
// defaults.
func (p Policy) Backoff(n int) time.Duration {
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

// Attempt is one try of a request and what came of it.
type Attempt[V Vendor] struct {
	// Status is the HTTP status answered; 0 when nothing came back.
	Status int
	// Err is the refusal (the vendor's error) or the transport error.
	Err error
	// Waited is the pause taken before this attempt.
	Waited time.Duration
}

func (a Attempt[V]) String() string {
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
		b.WriteString(strings.TrimPrefix(a.Err.Error(), prefix[V]()))
	}
	return b.String()
}

// GiveUpError is a client giving up on an operation: what it was, every
// attempt, and why it stopped. Unwrap gives the last attempt's error, so
// the vendor's error checks still see the platform's answer.
type GiveUpError[V Vendor] struct {
	// Op is the request ("METHOD path") or the flow step.
	Op       string
	Attempts []Attempt[V]
	// Reason says why the client stopped.
	Reason string
	// OutcomeUnknown says the last attempt may or may not have taken
	// effect: a non-idempotent request got a 5xx or no answer.
	OutcomeUnknown bool
}

func (e *GiveUpError[V]) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%sgave up on %s: %s; %d attempt(s):", prefix[V](), e.Op, e.Reason, len(e.Attempts))
	for i, a := range e.Attempts {
		fmt.Fprintf(&b, " #%d %s;", i+1, a)
	}
	return strings.TrimSuffix(b.String(), ";")
}

// Unwrap is the last attempt's error.
func (e *GiveUpError[V]) Unwrap() error {
	for i := len(e.Attempts) - 1; i >= 0; i-- {
		if e.Attempts[i].Err != nil {
			return e.Attempts[i].Err
		}
	}
	return nil
}

// IsOutcomeUnknown tells whether err says a request of V's client may or
// may not have taken effect (read state before sending it again).
func IsOutcomeUnknown[V Vendor](err error) bool {
	var g *GiveUpError[V]
	return errors.As(err, &g) && g.OutcomeUnknown
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

// retryAfter reads a Retry-After header in seconds (what both vendors
// send); an HTTP date is accepted too.
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

// Answer is one attempt's answer.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Request is what the loop must know about one request beyond its policy.
type Request struct {
	Method, Path string
	// Idempotent says sending it twice is as good as once; only then are a
	// 5xx, a dropped connection and an attempt time-out retried.
	Idempotent bool
	// DefaultRetryAfter is the wait after a 429 without Retry-After.
	DefaultRetryAfter time.Duration
	// Now is the clock a Retry-After date is read against.
	Now func() time.Time
	// Refusal decodes a non-2xx answer into the vendor's error.
	Refusal func(status int, body []byte) error
}

// op names the request in errors; built only when one is, since most
// requests succeed at once.
func (r Request) op() string { return r.Method + " " + r.Path }

// attemptContext bounds one attempt by d. When ctx ends first anyway (a
// flow's deadline sooner than the attempt time-out), the attempt runs
// under ctx itself: a context of its own would end at the same moment,
// and cost a context, a cancel registration and a timer per request.
func attemptContext(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if end, ok := ctx.Deadline(); ok && !time.Now().Add(d).Before(end) {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}

// Do runs one request under policy p. try sends one attempt; a non-nil
// error is a transport failure (no answer). Do returns the first answer
// that is neither retryable nor given up on; giving up is a
// *GiveUpError[V] along with the last answer.
func Do[V Vendor](ctx context.Context, p Policy, r Request, try func(ctx context.Context) (Answer, error)) (Answer, error) {
	p = p.WithDefaults()
	safe := r.Idempotent
	var attempts []Attempt[V]
	var waited time.Duration
	for n := 1; ; n++ {
		actx, cancel := attemptContext(ctx, p.AttemptTimeout)
		ans, err := try(actx)
		timedOut := err != nil && actx.Err() != nil && ctx.Err() == nil
		cancel()
		a := Attempt[V]{Status: ans.Status, Err: err, Waited: waited}
		if err == nil && (ans.Status < 200 || ans.Status > 299) {
			a.Err = r.Refusal(ans.Status, ans.Body)
		}
		if timedOut {
			a.Err = fmt.Errorf("%s%s: no answer within the attempt time-out %s", prefix[V](), r.op(), p.AttemptTimeout)
		}
		if ctx.Err() != nil {
			attempts = append(attempts, a)
			return ans, &GiveUpError[V]{Op: r.op(), Attempts: attempts, Reason: "the context ended (" + ctx.Err().Error() + ")", OutcomeUnknown: !safe && err != nil}
		}
		if err == nil && !retryableStatus(ans.Status) {
			return ans, nil
		}
		attempts = append(attempts, a)
		if err != nil || ans.Status != http.StatusTooManyRequests {
			if !safe {
				what := "no answer"
				if err == nil {
					what = fmt.Sprintf("a %d", ans.Status)
				}
				return ans, &GiveUpError[V]{Op: r.op(), Attempts: attempts, OutcomeUnknown: true,
					Reason: what + " to a request that is not idempotent: it may or may not have taken effect; read state before sending it again"}
			}
		}
		if n >= p.MaxAttempts {
			return ans, &GiveUpError[V]{Op: r.op(), Attempts: attempts, Reason: fmt.Sprintf("%d attempts, the most the policy allows", n)}
		}
		wait := p.Backoff(n)
		if err == nil {
			if ra, ok := retryAfter(ans.Header, r.Now()); ok {
				wait = ra
			} else if ans.Status == http.StatusTooManyRequests {
				wait = r.DefaultRetryAfter
			}
			if wait > p.MaxRetryAfter {
				return ans, &GiveUpError[V]{Op: r.op(), Attempts: attempts,
					Reason: fmt.Sprintf("Retry-After %s is longer than the longest wait allowed (%s)", wait, p.MaxRetryAfter)}
			}
		}
		if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
			return ans, &GiveUpError[V]{Op: r.op(), Attempts: attempts,
				Reason: fmt.Sprintf("the next try is due in %s, after the deadline", wait.Round(time.Millisecond))}
		}
		if err := p.Sleep(ctx, wait); err != nil {
			return ans, &GiveUpError[V]{Op: r.op(), Attempts: attempts, Reason: "the context ended while waiting to retry (" + err.Error() + ")"}
		}
		waited = wait
	}
}
