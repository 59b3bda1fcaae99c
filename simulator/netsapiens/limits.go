package netsapiens

import (
	"time"
)

// Subscription limits (issue 10 item 16). The NS API documents no limit on
// event subscriptions, so pbxsim's are inferred: a credential may create
// Options.SubscriptionsPerUser subscriptions and a domain hold
// Options.SubscriptionsPerDomain (docs/limits-netsapiens.md). A create over
// either limit is a 400 in the NS shape and changes nothing.

// ownerOf names the credential a subscription counts against: its user,
// or for a credential bound to no user (a domain API key) its domain.
func ownerOf(p principal) string { return p.domain + "/" + p.user }

// checkLimits refuses a new subscription over a limit; subs.mu is held.
// An expired subscription does not count, and one expired for longer than
// expiredMemory is forgotten (swept at most once per purgeEvery), so a
// client that subscribes with each short-lived token and never deletes
// is not locked out and the store does not grow.
func (s *subscriptions) checkLimits(n *subscription, now time.Time) *apiError {
	if !now.Before(s.nextSweep) {
		s.nextSweep = now.Add(purgeEvery)
		cutoff := now.Add(-expiredMemory)
		for _, o := range s.byID {
			if o.expires.Before(cutoff) {
				s.remove(o)
			}
		}
	}
	byOwner, byDomain := 0, 0
	for _, o := range s.byID {
		if !now.Before(o.expires) {
			continue
		}
		if o.owner == n.owner {
			byOwner++
		}
		if o.domain == n.domain {
			byDomain++
		}
	}
	if max := s.d.opts.SubscriptionsPerUser; byOwner >= max {
		return refuse(errInvalidRequest, "Subscription limit reached: this credential has %d subscriptions, the most pbxsim allows (delete one first)", max)
	}
	if max := s.d.opts.SubscriptionsPerDomain; byDomain >= max {
		return refuse(errInvalidRequest, "Subscription limit reached: domain %s has %d subscriptions, the most pbxsim allows (delete one first)", n.domain, max)
	}
	return nil
}

// checkDeliveryAddress refuses a post-url the egress policy does not allow
// (issue 10 item 17): loopback by default, more hosts by the scenario's
// webhookHosts or pbxsim's --webhook-host.
func (d *Dialect) checkDeliveryAddress(postURL string) *apiError {
	if err := d.egress.Check(postURL); err != nil {
		return refuse(errInvalidRequest, "post-url refused: %v", err)
	}
	return nil
}

// enable lets a disabled subscription post again (PUT error-count 0 or a
// new post-url); subs.mu is held.
func (s *subscription) enable() {
	if s.disabled {
		s.disabled = false
		s.status = "pending"
	}
	s.failures = 0
}
