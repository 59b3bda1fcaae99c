package netsapiens

import (
	"fmt"
	"regexp"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// The dialect's section of scenario files (docs/scenarios.md): the core
// server name, the 202-then-apply delay, domains with users, devices,
// numbers, passwords and API keys, and OAuth clients, registered under
// "netsapiens".

// Name is the dialect's name: its scenario section's key, its core
// tenants' kind and its fault rules' match.dialect.
const Name = vendor

// Section holds the NetSapiens side of the world.
type Section struct {
	// CoreServer is the hostname reported as core-server and expected as
	// the transfer's hostname.
	CoreServer string `yaml:"coreServer" json:"coreServer"`
	// ApplyDelay is how long after a 202 a write takes effect; default 300ms.
	ApplyDelay scenario.Duration `yaml:"applyDelay" json:"applyDelay"`
	Domains    []Domain          `yaml:"domains" json:"domains"`
	// Clients are OAuth clients allowed on POST /ns-api/v2/tokens.
	Clients []Client `yaml:"clients" json:"clients,omitempty"`
	// TokenTTL is the access-token lifetime; default 1h.
	TokenTTL scenario.Duration `yaml:"tokenTTL" json:"tokenTTL"`
}

// Client is an OAuth client of the NS API.
type Client struct {
	ID     string `yaml:"id" json:"id"`
	Secret string `yaml:"secret" json:"secret,omitempty"`
}

// Domain is a NetSapiens domain.
type Domain struct {
	Name    string            `yaml:"name" json:"name"`
	Quirks  map[string]string `yaml:"quirks" json:"quirks,omitempty"`
	Users   []User            `yaml:"users" json:"users"`
	APIKeys []APIKey          `yaml:"apiKeys" json:"apiKeys,omitempty"`
}

// User is a user of a domain.
type User struct {
	ID       string            `yaml:"id" json:"id"`
	Name     string            `yaml:"name" json:"name"`
	Numbers  []string          `yaml:"numbers" json:"numbers,omitempty"`
	Devices  []scenario.Device `yaml:"devices" json:"devices,omitempty"`
	Password string            `yaml:"password" json:"password,omitempty"`
	// Scope is the user's role: "Basic User" (default), "Office Manager".
	Scope  string          `yaml:"scope" json:"scope,omitempty"`
	Answer scenario.Answer `yaml:"answer" json:"answer"`
}

// APIKey is a bearer API key. Its 4-character prefix (nss_, nsr_, nsd_,
// nsu_) sets its scope: super user, reseller, domain, user.
type APIKey struct {
	Key string `yaml:"key" json:"key"`
	// User is the user a nsu_ key acts as.
	User     string `yaml:"user" json:"user,omitempty"`
	ReadOnly bool   `yaml:"readOnly" json:"readOnly,omitempty"`
	// Description is free text.
	Description string `yaml:"description" json:"description,omitempty"`
}

func init() {
	spec := FaultSpec()
	scenario.RegisterSection(scenario.SectionKind{Key: Name, New: func() scenario.Section { return new(Section) }, Faults: &spec})
}

// FaultSpec is what the dialect declares to the fault engine: its
// operations, and that a write answers 202 and applies later, so apply
// rules fit it. It has no notification sockets to cut.
func FaultSpec() faults.DialectSpec {
	return faults.DialectSpec{Name: Name, Operations: operations, ApplyPhase: true}
}

// SectionOf returns the scenario's NetSapiens section, or nil.
func SectionOf(sc *scenario.Scenario) *Section { return scenario.SectionAs[*Section](sc, Name) }

// Domain returns the domain with the given name.
func (ns *Section) Domain(name string) (*Domain, bool) {
	if ns == nil {
		return nil, false
	}
	for i := range ns.Domains {
		if ns.Domains[i].Name == name {
			return &ns.Domains[i], true
		}
	}
	return nil, false
}

var (
	extNumber    = regexp.MustCompile(`^[0-9]{1,8}$`)
	domainName   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	apiKeyFormat = regexp.MustCompile(`^ns[sdru]_[A-Za-z0-9]{56}$`)
	userScopes   = map[string]bool{"": true, "Basic User": true, "Simple User": true, "Advanced User": true,
		"Call Center Agent": true, "Site Manager": true, "Call Center Supervisor": true,
		"Office Manager": true, "Reseller": true, "Super User": true}
)

// Validate implements scenario.Section.
func (ns *Section) Validate(c *scenario.Check) error {
	bad := scenario.Bad
	if len(ns.Domains) == 0 {
		return bad(Name, "netsapiens has no domains")
	}
	keys := map[string]string{}
	for i, d := range ns.Domains {
		p := fmt.Sprintf("netsapiens.domains[%d]", i)
		if !domainName.MatchString(d.Name) {
			return bad(p+".name", "domain name %q is not valid", d.Name)
		}
		if err := c.Quirks(Name, d.Quirks); err != nil {
			return bad(p+".quirks", "domain %s: %v", d.Name, err)
		}
		users := map[string]bool{}
		for j, u := range d.Users {
			up := fmt.Sprintf("%s.users[%d]", p, j)
			if !extNumber.MatchString(u.ID) {
				return bad(up+".id", "user id %q must be 1 to 8 digits", u.ID)
			}
			if users[u.ID] {
				return bad(up+".id", "user %s appears twice in domain %s", u.ID, d.Name)
			}
			users[u.ID] = true
			if !userScopes[u.Scope] {
				return bad(up+".scope", "user %s: unknown scope %q", u.ID, u.Scope)
			}
			for k, n := range u.Numbers {
				if err := c.Number(fmt.Sprintf("%s.numbers[%d]", up, k), n); err != nil {
					return err
				}
			}
			if err := c.Devices(up, u.Devices); err != nil {
				return err
			}
			if err := u.Answer.Validate(up + ".answer"); err != nil {
				return err
			}
		}
		for j, k := range d.APIKeys {
			kp := fmt.Sprintf("%s.apiKeys[%d]", p, j)
			if !apiKeyFormat.MatchString(k.Key) {
				return bad(kp+".key", "API key must be 60 characters: a prefix nss_, nsr_, nsd_ or nsu_ and 56 letters or digits")
			}
			if prev, ok := keys[k.Key]; ok {
				return bad(kp+".key", "API key is already used at %s", prev)
			}
			keys[k.Key] = kp
			if k.Key[:4] == "nsu_" && !users[k.User] {
				return bad(kp+".user", "a user key (nsu_) needs user: one of the domain's users, not %q", k.User)
			}
			if k.User != "" && !users[k.User] {
				return bad(kp+".user", "user %q is not in domain %s", k.User, d.Name)
			}
		}
	}
	return nil
}

// Defaults implements scenario.Section: core server
// core1-pbxsim.netsapiens.test, apply delay 300ms, tokens 1h.
func (ns *Section) Defaults() {
	if ns.CoreServer == "" {
		ns.CoreServer = "core1-pbxsim.netsapiens.test"
	}
	if ns.ApplyDelay == 0 {
		ns.ApplyDelay = scenario.Duration(300 * time.Millisecond)
	}
	if ns.TokenTTL == 0 {
		ns.TokenTTL = scenario.Duration(time.Hour)
	}
}

// Apply implements scenario.Section: a domain is a core tenant (its name
// the tenant id), a user a user whose extension is its id.
func (ns *Section) Apply(sim *simulator.Sim) error {
	for _, d := range ns.Domains {
		if err := sim.AddTenant(simulator.Tenant{ID: d.Name, Kind: Name, Name: d.Name}); err != nil {
			return err
		}
		for _, nu := range d.Users {
			u := simulator.User{
				TenantID: d.Name, ID: nu.ID, Extension: nu.ID, Name: nu.Name,
				Numbers: nu.Numbers, Devices: scenario.CoreDevices(nu.Devices), Answer: nu.Answer.Policy(),
			}
			if err := sim.AddUser(u); err != nil {
				return err
			}
		}
	}
	return nil
}

// TenantIDs implements scenario.Section: the domain names.
func (ns *Section) TenantIDs() []string {
	out := make([]string, len(ns.Domains))
	for i, d := range ns.Domains {
		out[i] = d.Name
	}
	return out
}

// Clone implements scenario.Section.
func (ns *Section) Clone() scenario.Section { return ns.clone() }

func (ns *Section) clone() *Section {
	c := *ns
	c.Clients = append([]Client(nil), ns.Clients...)
	c.Domains = make([]Domain, len(ns.Domains))
	for i, d := range ns.Domains {
		d.Quirks = scenario.CloneMap(d.Quirks)
		users := make([]User, len(d.Users))
		for j, u := range d.Users {
			u.Numbers = append([]string(nil), u.Numbers...)
			u.Devices = append([]scenario.Device(nil), u.Devices...)
			users[j] = u
		}
		d.Users = users
		d.APIKeys = append([]APIKey(nil), d.APIKeys...)
		c.Domains[i] = d
	}
	return &c
}

// Fresh implements scenario.Section: a fresh domain name (a random label
// before the template's), phone numbers, passwords, API keys (same
// prefix) and one fresh OAuth client. User ids, quirks and answer
// policies are kept.
func (ns *Section) Fresh() scenario.Section {
	c := ns.clone()
	rnd := scenario.RandText
	c.Clients = []Client{{ID: "pbxsim-ns-" + rnd(scenario.HexAlphabet, 16), Secret: rnd(scenario.Alnum, 32)}}
	for i := range c.Domains {
		d := &c.Domains[i]
		d.Name = "t" + rnd(scenario.HexAlphabet, 12) + "." + sanitizeDomain(d.Name)
		for j := range d.Users {
			u := &d.Users[j]
			for k := range u.Numbers {
				u.Numbers[k] = scenario.FreshNumber()
			}
			u.Password = rnd(scenario.Alnum, 20)
		}
		for j := range d.APIKeys {
			k := &d.APIKeys[j]
			prefix := "nsd_"
			if len(k.Key) >= 4 {
				prefix = k.Key[:4]
			}
			k.Key = prefix + rnd(scenario.Alnum, 56)
		}
	}
	return c
}

func sanitizeDomain(s string) string {
	b := []byte{}
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			b = append(b, c)
		}
	}
	if len(b) == 0 || len(b) > 40 {
		return "tenant"
	}
	return string(b)
}

// FaultRoutes are the path prefixes whose requests pass through the fault
// middleware as this dialect's: the NS API.
func (d *Dialect) FaultRoutes() []faults.Route {
	return []faults.Route{{Prefix: "/ns-api/v2", Dialect: Name, Vendor: d}}
}

// AddTenants adds a tenant set's section (already applied to the core):
// its domains, API keys and OAuth clients (AddDomains).
func (d *Dialect) AddTenants(s scenario.Section) error {
	ns, ok := s.(*Section)
	if !ok {
		return fmt.Errorf("netsapiens: a %T is not a netsapiens section", s)
	}
	return d.AddDomains(ns)
}

// RemoveTenants forgets a tenant set's section (RemoveDomains).
func (d *Dialect) RemoveTenants(s scenario.Section) {
	if ns, ok := s.(*Section); ok {
		d.RemoveDomains(ns)
	}
}
