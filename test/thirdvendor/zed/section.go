package zed

import (
	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Name is the dialect's name: its scenario section, its tenants' kind,
// a fault rule's match.dialect and the journal's dialect label.
const Name = "zed"

// Section is the zed: part of a scenario file.
type Section struct {
	Tenants []Tenant `yaml:"tenants" json:"tenants"`
}

// Tenant is a Zed tenant: a key its API clients present, and users.
type Tenant struct {
	ID    string `yaml:"id" json:"id"`
	Key   string `yaml:"key" json:"key"`
	Users []User `yaml:"users" json:"users"`
}

// User is a Zed user with one extension and, optionally, a phone number.
type User struct {
	ID     string          `yaml:"id" json:"id"`
	Name   string          `yaml:"name" json:"name,omitempty"`
	Number string          `yaml:"number" json:"number,omitempty"`
	Answer scenario.Answer `yaml:"answer" json:"answer"`
}

// spec is what fault rules may ask of Zed: request faults on its named
// operations; no notification sockets, no apply phase.
var spec = faults.DialectSpec{Name: Name, Operations: operations}

func init() {
	scenario.RegisterSection(scenario.SectionKind{Key: Name, New: func() scenario.Section { return new(Section) }, Faults: &spec})
}

// Validate checks the section against the whole scenario.
func (z *Section) Validate(c *scenario.Check) error {
	if len(z.Tenants) == 0 {
		return scenario.Bad("zed.tenants", "zed needs at least one tenant")
	}
	for i, t := range z.Tenants {
		if t.ID == "" || t.Key == "" {
			return scenario.Bad("zed.tenants", "tenant %d needs an id and a key", i)
		}
		for j, u := range t.Users {
			if u.ID == "" {
				return scenario.Bad("zed.tenants", "tenant %s user %d needs an id", t.ID, j)
			}
			if u.Number != "" {
				if err := c.Number("zed.tenants."+t.ID+".users."+u.ID+".number", u.Number); err != nil {
					return err
				}
			}
			if err := u.Answer.Validate("zed.tenants." + t.ID + ".users." + u.ID + ".answer"); err != nil {
				return err
			}
		}
	}
	return nil
}

// Defaults fills nothing: Zed has no settings with defaults.
func (z *Section) Defaults() {}

// Apply adds the tenants and users to the core.
func (z *Section) Apply(sim *simulator.Sim) error {
	for _, t := range z.Tenants {
		if err := sim.AddTenant(simulator.Tenant{ID: t.ID, Kind: Name, Name: t.ID}); err != nil {
			return err
		}
		for _, u := range t.Users {
			cu := simulator.User{TenantID: t.ID, ID: u.ID, Extension: u.ID, Name: u.Name, Answer: u.Answer.Policy()}
			if u.Number != "" {
				cu.Numbers = []string{u.Number}
			}
			if err := sim.AddUser(cu); err != nil {
				return err
			}
		}
	}
	return nil
}

// TenantIDs lists the section's tenants.
func (z *Section) TenantIDs() []string {
	var out []string
	for _, t := range z.Tenants {
		out = append(out, t.ID)
	}
	return out
}

// Clone copies the section deeply.
func (z *Section) Clone() scenario.Section {
	c := &Section{}
	for _, t := range z.Tenants {
		t.Users = append([]User(nil), t.Users...)
		c.Tenants = append(c.Tenants, t)
	}
	return c
}

// Fresh is a copy with new tenant ids, keys and phone numbers, for a
// tenant set (POST /sim/v1/tenants).
func (z *Section) Fresh() scenario.Section {
	c := z.Clone().(*Section)
	for i := range c.Tenants {
		t := &c.Tenants[i]
		t.ID = "z" + scenario.RandText(scenario.Decimal, 8)
		t.Key = "zk_" + scenario.RandText(scenario.Alnum, 24)
		for j := range t.Users {
			if t.Users[j].Number != "" {
				t.Users[j].Number = scenario.FreshNumber()
			}
		}
	}
	return c
}

// SectionOf returns the scenario's Zed section, nil when it has none.
func SectionOf(sc *scenario.Scenario) *Section { return scenario.SectionAs[*Section](sc, Name) }
