package scenario

import (
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Tenant kinds used by the dialects.
const (
	KindRingCentral = "ringcentral"
	KindNetSapiens  = "netsapiens"
)

// StartAt returns where a manual clock starts.
func (sc *Scenario) StartAt() time.Time {
	if sc.StartTime != "" {
		if t, err := time.Parse(time.RFC3339, sc.StartTime); err == nil {
			return t
		}
	}
	return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
}

// Apply fills an empty Sim's directory with the scenario's tenants, users,
// devices, numbers and answer policies.
func (sc *Scenario) Apply(sim *simulator.Sim) error {
	if rc := sc.RingCentral; rc != nil {
		for _, a := range rc.Accounts {
			if err := sim.AddTenant(simulator.Tenant{ID: a.ID, Kind: KindRingCentral, Name: a.Name}); err != nil {
				return err
			}
			for _, e := range a.Extensions {
				u := simulator.User{
					TenantID: a.ID, ID: e.ID, Extension: e.Number, Name: e.Name,
					Numbers: e.PhoneNumbers, Devices: devices(e.Devices), Answer: e.Answer.policy(),
				}
				if err := sim.AddUser(u); err != nil {
					return err
				}
			}
		}
	}
	if ns := sc.NetSapiens; ns != nil {
		for _, d := range ns.Domains {
			if err := sim.AddTenant(simulator.Tenant{ID: d.Name, Kind: KindNetSapiens, Name: d.Name}); err != nil {
				return err
			}
			for _, nu := range d.Users {
				u := simulator.User{
					TenantID: d.Name, ID: nu.ID, Extension: nu.ID, Name: nu.Name,
					Numbers: nu.Numbers, Devices: devices(nu.Devices), Answer: nu.Answer.policy(),
				}
				if err := sim.AddUser(u); err != nil {
					return err
				}
			}
		}
	}
	for _, o := range sc.Outside {
		sim.AddOutside(simulator.OutsideNumber{Number: o.Number, Name: o.Name, Answer: o.Answer.policy()})
	}
	return nil
}

func devices(ds []Device) []simulator.Device {
	out := make([]simulator.Device, len(ds))
	for i, d := range ds {
		out[i] = simulator.Device{ID: d.ID, Name: d.Name, Type: d.Type}
	}
	return out
}

func (a Answer) policy() simulator.AnswerPolicy {
	m := simulator.AnswerMode(a.Mode)
	if m == "" {
		m = simulator.AnswerManual
	}
	return simulator.AnswerPolicy{Mode: m, Delay: a.Delay.D()}
}

// RCAccount returns the RingCentral account with the given id.
func (sc *Scenario) RCAccount(id string) (*RCAccount, bool) {
	if sc.RingCentral == nil {
		return nil, false
	}
	for i := range sc.RingCentral.Accounts {
		if sc.RingCentral.Accounts[i].ID == id {
			return &sc.RingCentral.Accounts[i], true
		}
	}
	return nil, false
}

// NSDomain returns the NetSapiens domain with the given name.
func (sc *Scenario) NSDomain(name string) (*NSDomain, bool) {
	if sc.NetSapiens == nil {
		return nil, false
	}
	for i := range sc.NetSapiens.Domains {
		if sc.NetSapiens.Domains[i].Name == name {
			return &sc.NetSapiens.Domains[i], true
		}
	}
	return nil, false
}
