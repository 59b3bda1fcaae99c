package ringcentral

import (
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// RateLimits are an account's RingCentral rate limits: requests per
// window per user per app in each group. Zero fields take the profile's
// value; profile "default" (the only one, and the default) is
// RingCentral's documented defaults (reference ringcentral.md §3.3):
// Light 50, Medium 40, Heavy 10, Auth 5 per 60 s, penalty 60 s.
type RateLimits struct {
	Profile string            `yaml:"profile" json:"profile,omitempty"`
	Light   int               `yaml:"light" json:"light,omitempty"`
	Medium  int               `yaml:"medium" json:"medium,omitempty"`
	Heavy   int               `yaml:"heavy" json:"heavy,omitempty"`
	Auth    int               `yaml:"auth" json:"auth,omitempty"`
	Window  scenario.Duration `yaml:"window" json:"window,omitempty"`
	Penalty scenario.Duration `yaml:"penalty" json:"penalty,omitempty"`
}

// DefaultRateLimits is the "default" profile.
var DefaultRateLimits = RateLimits{
	Profile: "default", Light: 50, Medium: 40, Heavy: 10, Auth: 5,
	Window: scenario.Duration(60 * time.Second), Penalty: scenario.Duration(60 * time.Second),
}

// Resolved fills the zero fields from the profile.
func (l RateLimits) Resolved() RateLimits {
	d := DefaultRateLimits
	if l.Light > 0 {
		d.Light = l.Light
	}
	if l.Medium > 0 {
		d.Medium = l.Medium
	}
	if l.Heavy > 0 {
		d.Heavy = l.Heavy
	}
	if l.Auth > 0 {
		d.Auth = l.Auth
	}
	if l.Window > 0 {
		d.Window = l.Window
	}
	if l.Penalty > 0 {
		d.Penalty = l.Penalty
	}
	return d
}

func (l *RateLimits) validate(path string) error {
	bad := scenario.Bad
	if l.Profile != "" && l.Profile != "default" {
		return bad(path+".profile", "rate-limit profile must be \"default\" (RingCentral's documented limits), not %q", l.Profile)
	}
	for _, g := range []struct {
		name string
		n    int
	}{{"light", l.Light}, {"medium", l.Medium}, {"heavy", l.Heavy}, {"auth", l.Auth}} {
		if g.n < 0 || g.n > 1000000 {
			return bad(path+"."+g.name, "%s must be between 1 and 1000000 requests per window, not %d", g.name, g.n)
		}
	}
	if l.Window != 0 && l.Window.D() < time.Second {
		return bad(path+".window", "window must be at least 1s (the X-Rate-Limit-Window header counts seconds)")
	}
	if l.Penalty != 0 && l.Penalty.D() < time.Second {
		return bad(path+".penalty", "penalty must be at least 1s (Retry-After counts seconds)")
	}
	return nil
}

// CheckRateLimits validates a rate-limit profile posted on its own (PUT
// /sim/v1/tenants/{id}/ratelimits); an *scenario.Error names the field at fault.
func CheckRateLimits(l RateLimits) error {
	return scenario.CheckSection("rate limits", func() error { return l.validate("") })
}
