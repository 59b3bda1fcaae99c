package netsapiens

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/client/netsapiens"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// NetSapiens on the targets (target.Vendor): its facts from a pbxsim
// scenario and its section of the tenant config (docs/targets.md).

var _ target.Vendor = Vendor{}

// Facts describe a NetSapiens target: the outside caller calls the
// inbound number, routed to the operator, who consults the consult.
type Facts struct {
	// ServerURL is the root; the API is at ServerURL + "/ns-api/v2".
	ServerURL, Domain, CoreServer string
	// DomainKey is an office-manager (nsd_) key, ReadOnlyKey a read-only
	// one, OperatorKey the operator's own (nsu_) key.
	DomainKey, ReadOnlyKey, OperatorKey string
	ClientID, ClientSecret              string
	Operator, Consult                   target.Person
	OutsideCaller, InboundNumber        string
	// ApplyDelay is how long after a 202 a change lands (a hint for waits).
	ApplyDelay time.Duration
	// DialVia is the user a click-to-call for the outside caller is placed
	// through, on a target without a control API ("": a person dials).
	DialVia string
}

// FactsOf is the world's NetSapiens facts, nil when its target has no
// NetSapiens domain.
func FactsOf(w *steps.World) *Facts {
	f, _ := w.Facts.Of(Name).(*Facts)
	return f
}

// ScenarioFacts reads the scenario's first domain: users 1 and 2 are
// operator and consult; the first outside number is the outside caller.
func (Vendor) ScenarioFacts(serverURL string, scenarioJSON json.RawMessage) (any, error) {
	sc := gjson.ParseBytes(scenarioJSON)
	ns := sc.Get(Name)
	if !ns.Exists() {
		return nil, nil
	}
	dom := ns.Get("domains.0")
	users := dom.Get("users").Array()
	if len(users) < 2 {
		return nil, fmt.Errorf("the scenario's first NetSapiens domain needs at least 2 users (operator, consult), has %d", len(users))
	}
	person := func(u gjson.Result) target.Person {
		return target.Person{
			Name: u.Get("name").String(), Extension: u.Get("id").String(), ID: u.Get("id").String(),
			Number: u.Get("numbers.0").String(), Password: u.Get("password").String(), DeviceID: u.Get("devices.0.id").String(),
		}
	}
	nf := &Facts{
		ServerURL: serverURL, Domain: dom.Get("name").String(), CoreServer: ns.Get("coreServer").String(),
		ClientID: ns.Get("clients.0.id").String(), ClientSecret: ns.Get("clients.0.secret").String(),
		Operator: person(users[0]), Consult: person(users[1]),
		OutsideCaller: sc.Get("outside.0.number").String(),
	}
	nf.InboundNumber = nf.Operator.Number
	nf.ApplyDelay, _ = time.ParseDuration(ns.Get("applyDelay").String())
	for _, k := range dom.Get("apiKeys").Array() {
		key := k.Get("key").String()
		switch {
		case strings.HasPrefix(key, "nsd_") && k.Get("readOnly").Bool() && nf.ReadOnlyKey == "":
			nf.ReadOnlyKey = key
		case strings.HasPrefix(key, "nsd_") && !k.Get("readOnly").Bool() && nf.DomainKey == "":
			nf.DomainKey = key
		case strings.HasPrefix(key, "nsu_") && k.Get("user").String() == nf.Operator.ID && !k.Get("readOnly").Bool() && nf.OperatorKey == "":
			nf.OperatorKey = key
		}
	}
	return nf, nil
}

// ScenarioAliases pairs the domains' users' numbers and "user@domain"
// addresses.
func (Vendor) ScenarioAliases(template, set json.RawMessage, out map[string]string) {
	got, tpl, pair := target.Aliases(template, set, out)
	for i, dom := range got.Get(Name + ".domains").Array() {
		dp := fmt.Sprintf("%s.domains.%d", Name, i)
		oldName, newName := tpl.Get(dp+".name").String(), dom.Get("name").String()
		for j, u := range dom.Get("users").Array() {
			up := fmt.Sprintf("%s.users.%d", dp, j)
			for k := range u.Get("numbers").Array() {
				pair(fmt.Sprintf("%s.numbers.%d", up, k))
			}
			if id := u.Get("id").String(); id != "" && oldName != "" {
				out[id+"@"+oldName] = id + "@" + newName
			}
		}
	}
}

// Tenant is a NetSapiens domain: an office-manager API key, the operator
// and consult users, and the outside caller (the netsapiens section of
// the tenant config).
type Tenant struct {
	Server       string `yaml:"server"`
	Domain       string `yaml:"domain"`
	APIKey       string `yaml:"apiKey"`
	ReadOnlyKey  string `yaml:"readOnlyKey"`
	ClientID     string `yaml:"clientId"`
	ClientSecret string `yaml:"clientSecret"`
	Operator     Role   `yaml:"operator"`
	Consult      Role   `yaml:"consult"`
	// OutsideCaller is the outside phone's number; InboundNumber the number
	// it calls (default: the operator's number).
	OutsideCaller string `yaml:"outsideCaller"`
	InboundNumber string `yaml:"inboundNumber"`
	// DialVia is the user a click-to-call for the outside caller is placed
	// through; "" asks a person to dial.
	DialVia    string `yaml:"dialVia"`
	ApplyDelay string `yaml:"applyDelay"`

	applyDelay time.Duration
}

// Role is one user of the domain.
type Role struct {
	User     string `yaml:"user"`
	Name     string `yaml:"name"`
	Number   string `yaml:"number"`
	Password string `yaml:"password"`
	// DeviceID is the device answered on ("1000wp": sip:1000wp@domain).
	DeviceID string `yaml:"deviceId"`
}

// NewTenant is an empty netsapiens section.
func (Vendor) NewTenant() target.TenantSection { return &Tenant{} }

// Unconfigured says how to configure a NetSapiens tenant.
func (Vendor) Unconfigured() error {
	return errors.New("no NetSapiens server configured: set XFER_NS_* variables or the netsapiens section of --config")
}

// TenantFor is the section of a --no-control pbxsim's domain: the
// domain's first user beyond the operator and the consult (the default
// scenario's Office Manager) places the outside caller's click-to-call.
func (v Vendor) TenantFor(serverURL string, scenarioJSON json.RawMessage) (target.TenantSection, error) {
	ff, err := v.ScenarioFacts(serverURL, scenarioJSON)
	if err != nil || ff == nil {
		return nil, err
	}
	n := ff.(*Facts)
	role := func(p target.Person) Role {
		return Role{User: p.ID, Name: p.Name, Number: p.Number, Password: p.Password, DeviceID: p.DeviceID}
	}
	t := &Tenant{Server: serverURL, Domain: n.Domain, APIKey: n.DomainKey, ReadOnlyKey: n.ReadOnlyKey,
		ClientID: n.ClientID, ClientSecret: n.ClientSecret, Operator: role(n.Operator), Consult: role(n.Consult),
		OutsideCaller: n.OutsideCaller, InboundNumber: n.InboundNumber, ApplyDelay: n.ApplyDelay.String(), applyDelay: n.ApplyDelay}
	for _, u := range gjson.GetBytes(scenarioJSON, Name+".domains.0.users").Array() {
		if id := u.Get("id").String(); id != n.Operator.ID && id != n.Consult.ID {
			t.DialVia = id
			break
		}
	}
	return t, nil
}

// Env maps the XFER_NS_* variables.
func (n *Tenant) Env() map[string]*string {
	m := map[string]*string{
		"XFER_NS_SERVER":         &n.Server,
		"XFER_NS_DOMAIN":         &n.Domain,
		"XFER_NS_API_KEY":        &n.APIKey,
		"XFER_NS_READONLY_KEY":   &n.ReadOnlyKey,
		"XFER_NS_CLIENT_ID":      &n.ClientID,
		"XFER_NS_CLIENT_SECRET":  &n.ClientSecret,
		"XFER_NS_OUTSIDE_CALLER": &n.OutsideCaller,
		"XFER_NS_INBOUND_NUMBER": &n.InboundNumber,
		"XFER_NS_DIAL_VIA":       &n.DialVia,
		"XFER_NS_APPLY_DELAY":    &n.ApplyDelay,
	}
	for role, x := range map[string]*Role{"OPERATOR": &n.Operator, "CONSULT": &n.Consult} {
		m["XFER_NS_"+role] = &x.User
		m["XFER_NS_"+role+"_NAME"] = &x.Name
		m["XFER_NS_"+role+"_NUMBER"] = &x.Number
		m["XFER_NS_"+role+"_PASSWORD"] = &x.Password
		m["XFER_NS_"+role+"_DEVICE"] = &x.DeviceID
	}
	return m
}

// Load parses the apply delay.
func (n *Tenant) Load() error {
	var err error
	n.applyDelay, err = target.ParseDuration("netsapiens.applyDelay (XFER_NS_APPLY_DELAY)", n.ApplyDelay)
	return err
}

// Missing names what a NetSapiens target still lacks.
func (n *Tenant) Missing() []string {
	var missing target.Needs
	need := missing.Need
	need(n.Server, "netsapiens.server (XFER_NS_SERVER)")
	need(n.Domain, "netsapiens.domain (XFER_NS_DOMAIN)")
	need(n.APIKey, "netsapiens.apiKey (XFER_NS_API_KEY)")
	need(n.Operator.User, "netsapiens.operator.user (XFER_NS_OPERATOR)")
	need(n.Consult.User, "netsapiens.consult.user (XFER_NS_CONSULT)")
	need(n.OutsideCaller, "netsapiens.outsideCaller (XFER_NS_OUTSIDE_CALLER)")
	if n.InboundNumber == "" {
		need(n.Operator.Number, "netsapiens.inboundNumber (XFER_NS_INBOUND_NUMBER) or netsapiens.operator.number (XFER_NS_OPERATOR_NUMBER)")
	}
	return missing
}

// Facts builds a fresh copy of the domain's facts.
func (n *Tenant) Facts() any {
	person := func(x Role) target.Person {
		return target.Person{Name: x.Name, Extension: x.User, ID: x.User, Number: x.Number, Password: x.Password, DeviceID: x.DeviceID}
	}
	nf := &Facts{
		ServerURL: strings.TrimRight(n.Server, "/"), Domain: n.Domain,
		DomainKey: n.APIKey, ReadOnlyKey: n.ReadOnlyKey, ClientID: n.ClientID, ClientSecret: n.ClientSecret,
		Operator: person(n.Operator), Consult: person(n.Consult),
		OutsideCaller: n.OutsideCaller, InboundNumber: n.InboundNumber, DialVia: n.DialVia,
	}
	if nf.InboundNumber == "" {
		nf.InboundNumber = nf.Operator.Number
	}
	nf.ApplyDelay = n.applyDelay
	return nf
}

// Secrets are the keys, the client secret and the passwords.
func (n *Tenant) Secrets() []string {
	return []string{n.APIKey, n.ReadOnlyKey, n.ClientSecret, n.Operator.Password, n.Consult.Password}
}

// Check reads the domain's calls with each key.
func (n *Tenant) Check(ctx context.Context, hc *http.Client) error {
	f := n.Facts().(*Facts)
	keys := []struct{ what, key string }{{"API key", f.DomainKey}, {"read-only API key", f.ReadOnlyKey}}
	for _, k := range keys {
		if k.key == "" {
			continue
		}
		c, err := netsapiens.New(netsapiens.Config{BaseURL: f.ServerURL, Domain: f.Domain, Auth: netsapiens.APIKey(k.key), HTTPClient: hc})
		if err != nil {
			return err
		}
		if _, err := c.Calls(ctx); err != nil {
			return target.SignInError("NetSapiens", f.ServerURL, netsapiens.StatusOf(err) != 0, fmt.Sprintf("the %s for domain %s", k.what, f.Domain), err)
		}
	}
	return nil
}
