package ringcentral

import (
	"fmt"
	"regexp"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// The dialect's section of scenario files (docs/scenarios.md): OAuth
// clients, accounts with extensions, devices, numbers and credentials,
// token lifetimes and rate limits, registered under "ringcentral".

// Name is the dialect's name: its scenario section's key, its core
// tenants' kind and its fault rules' match.dialect.
const Name = dialectName

// Section holds the RingCentral side of the world.
type Section struct {
	// Clients are the OAuth apps allowed to log in.
	Clients  []Client  `yaml:"clients" json:"clients"`
	Accounts []Account `yaml:"accounts" json:"accounts"`
	// AccessTokenTTL and RefreshTokenTTL default to 1h and 7d.
	AccessTokenTTL  scenario.Duration `yaml:"accessTokenTTL" json:"accessTokenTTL"`
	RefreshTokenTTL scenario.Duration `yaml:"refreshTokenTTL" json:"refreshTokenTTL"`
}

// Client is an OAuth client (an app).
type Client struct {
	ID     string `yaml:"id" json:"id"`
	Secret string `yaml:"secret" json:"secret,omitempty"`
}

// Account is a RingCentral account.
type Account struct {
	ID         string            `yaml:"id" json:"id"`
	Name       string            `yaml:"name" json:"name,omitempty"`
	MainNumber string            `yaml:"mainNumber" json:"mainNumber,omitempty"`
	Quirks     map[string]string `yaml:"quirks" json:"quirks,omitempty"`
	Extensions []Extension       `yaml:"extensions" json:"extensions"`
	// RateLimits, when present, turns RingCentral's per-user, per-app rate
	// limits on for the account (docs/faults.md).
	RateLimits *RateLimits `yaml:"rateLimits" json:"rateLimits,omitempty"`
}

// Extension is a user extension of an account.
type Extension struct {
	ID           string            `yaml:"id" json:"id"`
	Number       string            `yaml:"number" json:"number"`
	Name         string            `yaml:"name" json:"name"`
	PhoneNumbers []string          `yaml:"phoneNumbers" json:"phoneNumbers,omitempty"`
	Devices      []scenario.Device `yaml:"devices" json:"devices,omitempty"`
	// JWT is the assertion accepted by the jwt-bearer grant; Password the
	// password grant's.
	JWT      string          `yaml:"jwt" json:"jwt,omitempty"`
	Password string          `yaml:"password" json:"password,omitempty"`
	Answer   scenario.Answer `yaml:"answer" json:"answer"`
}

func init() {
	spec := FaultSpec()
	scenario.RegisterSection(scenario.SectionKind{Key: Name, New: func() scenario.Section { return new(Section) }, Faults: &spec})
}

// FaultSpec is what the dialect declares to the fault engine: its
// operations, and notification sockets that a disconnect can cut.
// Changes apply before the dialect answers, so apply rules do not fit.
func FaultSpec() faults.DialectSpec {
	return faults.DialectSpec{Name: Name, Operations: operations, Disconnect: true}
}

// SectionOf returns the scenario's RingCentral section, or nil.
func SectionOf(sc *scenario.Scenario) *Section { return scenario.SectionAs[*Section](sc, Name) }

// Account returns the account with the given id.
func (rc *Section) Account(id string) (*Account, bool) {
	if rc == nil {
		return nil, false
	}
	for i := range rc.Accounts {
		if rc.Accounts[i].ID == id {
			return &rc.Accounts[i], true
		}
	}
	return nil, false
}

var (
	digits    = regexp.MustCompile(`^[0-9]+$`)
	extNumber = regexp.MustCompile(`^[0-9]{1,8}$`)
)

// Validate implements scenario.Section.
func (rc *Section) Validate(c *scenario.Check) error {
	bad := scenario.Bad
	if len(rc.Clients) == 0 {
		return bad(Name, "ringcentral needs at least one OAuth client under clients")
	}
	for i, cl := range rc.Clients {
		if cl.ID == "" {
			return bad(fmt.Sprintf("ringcentral.clients[%d]", i), "client has no id")
		}
	}
	if len(rc.Accounts) == 0 {
		return bad(Name, "ringcentral has no accounts")
	}
	extIDs := map[string]string{}
	jwts := map[string]string{}
	for i, a := range rc.Accounts {
		p := fmt.Sprintf("ringcentral.accounts[%d]", i)
		if !digits.MatchString(a.ID) {
			return bad(p+".id", "account id %q must be numeric", a.ID)
		}
		if a.MainNumber != "" {
			if err := c.Number(p+".mainNumber", a.MainNumber); err != nil {
				return err
			}
		}
		if err := c.Quirks(Name, a.Quirks); err != nil {
			return bad(p+".quirks", "account %s: %v", a.ID, err)
		}
		if a.RateLimits != nil {
			if err := a.RateLimits.validate(p + ".rateLimits"); err != nil {
				return err
			}
		}
		exts := map[string]bool{}
		for j, e := range a.Extensions {
			ep := fmt.Sprintf("%s.extensions[%d]", p, j)
			if !digits.MatchString(e.ID) {
				return bad(ep+".id", "extension id %q must be numeric", e.ID)
			}
			if prev, ok := extIDs[e.ID]; ok {
				return bad(ep+".id", "extension id %s is already used at %s", e.ID, prev)
			}
			extIDs[e.ID] = ep
			if !extNumber.MatchString(e.Number) {
				return bad(ep+".number", "extension %s: number %q must be 1 to 8 digits", e.ID, e.Number)
			}
			if exts[e.Number] {
				return bad(ep+".number", "extension number %s appears twice in account %s", e.Number, a.ID)
			}
			exts[e.Number] = true
			if e.Name == "" {
				return bad(ep, "extension %s has no name", e.Number)
			}
			for k, n := range e.PhoneNumbers {
				if err := c.Number(fmt.Sprintf("%s.phoneNumbers[%d]", ep, k), n); err != nil {
					return err
				}
			}
			if err := c.Devices(ep, e.Devices); err != nil {
				return err
			}
			if e.JWT != "" {
				if prev, ok := jwts[e.JWT]; ok {
					return bad(ep+".jwt", "jwt %q is already used at %s", e.JWT, prev)
				}
				jwts[e.JWT] = ep
			}
			if err := e.Answer.Validate(ep + ".answer"); err != nil {
				return err
			}
		}
	}
	return nil
}

// Defaults implements scenario.Section: tokens live 1h, refresh tokens 7d.
func (rc *Section) Defaults() {
	if rc.AccessTokenTTL == 0 {
		rc.AccessTokenTTL = scenario.Duration(time.Hour)
	}
	if rc.RefreshTokenTTL == 0 {
		rc.RefreshTokenTTL = scenario.Duration(7 * 24 * time.Hour)
	}
}

// Apply implements scenario.Section: an account is a core tenant, an
// extension a user.
func (rc *Section) Apply(sim *simulator.Sim) error {
	for _, a := range rc.Accounts {
		if err := sim.AddTenant(simulator.Tenant{ID: a.ID, Kind: Name, Name: a.Name}); err != nil {
			return err
		}
		for _, e := range a.Extensions {
			u := simulator.User{
				TenantID: a.ID, ID: e.ID, Extension: e.Number, Name: e.Name,
				Numbers: e.PhoneNumbers, Devices: scenario.CoreDevices(e.Devices), Answer: e.Answer.Policy(),
			}
			if err := sim.AddUser(u); err != nil {
				return err
			}
		}
	}
	return nil
}

// TenantIDs implements scenario.Section: the account ids.
func (rc *Section) TenantIDs() []string {
	out := make([]string, len(rc.Accounts))
	for i, a := range rc.Accounts {
		out[i] = a.ID
	}
	return out
}

// Clone implements scenario.Section.
func (rc *Section) Clone() scenario.Section { return rc.clone() }

func (rc *Section) clone() *Section {
	c := *rc
	c.Clients = append([]Client(nil), rc.Clients...)
	c.Accounts = make([]Account, len(rc.Accounts))
	for i, a := range rc.Accounts {
		a.Quirks = scenario.CloneMap(a.Quirks)
		if a.RateLimits != nil {
			rl := *a.RateLimits
			a.RateLimits = &rl
		}
		exts := make([]Extension, len(a.Extensions))
		for j, e := range a.Extensions {
			e.PhoneNumbers = append([]string(nil), e.PhoneNumbers...)
			e.Devices = append([]scenario.Device(nil), e.Devices...)
			exts[j] = e
		}
		a.Extensions = exts
		c.Accounts[i] = a
	}
	return &c
}

// Fresh implements scenario.Section: fresh account, extension and device
// ids, phone numbers, one fresh OAuth client, JWT assertions and
// passwords. Names, extension numbers, quirks, rate limits and answer
// policies are kept.
func (rc *Section) Fresh() scenario.Section {
	c := rc.clone()
	rnd := scenario.RandText
	c.Clients = []Client{{ID: "pbxsim-" + rnd(scenario.HexAlphabet, 16), Secret: rnd(scenario.Alnum, 32)}}
	for i := range c.Accounts {
		a := &c.Accounts[i]
		a.ID = "7" + rnd(scenario.Decimal, 9)
		if a.MainNumber != "" {
			a.MainNumber = scenario.FreshNumber()
		}
		for j := range a.Extensions {
			e := &a.Extensions[j]
			e.ID = "8" + rnd(scenario.Decimal, 11)
			for k := range e.PhoneNumbers {
				e.PhoneNumbers[k] = scenario.FreshNumber()
			}
			for k := range e.Devices {
				e.Devices[k].ID = "9" + rnd(scenario.Decimal, 11)
			}
			e.JWT = "jwt-" + rnd(scenario.Alnum, 40)
			e.Password = rnd(scenario.Alnum, 20)
		}
	}
	return c
}

// FaultRoutes are the path prefixes whose requests pass through the fault
// middleware as this dialect's: the REST API and the WebSocket.
func (d *Dialect) FaultRoutes() []faults.Route {
	return []faults.Route{{Prefix: "/restapi", Dialect: Name, Vendor: d}, {Prefix: d.WebSocketPath(), Dialect: Name, Vendor: d}}
}

// AddTenants adds a tenant set's section (already applied to the core):
// its accounts and OAuth clients (AddAccounts).
func (d *Dialect) AddTenants(s scenario.Section) error {
	rc, ok := s.(*Section)
	if !ok {
		return fmt.Errorf("ringcentral: a %T is not a ringcentral section", s)
	}
	return d.AddAccounts(rc)
}

// RemoveTenants forgets a tenant set's section (RemoveAccounts).
func (d *Dialect) RemoveTenants(s scenario.Section) {
	if rc, ok := s.(*Section); ok {
		d.RemoveAccounts(rc)
	}
}

// ReasonCallFlip ends a party flipped to another device or number of its
// extension (POST .../flip): a blind transfer under RingCentral's name.
const ReasonCallFlip simulator.Reason = "call-flip"
