package target

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// TenantConfig names a real RingCentral account and/or NetSapiens domain,
// the credentials the specs use and who plays which role. It comes from a
// YAML file (--config) and environment variables, which win over the file.
// docs/targets.md documents every field and variable.
type TenantConfig struct {
	RingCentral *RingCentralTenant `yaml:"ringcentral"`
	NetSapiens  *NetSapiensTenant  `yaml:"netsapiens"`
	// PersonTimeout bounds each wait for a person at a phone ("90s").
	PersonTimeout string `yaml:"personTimeout"`

	personTimeout time.Duration
}

// RingCentralTenant is a RingCentral account: the app's credentials and one
// extension per role, each signing in with its own JWT.
type RingCentralTenant struct {
	Server       string `yaml:"server"`
	ClientID     string `yaml:"clientId"`
	ClientSecret string `yaml:"clientSecret"`
	// Account is the account ID ("" or "~": the token's own).
	Account  string `yaml:"account"`
	Customer RCRole `yaml:"customer"`
	Operator RCRole `yaml:"operator"`
	Consult  RCRole `yaml:"consult"`
}

// RCRole is one extension.
type RCRole struct {
	Name        string `yaml:"name"`
	Extension   string `yaml:"extension"`
	ExtensionID string `yaml:"extensionId"`
	PhoneNumber string `yaml:"phoneNumber"`
	JWT         string `yaml:"jwt"`
	// DeviceID is the device that calls out and answers; "" picks the
	// extension's (online) softphone.
	DeviceID string `yaml:"deviceId"`
}

// NetSapiensTenant is a NetSapiens domain: an office-manager API key, the
// operator and consult users, and the outside caller.
type NetSapiensTenant struct {
	Server       string `yaml:"server"`
	Domain       string `yaml:"domain"`
	APIKey       string `yaml:"apiKey"`
	ReadOnlyKey  string `yaml:"readOnlyKey"`
	ClientID     string `yaml:"clientId"`
	ClientSecret string `yaml:"clientSecret"`
	Operator     NSRole `yaml:"operator"`
	Consult      NSRole `yaml:"consult"`
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

// NSRole is one user of the domain.
type NSRole struct {
	User     string `yaml:"user"`
	Name     string `yaml:"name"`
	Number   string `yaml:"number"`
	Password string `yaml:"password"`
	// DeviceID is the device answered on ("1000wp": sip:1000wp@domain).
	DeviceID string `yaml:"deviceId"`
}

// LoadTenantConfig reads path (when not "") and then the XFER_* variables
// through getenv.
func LoadTenantConfig(path string, getenv func(string) string) (*TenantConfig, error) {
	c := &TenantConfig{}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil {
			return nil, fmt.Errorf("--config %s: %v", path, err)
		}
	}
	c.fromEnv(getenv)
	var err error
	if c.personTimeout, err = parseDuration("personTimeout (XFER_PERSON_TIMEOUT)", c.PersonTimeout); err != nil {
		return nil, err
	}
	if c.NetSapiens != nil {
		if c.NetSapiens.applyDelay, err = parseDuration("netsapiens.applyDelay (XFER_NS_APPLY_DELAY)", c.NetSapiens.ApplyDelay); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func parseDuration(what, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s: %q is not a duration like 90s", what, s)
	}
	return d, nil
}

// PersonTimeoutOr returns the configured wait for a person, or def.
func (c *TenantConfig) PersonTimeoutOr(def time.Duration) time.Duration {
	if c.personTimeout > 0 {
		return c.personTimeout
	}
	return def
}

// envVars maps each XFER_* variable to its field.
func (c *TenantConfig) envVars() map[string]*string {
	if c.RingCentral == nil {
		c.RingCentral = &RingCentralTenant{}
	}
	if c.NetSapiens == nil {
		c.NetSapiens = &NetSapiensTenant{}
	}
	r, n := c.RingCentral, c.NetSapiens
	m := map[string]*string{
		"XFER_PERSON_TIMEOUT":    &c.PersonTimeout,
		"XFER_RC_SERVER":         &r.Server,
		"XFER_RC_CLIENT_ID":      &r.ClientID,
		"XFER_RC_CLIENT_SECRET":  &r.ClientSecret,
		"XFER_RC_ACCOUNT":        &r.Account,
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
	for role, x := range map[string]*RCRole{"CUSTOMER": &r.Customer, "OPERATOR": &r.Operator, "CONSULT": &r.Consult} {
		m["XFER_RC_JWT_"+role] = &x.JWT
		m["XFER_RC_EXT_"+role] = &x.Extension
		m["XFER_RC_EXT_ID_"+role] = &x.ExtensionID
		m["XFER_RC_NUMBER_"+role] = &x.PhoneNumber
		m["XFER_RC_DEVICE_"+role] = &x.DeviceID
		m["XFER_RC_NAME_"+role] = &x.Name
	}
	for role, x := range map[string]*NSRole{"OPERATOR": &n.Operator, "CONSULT": &n.Consult} {
		m["XFER_NS_"+role] = &x.User
		m["XFER_NS_"+role+"_NAME"] = &x.Name
		m["XFER_NS_"+role+"_NUMBER"] = &x.Number
		m["XFER_NS_"+role+"_PASSWORD"] = &x.Password
		m["XFER_NS_"+role+"_DEVICE"] = &x.DeviceID
	}
	return m
}

func (c *TenantConfig) fromEnv(getenv func(string) string) {
	if getenv == nil {
		return
	}
	hadRC, hadNS := c.RingCentral != nil, c.NetSapiens != nil
	setRC, setNS := false, false
	for k, p := range c.envVars() {
		if v := getenv(k); v != "" {
			*p = v
			setRC = setRC || strings.HasPrefix(k, "XFER_RC_")
			setNS = setNS || strings.HasPrefix(k, "XFER_NS_")
		}
	}
	if !hadRC && !setRC {
		c.RingCentral = nil
	}
	if !hadNS && !setNS {
		c.NetSapiens = nil
	}
}

// Validate says what the vendor's target still lacks, naming each field
// with its variable.
func (c *TenantConfig) Validate(vendor string) error {
	var missing []string
	need := func(v, name string) {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, name)
		}
	}
	switch vendor {
	case "ringcentral":
		r := c.RingCentral
		if r == nil {
			return fmt.Errorf("no RingCentral tenant configured: set XFER_RC_* variables or the ringcentral section of --config")
		}
		need(r.Server, "ringcentral.server (XFER_RC_SERVER)")
		need(r.ClientID, "ringcentral.clientId (XFER_RC_CLIENT_ID)")
		need(r.ClientSecret, "ringcentral.clientSecret (XFER_RC_CLIENT_SECRET)")
		for role, x := range map[string]RCRole{"customer": r.Customer, "operator": r.Operator, "consult": r.Consult} {
			up := strings.ToUpper(role)
			need(x.JWT, "ringcentral."+role+".jwt (XFER_RC_JWT_"+up+")")
			need(x.Extension, "ringcentral."+role+".extension (XFER_RC_EXT_"+up+")")
		}
	case "netsapiens":
		n := c.NetSapiens
		if n == nil {
			return fmt.Errorf("no NetSapiens server configured: set XFER_NS_* variables or the netsapiens section of --config")
		}
		need(n.Server, "netsapiens.server (XFER_NS_SERVER)")
		need(n.Domain, "netsapiens.domain (XFER_NS_DOMAIN)")
		need(n.APIKey, "netsapiens.apiKey (XFER_NS_API_KEY)")
		need(n.Operator.User, "netsapiens.operator.user (XFER_NS_OPERATOR)")
		need(n.Consult.User, "netsapiens.consult.user (XFER_NS_CONSULT)")
		need(n.OutsideCaller, "netsapiens.outsideCaller (XFER_NS_OUTSIDE_CALLER)")
		if n.InboundNumber == "" {
			need(n.Operator.Number, "netsapiens.inboundNumber (XFER_NS_INBOUND_NUMBER) or netsapiens.operator.number (XFER_NS_OPERATOR_NUMBER)")
		}
	default:
		return fmt.Errorf("no tenant target %q (ringcentral or netsapiens)", vendor)
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("the %s target needs: %s", vendor, strings.Join(missing, ", "))
	}
	return nil
}

// Secrets lists every credential of the config, to mask in any output.
func (c *TenantConfig) Secrets() []string {
	var out []string
	add := func(v ...string) {
		for _, s := range v {
			if s != "" {
				out = append(out, s)
			}
		}
	}
	if r := c.RingCentral; r != nil {
		add(r.ClientSecret, r.Customer.JWT, r.Operator.JWT, r.Consult.JWT)
	}
	if n := c.NetSapiens; n != nil {
		add(n.APIKey, n.ReadOnlyKey, n.ClientSecret, n.Operator.Password, n.Consult.Password)
	}
	return out
}
