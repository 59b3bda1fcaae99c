package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// TenantConfigFor is the tenant config under which a pbxsim started with
// --no-control on scenario sc poses as a real tenant: the same roles as
// FactsFromScenario, and the domain's first user beyond the operator and
// the consult (the default scenario's Office Manager) places the outside
// caller's click-to-call. It lets CI rehearse a tenant run without one.
func TenantConfigFor(serverURL string, sc *scenario.Scenario) (*TenantConfig, error) {
	raw, err := json.Marshal(sc)
	if err != nil {
		return nil, err
	}
	f, err := FactsFromScenario(serverURL, raw)
	if err != nil {
		return nil, err
	}
	c := &TenantConfig{}
	if r := f.RingCentral; r != nil {
		role := func(p Person) RCRole {
			return RCRole{Name: p.Name, Extension: p.Extension, ExtensionID: p.ID, PhoneNumber: p.Number, JWT: p.JWT, DeviceID: p.DeviceID}
		}
		c.RingCentral = &RingCentralTenant{Server: serverURL, ClientID: r.ClientID, ClientSecret: r.ClientSecret, Account: r.AccountID,
			Customer: role(r.Customer), Operator: role(r.Operator), Consult: role(r.Consult)}
	}
	if n := f.NetSapiens; n != nil {
		role := func(p Person) NSRole {
			return NSRole{User: p.ID, Name: p.Name, Number: p.Number, Password: p.Password, DeviceID: p.DeviceID}
		}
		c.NetSapiens = &NetSapiensTenant{Server: serverURL, Domain: n.Domain, APIKey: n.DomainKey, ReadOnlyKey: n.ReadOnlyKey,
			ClientID: n.ClientID, ClientSecret: n.ClientSecret, Operator: role(n.Operator), Consult: role(n.Consult),
			OutsideCaller: n.OutsideCaller, InboundNumber: n.InboundNumber, ApplyDelay: n.ApplyDelay.String(), applyDelay: n.ApplyDelay}
		if ns := netsapiens.SectionOf(sc); ns != nil && len(ns.Domains) > 0 {
			for _, u := range ns.Domains[0].Users {
				if u.ID != n.Operator.ID && u.ID != n.Consult.ID {
					c.NetSapiens.DialVia = u.ID
					break
				}
			}
		}
	}
	return c, nil
}

// PbxsimPhones plays the person at the phones directly in an in-process
// pbxsim, through its Go API: it dials, answers and hangs up legs the way
// the control API would. For tests of tenant targets only; a real run
// prompts a person (PromptPhones). Tasks lists what it was asked.
type PbxsimPhones struct {
	Server *pbxsim.Server

	mu    sync.Mutex
	tasks []PhoneTask
}

// Tasks returns the tasks handed over so far.
func (p *PbxsimPhones) Tasks() []PhoneTask {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]PhoneTask(nil), p.tasks...)
}

// Do carries the task out at once.
func (p *PbxsimPhones) Do(_ context.Context, t PhoneTask) error {
	p.mu.Lock()
	p.tasks = append(p.tasks, t)
	p.mu.Unlock()
	sim := p.Server.Sim
	switch t.Action {
	case "dial":
		from, err := sim.Resolve(addressOf(t.Phone), "")
		if err != nil {
			return err
		}
		to, err := sim.Resolve(addressOf(t.To), from.TenantID)
		if err != nil {
			return err
		}
		_, err = sim.Originate(simulator.OriginateRequest{From: from, To: to})
		return err
	case "answer", "hang up":
		calls := sim.Calls()
		for i := len(calls) - 1; i >= 0; i-- {
			for _, l := range calls[i].Legs {
				if !phoneHasLeg(t.Phone, l) {
					continue
				}
				if t.Action == "answer" && l.State.Ringing() {
					return sim.Answer(l.ID)
				}
				if t.Action == "hang up" && (l.State.Ringing() || l.State.Connected()) {
					return sim.Hangup(l.ID)
				}
			}
		}
		return fmt.Errorf("pbxsim has no leg of %s to %s", t.Phone, t.Action)
	}
	return fmt.Errorf("no phone task %q", t.Action)
}

func addressOf(p Phone) string {
	if p.Person.Number != "" {
		return p.Person.Number
	}
	return p.Address
}

func phoneHasLeg(p Phone, l simulator.Leg) bool {
	e := l.Endpoint
	return (p.Person.ID != "" && e.UserID == p.Person.ID) || (p.Person.Number != "" && e.Number == p.Person.Number)
}
