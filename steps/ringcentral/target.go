package ringcentral

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tidwall/gjson"

	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// RingCentral on the targets (target.Vendor): its facts from a pbxsim
// scenario and its section of the tenant config (docs/targets.md).

// Facts describe a RingCentral target: the customer calls the operator,
// who consults the consult.
type Facts struct {
	ServerURL, ClientID, ClientSecret, AccountID string
	Customer, Operator, Consult                  target.Person
}

// FactsOf is the world's RingCentral facts, nil when its target has no
// RingCentral account.
func FactsOf(w *steps.World) *Facts {
	f, _ := w.Facts.Of(Name).(*Facts)
	return f
}

// ScenarioFacts reads the scenario's first account: extensions 1, 2, 3
// are customer, operator and consult.
func (Vendor) ScenarioFacts(serverURL string, scenarioJSON json.RawMessage) (any, error) {
	rcs := gjson.GetBytes(scenarioJSON, Name)
	if !rcs.Exists() {
		return nil, nil
	}
	exts := rcs.Get("accounts.0.extensions").Array()
	if len(exts) < 3 {
		return nil, fmt.Errorf("the scenario's first RingCentral account needs at least 3 extensions (customer, operator, consult), has %d", len(exts))
	}
	person := func(e gjson.Result) target.Person {
		return target.Person{
			Name: e.Get("name").String(), Extension: e.Get("number").String(), ID: e.Get("id").String(),
			Number: e.Get("phoneNumbers.0").String(), JWT: e.Get("jwt").String(),
			Password: e.Get("password").String(), DeviceID: e.Get("devices.0.id").String(),
		}
	}
	return &Facts{
		ServerURL: serverURL, ClientID: rcs.Get("clients.0.id").String(), ClientSecret: rcs.Get("clients.0.secret").String(),
		AccountID: rcs.Get("accounts.0.id").String(),
		Customer:  person(exts[0]), Operator: person(exts[1]), Consult: person(exts[2]),
	}, nil
}

// ScenarioAliases pairs the accounts' main and extension numbers and
// "ext@account" addresses.
func (Vendor) ScenarioAliases(template, set json.RawMessage, out map[string]string) {
	got, tpl, pair := target.Aliases(template, set, out)
	for i, acc := range got.Get(Name + ".accounts").Array() {
		ap := fmt.Sprintf("%s.accounts.%d", Name, i)
		pair(ap + ".mainNumber")
		oldID, newID := tpl.Get(ap+".id").String(), acc.Get("id").String()
		for j, ext := range acc.Get("extensions").Array() {
			ep := fmt.Sprintf("%s.extensions.%d", ap, j)
			for k := range ext.Get("phoneNumbers").Array() {
				pair(fmt.Sprintf("%s.phoneNumbers.%d", ep, k))
			}
			if n := ext.Get("number").String(); n != "" && oldID != "" {
				out[n+"@"+oldID] = n + "@" + newID
			}
		}
	}
}

// Tenant is a RingCentral account: the app's credentials and one
// extension per role, each signing in with its own JWT (the ringcentral
// section of the tenant config).
type Tenant struct {
	Server       string `yaml:"server"`
	ClientID     string `yaml:"clientId"`
	ClientSecret string `yaml:"clientSecret"`
	// Account is the account ID ("" or "~": the token's own).
	Account  string `yaml:"account"`
	Customer Role   `yaml:"customer"`
	Operator Role   `yaml:"operator"`
	Consult  Role   `yaml:"consult"`
}

// Role is one extension.
type Role struct {
	Name        string `yaml:"name"`
	Extension   string `yaml:"extension"`
	ExtensionID string `yaml:"extensionId"`
	PhoneNumber string `yaml:"phoneNumber"`
	JWT         string `yaml:"jwt"`
	// DeviceID is the device that calls out and answers; "" picks the
	// extension's (online) softphone.
	DeviceID string `yaml:"deviceId"`
}

// NewTenant is an empty ringcentral section.
func (Vendor) NewTenant() target.TenantSection { return &Tenant{} }

// Unconfigured says how to configure a RingCentral tenant.
func (Vendor) Unconfigured() error {
	return errors.New("no RingCentral tenant configured: set XFER_RC_* variables or the ringcentral section of --config")
}

// TenantFor is the section of a --no-control pbxsim's account.
func (v Vendor) TenantFor(serverURL string, scenarioJSON json.RawMessage) (target.TenantSection, error) {
	ff, err := v.ScenarioFacts(serverURL, scenarioJSON)
	if err != nil || ff == nil {
		return nil, err
	}
	r := ff.(*Facts)
	role := func(p target.Person) Role {
		return Role{Name: p.Name, Extension: p.Extension, ExtensionID: p.ID, PhoneNumber: p.Number, JWT: p.JWT, DeviceID: p.DeviceID}
	}
	return &Tenant{Server: serverURL, ClientID: r.ClientID, ClientSecret: r.ClientSecret, Account: r.AccountID,
		Customer: role(r.Customer), Operator: role(r.Operator), Consult: role(r.Consult)}, nil
}

// Env maps the XFER_RC_* variables.
func (r *Tenant) Env() map[string]*string {
	m := map[string]*string{
		"XFER_RC_SERVER":        &r.Server,
		"XFER_RC_CLIENT_ID":     &r.ClientID,
		"XFER_RC_CLIENT_SECRET": &r.ClientSecret,
		"XFER_RC_ACCOUNT":       &r.Account,
	}
	for role, x := range map[string]*Role{"CUSTOMER": &r.Customer, "OPERATOR": &r.Operator, "CONSULT": &r.Consult} {
		m["XFER_RC_JWT_"+role] = &x.JWT
		m["XFER_RC_EXT_"+role] = &x.Extension
		m["XFER_RC_EXT_ID_"+role] = &x.ExtensionID
		m["XFER_RC_NUMBER_"+role] = &x.PhoneNumber
		m["XFER_RC_DEVICE_"+role] = &x.DeviceID
		m["XFER_RC_NAME_"+role] = &x.Name
	}
	return m
}

// Load has nothing to parse.
func (r *Tenant) Load() error { return nil }

// Missing names what a RingCentral target still lacks.
func (r *Tenant) Missing() []string {
	var missing target.Needs
	need := missing.Need
	need(r.Server, "ringcentral.server (XFER_RC_SERVER)")
	need(r.ClientID, "ringcentral.clientId (XFER_RC_CLIENT_ID)")
	need(r.ClientSecret, "ringcentral.clientSecret (XFER_RC_CLIENT_SECRET)")
	for role, x := range map[string]Role{"customer": r.Customer, "operator": r.Operator, "consult": r.Consult} {
		up := strings.ToUpper(role)
		need(x.JWT, "ringcentral."+role+".jwt (XFER_RC_JWT_"+up+")")
		need(x.Extension, "ringcentral."+role+".extension (XFER_RC_EXT_"+up+")")
	}
	return missing
}

// Facts builds a fresh copy of the account's facts.
func (r *Tenant) Facts() any {
	person := func(x Role) target.Person {
		return target.Person{Name: x.Name, Extension: x.Extension, ID: x.ExtensionID, Number: x.PhoneNumber, JWT: x.JWT, DeviceID: x.DeviceID}
	}
	return &Facts{
		ServerURL: strings.TrimRight(r.Server, "/"), ClientID: r.ClientID, ClientSecret: r.ClientSecret, AccountID: r.Account,
		Customer: person(r.Customer), Operator: person(r.Operator), Consult: person(r.Consult),
	}
}

// Secrets are the client secret and the JWTs.
func (r *Tenant) Secrets() []string {
	return []string{r.ClientSecret, r.Customer.JWT, r.Operator.JWT, r.Consult.JWT}
}

// Check signs every role in with its JWT.
func (r *Tenant) Check(ctx context.Context, hc *http.Client) error {
	f := r.Facts().(*Facts)
	for _, role := range []struct {
		name string
		p    target.Person
	}{{"customer", f.Customer}, {"operator", f.Operator}, {"consult", f.Consult}} {
		c, err := rc.New(rc.Config{ServerURL: f.ServerURL, ClientID: f.ClientID, ClientSecret: f.ClientSecret, JWT: role.p.JWT, HTTPClient: hc, UserAgent: "xfer-conform/check"})
		if err != nil {
			return err
		}
		if err := c.Login(ctx); err != nil {
			var ae *rc.APIError
			return target.SignInError("RingCentral", f.ServerURL, errors.As(err, &ae), fmt.Sprintf("the %s's JWT (extension %s)", role.name, role.p.Extension), err)
		}
	}
	return nil
}

var _ target.Vendor = Vendor{}
