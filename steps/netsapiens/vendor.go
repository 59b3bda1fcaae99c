package netsapiens

import (
	"context"

	"github.com/xfer-conform/xfer-conform/client/netsapiens"
	"github.com/xfer-conform/xfer-conform/steps"
)

// Name is NetSapiens' name in flags, facts, tags and journals.
const Name = "netsapiens"

func init() { steps.Register(Vendor{}) }

// Vendor is NetSapiens' plug-in to the harness (steps.Vendor).
type Vendor struct{}

// Name is "netsapiens".
func (Vendor) Name() string { return Name }

// WithRetry gives the NetSapiens reference clients the settings they
// know (steps.Retrier).
func (Vendor) WithRetry(ctx context.Context, s steps.RetrySettings) context.Context {
	return netsapiens.WithRetryPolicy(ctx, netsapiens.RetryPolicy{MaxAttempts: s.MaxAttempts, BaseBackoff: s.BaseBackoff, MaxBackoff: s.MaxBackoff,
		MaxRetryAfter: s.MaxRetryAfter, AcceptedWait: s.AcceptedWait, Resends: s.Resends, AttemptTimeout: s.AttemptTimeout, Jitter: s.Jitter})
}
