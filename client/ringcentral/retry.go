package ringcentral

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/client/internal/retry"
)

// RetryPolicy says how hard the client tries before it gives up. The
// rules (docs/resilience.md):
//
//   - 429 is retried for every request after its Retry-After (the platform
//     refused it unprocessed, reference ringcentral.md §3.3), but only when
//     Retry-After is within MaxRetryAfter and the context's deadline;
//     nothing is sent during the wait, so a penalty is never restarted.
//   - 5xx, a dropped connection and an attempt time-out are retried with
//     bounded, jittered backoff for idempotent requests only (GET, PUT,
//     DELETE, and the token and wstoken grants). For any other request the
//     outcome is unknown: the client gives up at once with a *GiveUpError
//     whose OutcomeUnknown is true, and the flows (HoldSafely, BridgeSafely,
//     CallOutSafely, the WarmTransfer) read state to learn whether it
//     happened before they send it again.
//   - The context's deadline always wins.
//
// The zero value means the defaults below. The fields are those of the
// shared retry.Policy, in its order, so the one converts to the other.
type RetryPolicy struct {
	// MaxAttempts bounds the tries of one request, the first included;
	// default 4.
	MaxAttempts int
	// BaseBackoff is the pause before the first retry; it doubles up to
	// MaxBackoff. Defaults 200ms and 5s.
	BaseBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits out;
	// longer ones end in a *GiveUpError. Default 60s (RingCentral's
	// penalty interval).
	MaxRetryAfter time.Duration
	// AttemptTimeout bounds one attempt; default 20s.
	AttemptTimeout time.Duration
	// Jitter returns a number in [0, 1) that spreads backoffs; default
	// math/rand. Tests fix it.
	Jitter func() float64
	// Sleep waits d or until ctx ends; default a timer. Tests record the
	// waits instead of sleeping.
	Sleep func(ctx context.Context, d time.Duration) error
}

// defaultRetryAfter429 is the wait after a 429 without Retry-After: the
// RingCentral guide's "at least 30 seconds".
const defaultRetryAfter429 = 30 * time.Second

func (p RetryPolicy) withDefaults() RetryPolicy {
	return RetryPolicy(retry.Policy(p).WithDefaults())
}

// backoff is the pause before retry n (1-based), equal-jittered.
func (p RetryPolicy) backoff(n int) time.Duration { return retry.Policy(p).Backoff(n) }

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
	return c.cfg.Retry.withDefaults()
}

// vendor names RingCentral to the shared retry mechanism: its messages
// start "ringcentral: ".
type vendor struct{}

func (vendor) Name() string { return "ringcentral" }

// Attempt is one try of a request and what came of it: Status (0 when
// nothing came back), Err (the *APIError refusal or the transport error)
// and Waited (the pause taken before it).
type Attempt = retry.Attempt[vendor]

// GiveUpError is the client giving up on an operation: Op, the request
// ("POST /restapi/v1.0/.../bridge") or the flow step ("bridge s-1/p-1-2
// with s-2/p-2-1"); every attempt; the Reason it stopped; and whether the
// OutcomeUnknown. Unwrap gives the last attempt's error, so IsStatus and
// errors.As(*APIError) still see the platform's answer.
type GiveUpError = retry.GiveUpError[vendor]

// IsOutcomeUnknown tells whether err says a request may or may not have
// taken effect (read state before sending it again).
func IsOutcomeUnknown(err error) bool { return retry.IsOutcomeUnknown[vendor](err) }

// idempotent says whether sending a request twice is as good as once.
// Token and wstoken grants only mint another token; subscription renewal
// sets the same expiry again.
func idempotent(method, path string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	case http.MethodPost:
		return path == tokenPath || path == wsTokenPath || strings.HasSuffix(path, "/renew")
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
	_, err := retry.Do[vendor](ctx, retry.Policy(c.policy(ctx)), retry.Request{
		Method: method, Path: path, Idempotent: idempotent(method, path),
		DefaultRetryAfter: defaultRetryAfter429, Now: c.cfg.Now,
		Refusal: func(status int, body []byte) error { return decodeAPIError(method, path, status, body) },
	}, func(ctx context.Context) (retry.Answer, error) {
		var err error
		ex, err = try(ctx)
		return retry.Answer{Status: ex.status, Header: ex.header, Body: ex.body}, err
	})
	return ex, err
}
