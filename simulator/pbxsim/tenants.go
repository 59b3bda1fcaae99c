package pbxsim

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/control"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// provisioner adds and removes tenant sets at runtime for the control API
// (control.Provisioner, issue 12 item 1): the core directory first, then
// each dialect's directory; removal goes the other way, so sockets and
// subscriptions close before the calls end.
type provisioner struct {
	mu  sync.Mutex // one change at a time
	sim *simulator.Sim
	ds  []served
}

func newProvisioner(sim *simulator.Sim, ds []served) *provisioner {
	return &provisioner{sim: sim, ds: ds}
}

func refused(code simulator.ErrorCode, format string, args ...any) error {
	return &simulator.Error{Code: code, Subject: "tenant", Message: fmt.Sprintf(format, args...)}
}

func (p *provisioner) dialect(name string) Dialect {
	for _, s := range p.ds {
		if s.name == name {
			return s.d
		}
	}
	return nil
}

func (p *provisioner) AddTenants(sc *scenario.Scenario) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, k := range sc.SectionKeys() {
		if p.dialect(k) == nil {
			return refused(simulator.ErrInvalid, "%s: this pbxsim does not serve %s (its scenario has no %s section)", k, k, k)
		}
	}
	if err := sc.Apply(p.sim); err != nil {
		p.removeCore(sc)
		return err
	}
	var added []string
	for _, k := range sc.SectionKeys() {
		if err := p.dialect(k).AddTenants(sc.Section(k)); err != nil {
			for i := len(added) - 1; i >= 0; i-- {
				p.dialect(added[i]).RemoveTenants(sc.Section(added[i]))
			}
			p.removeCore(sc)
			return refused(simulator.ErrInvalid, "%v", err)
		}
		added = append(added, k)
	}
	return nil
}

func (p *provisioner) RemoveTenants(sc *scenario.Scenario) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, k := range sc.SectionKeys() {
		if d := p.dialect(k); d != nil {
			d.RemoveTenants(sc.Section(k))
		}
	}
	p.removeCore(sc)
}

// removeCore removes the set's tenants from the core; tenants it never
// added are skipped.
func (p *provisioner) removeCore(sc *scenario.Scenario) {
	for _, id := range sc.TenantIDs() {
		_ = p.sim.RemoveTenant(id)
	}
}

// SetRateLimits hands PUT /tenants/{id}/ratelimits to the dialect with
// rate limits.
func (p *provisioner) SetRateLimits(set *scenario.Scenario, setID string, body json.RawMessage) (any, error) {
	for _, s := range p.ds {
		if rl, ok := s.d.(RateLimiter); ok {
			return rl.TenantRateLimits(set, setID, body)
		}
	}
	return nil, refused(simulator.ErrInvalid, "this pbxsim serves no dialect with rate limits")
}

var _ control.Provisioner = (*provisioner)(nil)

func maxTenants(n int) int {
	switch {
	case n == 0:
		return control.DefaultMaxTenants
	case n < 0:
		return 0
	}
	return n
}
