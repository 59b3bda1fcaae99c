package ringcentral

import (
	"context"

	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
	"github.com/xfer-conform/xfer-conform/steps"
)

// Name is RingCentral's name in flags, facts, tags and journals.
const Name = "ringcentral"

func init() { steps.Register(Vendor{}) }

// Vendor is RingCentral's plug-in to the harness (steps.Vendor).
type Vendor struct{}

// Name is "ringcentral".
func (Vendor) Name() string { return Name }

// WithRetry gives the RingCentral reference clients the settings they
// know (steps.Retrier).
func (Vendor) WithRetry(ctx context.Context, s steps.RetrySettings) context.Context {
	return rc.WithRetryPolicy(ctx, rc.RetryPolicy{MaxAttempts: s.MaxAttempts, BaseBackoff: s.BaseBackoff, MaxBackoff: s.MaxBackoff,
		MaxRetryAfter: s.MaxRetryAfter, AttemptTimeout: s.AttemptTimeout, Jitter: s.Jitter})
}
