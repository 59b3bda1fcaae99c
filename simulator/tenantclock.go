package simulator

import (
	"sync"
	"time"
)

// Tenant clocks (issue 12 item 2): a tenant may carry its own manual
// clock, as Stripe's test clocks do, so that a scenario which moves time
// runs beside others on one pbxsim. Every timer and timestamp of the
// tenant's calls, legs, tokens and deliveries runs on it; other tenants
// and the Sim's own clock do not move when it advances.
//
// A call runs on one clock, chosen when it is created: the clock of the
// tenant it comes from (its own, or the Sim's when it has none), else (a
// call from an outside number) the clock of the tenant it goes to. So a
// call from tenant A to tenant B runs on A's clock: its ring timeout,
// answer delays, retention and event times all move with A's clock, and
// moving B's clock does not touch it.
// Outside numbers belong to no tenant.

// tenantClocks maps tenant ids to their own clocks. It has its own lock,
// so dialects read it (ClockOf) without the Sim's lock, and the core
// reads it with the Sim's lock held.
type tenantClocks struct {
	mu sync.RWMutex
	m  map[string]*ManualClock
}

// SetTenantClock gives a tenant its own manual clock; nil takes it away
// (the tenant falls back to the Sim's clock). The tenant need not exist
// yet, so a tenant set's clock is in place before its tenants are added.
// Calls already made keep the clock they were made on.
func (s *Sim) SetTenantClock(tenantID string, c *ManualClock) {
	s.tclocks.mu.Lock()
	defer s.tclocks.mu.Unlock()
	if c == nil {
		delete(s.tclocks.m, tenantID)
		return
	}
	if s.tclocks.m == nil {
		s.tclocks.m = map[string]*ManualClock{}
	}
	s.tclocks.m[tenantID] = c
}

// TenantClock returns the tenant's own clock, if it has one.
func (s *Sim) TenantClock(tenantID string) (*ManualClock, bool) {
	s.tclocks.mu.RLock()
	defer s.tclocks.mu.RUnlock()
	c, ok := s.tclocks.m[tenantID]
	return c, ok
}

// ClockOf returns the clock a tenant's timers and timestamps run on: its
// own clock, else the Sim's. An empty id (an outside number) gets the
// Sim's clock.
func (s *Sim) ClockOf(tenantID string) Clock {
	if tenantID != "" {
		if c, ok := s.TenantClock(tenantID); ok {
			return c
		}
	}
	return s.clock
}

// NowOf returns the time on the tenant's clock (ClockOf).
func (s *Sim) NowOf(tenantID string) time.Time { return s.ClockOf(tenantID).Now() }

// callClock picks the clock a new call runs on: the originating tenant's
// (its own, or the Sim's when it has none), else, for a call from an
// outside number, the called tenant's.
func (s *Sim) callClock(from, to Endpoint) Clock {
	if from.TenantID != "" {
		return s.ClockOf(from.TenantID)
	}
	return s.ClockOf(to.TenantID)
}

// clockOr returns the clock the call runs on, or def for a call made
// without one.
func (c *call) clockOr(def Clock) Clock {
	if c.clock != nil {
		return c.clock
	}
	return def
}
