package pbxsim

import (
	"fmt"
	"sync"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/control"
	"github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// provisioner adds and removes tenant sets at runtime for the control API
// (control.Provisioner, issue 12 item 1): the core directory first, then
// each dialect's directory; removal goes the other way, so sockets and
// subscriptions close before the calls end.
type provisioner struct {
	mu  sync.Mutex // one change at a time
	sim *simulator.Sim
	rc  *ringcentral.Dialect
	ns  *netsapiens.Dialect
}

func newProvisioner(sim *simulator.Sim, ds []dialect) *provisioner {
	p := &provisioner{sim: sim}
	for _, d := range ds {
		switch d := d.(type) {
		case *ringcentral.Dialect:
			p.rc = d
		case *netsapiens.Dialect:
			p.ns = d
		}
	}
	return p
}

func refused(code simulator.ErrorCode, format string, args ...any) error {
	return &simulator.Error{Code: code, Subject: "tenant", Message: fmt.Sprintf(format, args...)}
}

func (p *provisioner) AddTenants(sc *scenario.Scenario) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if sc.RingCentral != nil && p.rc == nil {
		return refused(simulator.ErrInvalid, "ringcentral: this pbxsim serves no RingCentral (its scenario has no ringcentral section)")
	}
	if sc.NetSapiens != nil && p.ns == nil {
		return refused(simulator.ErrInvalid, "netsapiens: this pbxsim serves no NetSapiens (its scenario has no netsapiens section)")
	}
	if err := sc.Apply(p.sim); err != nil {
		p.removeCore(sc)
		return err
	}
	if sc.RingCentral != nil {
		if err := p.rc.AddAccounts(sc.RingCentral); err != nil {
			p.removeCore(sc)
			return refused(simulator.ErrInvalid, "%v", err)
		}
	}
	if sc.NetSapiens != nil {
		if err := p.ns.AddDomains(sc.NetSapiens); err != nil {
			if sc.RingCentral != nil {
				p.rc.RemoveAccounts(sc.RingCentral)
			}
			p.removeCore(sc)
			return refused(simulator.ErrInvalid, "%v", err)
		}
	}
	return nil
}

func (p *provisioner) RemoveTenants(sc *scenario.Scenario) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if sc.RingCentral != nil && p.rc != nil {
		p.rc.RemoveAccounts(sc.RingCentral)
	}
	if sc.NetSapiens != nil && p.ns != nil {
		p.ns.RemoveDomains(sc.NetSapiens)
	}
	p.removeCore(sc)
}

// removeCore removes the set's tenants from the core; tenants it never
// added are skipped.
func (p *provisioner) removeCore(sc *scenario.Scenario) {
	if rc := sc.RingCentral; rc != nil {
		for _, a := range rc.Accounts {
			_ = p.sim.RemoveTenant(a.ID)
		}
	}
	if ns := sc.NetSapiens; ns != nil {
		for _, d := range ns.Domains {
			_ = p.sim.RemoveTenant(d.Name)
		}
	}
}

func (p *provisioner) SetRateLimits(accountID string, profile *scenario.RCRateLimits) error {
	if p.rc == nil {
		return refused(simulator.ErrInvalid, "this pbxsim serves no RingCentral")
	}
	if err := p.rc.SetRateLimits(accountID, profile); err != nil {
		return refused(simulator.ErrNotFound, "%v", err)
	}
	return nil
}

func maxTenants(n int) int {
	switch {
	case n == 0:
		return control.DefaultMaxTenants
	case n < 0:
		return 0
	}
	return n
}
