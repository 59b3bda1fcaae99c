package netsapiens

import (
	"context"
	"net/http"
	"time"

	"github.com/xfer-conform/xfer-conform/client/internal/retry"
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

// shared is the part of p the shared retry mechanism reads.
func (p RetryPolicy) shared() retry.Policy {
	return retry.Policy{MaxAttempts: p.MaxAttempts, BaseBackoff: p.BaseBackoff, MaxBackoff: p.MaxBackoff,
		MaxRetryAfter: p.MaxRetryAfter, AttemptTimeout: p.AttemptTimeout, Jitter: p.Jitter, Sleep: p.Sleep}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	s := p.shared().WithDefaults()
	p.MaxAttempts, p.BaseBackoff, p.MaxBackoff, p.MaxRetryAfter = s.MaxAttempts, s.BaseBackoff, s.MaxBackoff, s.MaxRetryAfter
	p.AttemptTimeout, p.Jitter, p.Sleep = s.AttemptTimeout, s.Jitter, s.Sleep
	if p.Resends == 0 {
		p.Resends = 1
	}
	if p.Resends < 0 {
		p.Resends = 0
	}
	return p
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

// vendor names NetSapiens to the shared retry mechanism: its messages
// start "netsapiens: ".
type vendor struct{}

func (vendor) Name() string { return "netsapiens" }

// Attempt is one try of a request and what came of it: Status (0 when
// nothing came back), Err (the *Error refusal or the transport error) and
// Waited (the pause taken before it).
type Attempt = retry.Attempt[vendor]

// GiveUpError is the client giving up on an operation: Op, the request
// ("PATCH /domains/TEST/users/1000/calls/x/hold") or the flow step ("hold
// the original call"); every attempt; the Reason it stopped; and whether
// the OutcomeUnknown. Unwrap gives the last attempt's error, so the
// switch's answer is still seen through it.
type GiveUpError = retry.GiveUpError[vendor]

// IsOutcomeUnknown tells whether err says a request may or may not have
// taken effect (read state before sending it again).
func IsOutcomeUnknown(err error) bool { return retry.IsOutcomeUnknown[vendor](err) }

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
	var ex exchange
	_, err := retry.Do[vendor](ctx, c.policy(ctx).shared(), retry.Request{
		Method: method, Path: path, Idempotent: idempotent(method, path),
		DefaultRetryAfter: defaultRetryAfter429, Now: c.now,
		Refusal: func(status int, body []byte) error { return decodeError(method, path, status, body) },
	}, func(ctx context.Context) (retry.Answer, error) {
		var err error
		ex, err = try(ctx)
		return retry.Answer{Status: ex.status, Header: ex.header, Body: ex.body}, err
	})
	return ex, err
}
