// Package retrytest helps test code that retries through
// client/internal/retry: a Sleeper records the waits a policy asks for
// instead of sleeping, so retry tests are deterministic and instant.
//
//	s := &retrytest.Sleeper{}
//	p := retry.Policy{Sleep: s.Sleep}
//	... // run requests under p
//	if got := s.Got(); ...
package retrytest

import (
	"context"
	"sync"
	"time"
)

// Sleeper records waits; safe for concurrent use.
type Sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

// Sleep records d and returns at once: ctx's error if it has ended.
func (s *Sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

// Got is a copy of the waits recorded so far, in order.
func (s *Sleeper) Got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}
