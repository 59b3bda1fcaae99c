package scenario_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	. "github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// acme is a made-up dialect's section: tenants with numbers.
type acme struct {
	Tenants []acmeTenant `yaml:"tenants" json:"tenants"`
	Hold    Duration     `yaml:"hold" json:"hold"`
}

type acmeTenant struct {
	ID     string   `yaml:"id" json:"id"`
	Number string   `yaml:"number" json:"number"`
	Phones []Device `yaml:"phones" json:"phones,omitempty"`
}

func (a *acme) Validate(c *Check) error {
	if len(a.Tenants) == 0 {
		return Bad("acme", "acme has no tenants")
	}
	for i, t := range a.Tenants {
		p := fmt.Sprintf("acme.tenants[%d]", i)
		if err := c.Number(p+".number", t.Number); err != nil {
			return err
		}
		if err := c.Devices(p, t.Phones); err != nil {
			return err
		}
	}
	return nil
}

func (a *acme) Defaults() {
	if a.Hold == 0 {
		a.Hold = Duration(time.Second)
	}
}

func (a *acme) Apply(sim *simulator.Sim) error {
	for _, t := range a.Tenants {
		if err := sim.AddTenant(simulator.Tenant{ID: t.ID, Kind: "acme"}); err != nil {
			return err
		}
	}
	return nil
}

func (a *acme) Clone() Section {
	c := *a
	c.Tenants = append([]acmeTenant(nil), a.Tenants...)
	return &c
}

func (a *acme) Fresh() Section {
	c := a.Clone().(*acme)
	for i := range c.Tenants {
		c.Tenants[i].ID = "a" + RandText(Decimal, 8)
		c.Tenants[i].Number = FreshNumber()
	}
	return c
}

func init() {
	RegisterSection(SectionKind{Key: "acme", New: func() Section { return new(acme) },
		Faults: &faults.DialectSpec{Name: "acme"}})
}

const acmeFile = `name: third
ringTimeout: 30
acme:
  hold: 2
  tenants:
    - id: a1
      number: "+15550001111"
outside:
  - number: "+15550002222"
faults:
  - id: slow
    on: notification
    match: {dialect: acme}
    action: {delay: 30}
`

// Rule: a dialect that is no part of the scenario package plugs its
// section in by registering a kind: the section decodes strictly into its
// own type, is checked with the whole scenario (numbers unique across
// sections and outside numbers), gets its defaults, and is written back
// under its key, in file order, in YAML and JSON.
// Source: issue 11 item 2 (each dialect owns its scenario section); docs/scenarios.md.
func TestThirdDialectSection(t *testing.T) {
	sc, err := Parse("third.yaml", []byte(acmeFile))
	if err != nil {
		t.Fatal(err)
	}
	a, ok := sc.Section("acme").(*acme)
	if !ok || len(a.Tenants) != 1 || a.Hold.D() != 2*time.Second {
		t.Fatalf("section %#v", sc.Section("acme"))
	}
	if got := sc.TenantIDs(); len(got) != 1 || got[0] != "a1" {
		t.Fatalf("TenantIDs %v", got)
	}
	b, _ := json.Marshal(sc)
	for _, order := range [][2]string{{`"retention"`, `"acme"`}, {`"acme"`, `"outside"`}, {`"outside"`, `"faults"`}} {
		if i, j := strings.Index(string(b), order[0]), strings.Index(string(b), order[1]); i < 0 || j < 0 || i > j {
			t.Fatalf("JSON order: want %s before %s in %s", order[0], order[1], b)
		}
	}
	var back Scenario
	if err := json.Unmarshal(b, &back); err != nil || back.Section("acme").(*acme).Tenants[0].Number != "+15550001111" {
		t.Fatalf("JSON round trip: %v", err)
	}
	y, _ := yaml.Marshal(sc)
	if _, err := Parse("again.yaml", y); err != nil {
		t.Fatalf("YAML round trip: %v\n%s", err, y)
	}

	for name, c := range map[string]struct{ edit, want string }{
		"unknown field in the section": {"      number: \"+15550001111\"\n      colour: red\n", "third.yaml:8: field colour not found in type scenario_test.acmeTenant"},
		"number used twice":            {"    - number: \"+15550002222\"\n", "number +15550002222 is already used at acme.tenants[0].number"},
	} {
		t.Run(name, func(t *testing.T) {
			in := strings.Replace(acmeFile, map[string]string{"unknown field in the section": "      number: \"+15550001111\"\n", "number used twice": "  - number: \"+15550002222\"\n"}[name], c.edit, 1)
			if name == "number used twice" {
				in = strings.Replace(acmeFile, "+15550001111", "+15550002222", 1)
			}
			_, err := Parse("third.yaml", []byte(in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v; want %q", err, c.want)
			}
		})
	}
}

// Rule: a fault rule is checked against what its dialect declares at
// load: acme declares no apply phase, so an apply rule for it is refused
// with the line of the rule.
// Source: issue 11 item 3 (fault capabilities are the dialect's); docs/faults.md.
func TestFaultRuleCheckedAgainstItsDialect(t *testing.T) {
	in := strings.Replace(acmeFile, "on: notification", "on: apply", 1)
	in = strings.Replace(in, "{delay: 30}", "{drop: true}", 1)
	_, err := Parse("third.yaml", []byte(in))
	if err == nil || !strings.Contains(err.Error(), "third.yaml:11: fault rule slow: apply rules are for netsapiens (acme applies changes before it answers)") {
		t.Fatalf("err = %v", err)
	}
}

// Rule: a section no linked dialect claims is kept as it came (a program
// may link only some dialects) and written back; a misspelt top-level
// setting is still an error with its line.
// Source: docs/scenarios.md (scenario files load unchanged in every program).
func TestUnclaimedSectionKept(t *testing.T) {
	sc, err := Parse("u.yaml", []byte(acmeFile+"zeta:\n  a: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if u := sc.Unclaimed(); len(u) != 1 || u[0].Key != "zeta" || u[0].Line != 15 {
		t.Fatalf("unclaimed %+v", u)
	}
	b, _ := json.Marshal(sc)
	if !strings.Contains(string(b), `"zeta":{"a":1}`) {
		t.Fatalf("JSON lost the section: %s", b)
	}
	if _, err := Parse("u.yaml", []byte(acmeFile+"zeta: 1\n")); err == nil || !strings.Contains(err.Error(), "u.yaml:15: field zeta not found") {
		t.Fatalf("err = %v", err)
	}
}

// Rule: one duration rule in the whole file: a ring timeout and a fault
// rule's delay both read a number as seconds and a string as a Go
// duration.
// Source: issue 11 item 5 (ringTimeout: 30 was accepted, delay: 30 refused); docs/scenarios.md.
func TestOneDurationRuleInAFile(t *testing.T) {
	sc, err := Parse("third.yaml", []byte(acmeFile))
	if err != nil {
		t.Fatal(err)
	}
	if sc.RingTimeout.D() != 30*time.Second || sc.Faults[0].Action.Delay.D() != 30*time.Second {
		t.Fatalf("ringTimeout %v, delay %v", sc.RingTimeout.D(), sc.Faults[0].Action.Delay.D())
	}
	in := strings.Replace(strings.Replace(acmeFile, "ringTimeout: 30", "ringTimeout: 1m", 1), "{delay: 30}", "{delay: 1.5}", 1)
	if sc, err = Parse("third.yaml", []byte(in)); err != nil || sc.RingTimeout.D() != time.Minute || sc.Faults[0].Action.Delay.D() != 1500*time.Millisecond {
		t.Fatalf("%v %+v", err, sc)
	}
}

func (a *acme) TenantIDs() []string {
	var out []string
	for _, t := range a.Tenants {
		out = append(out, t.ID)
	}
	return out
}
