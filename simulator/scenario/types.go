package scenario

import (
	"encoding/json"
	"fmt"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// Scenario is the world pbxsim starts with: tenants of both vendors, their
// users, devices, numbers and credentials, answer policies and quirk
// profiles. It is loaded from YAML and served (credentials included) by
// GET /sim/v1/scenario as JSON.
type Scenario struct {
	// Name labels the scenario in logs and reports.
	Name string `yaml:"name" json:"name"`
	// Seed makes generated IDs reproducible. Tokens, refresh tokens and
	// signing keys come from crypto/rand unless ReproducibleSecrets is set.
	Seed int64 `yaml:"seed" json:"seed"`
	// ReproducibleSecrets draws tokens and signing keys from Seed too, so a
	// rerun issues the same secrets. Unsafe on a shared host: anyone who
	// knows the seed can forge them (docs/control-api.md, threat model).
	ReproducibleSecrets bool `yaml:"reproducibleSecrets" json:"reproducibleSecrets,omitempty"`
	// Clock is "real" (default) or "manual" (time moves only through
	// POST /sim/v1/clock/advance).
	Clock string `yaml:"clock" json:"clock"`
	// StartTime is where a manual clock starts (RFC 3339); default 2026-01-01T00:00:00Z.
	StartTime string `yaml:"startTime" json:"startTime,omitempty"`
	// RingTimeout ends a call nobody answers; default 60s.
	RingTimeout Duration `yaml:"ringTimeout" json:"ringTimeout"`
	// Retention is how long ended calls stay readable; default 5m.
	Retention Duration `yaml:"retention" json:"retention"`

	RingCentral *RingCentral `yaml:"ringcentral" json:"ringcentral,omitempty"`
	NetSapiens  *NetSapiens  `yaml:"netsapiens" json:"netsapiens,omitempty"`
	// Outside lists phone numbers outside every tenant (customers, mobile
	// phones) and what they do when the PBX calls them.
	Outside []OutsideNumber `yaml:"outside" json:"outside,omitempty"`
	// WebhookHosts are the hosts, besides loopback, that webhook deliveries
	// may go to ("*" for any); pbxsim's --webhook-host adds more
	// (simulator/egress, docs/limits.md).
	WebhookHosts []string `yaml:"webhookHosts" json:"webhookHosts,omitempty"`
	// Faults are fault rules active from the start, drawn from Seed
	// (docs/faults.md).
	Faults []faults.Rule `yaml:"faults" json:"faults,omitempty"`
}

// RingCentral holds the RingCentral side of the world.
type RingCentral struct {
	// Clients are the OAuth apps allowed to log in.
	Clients  []RCClient  `yaml:"clients" json:"clients"`
	Accounts []RCAccount `yaml:"accounts" json:"accounts"`
	// AccessTokenTTL and RefreshTokenTTL default to 1h and 7d.
	AccessTokenTTL  Duration `yaml:"accessTokenTTL" json:"accessTokenTTL"`
	RefreshTokenTTL Duration `yaml:"refreshTokenTTL" json:"refreshTokenTTL"`
}

// RCClient is an OAuth client (an app).
type RCClient struct {
	ID     string `yaml:"id" json:"id"`
	Secret string `yaml:"secret" json:"secret,omitempty"`
}

// RCAccount is a RingCentral account.
type RCAccount struct {
	ID         string            `yaml:"id" json:"id"`
	Name       string            `yaml:"name" json:"name,omitempty"`
	MainNumber string            `yaml:"mainNumber" json:"mainNumber,omitempty"`
	Quirks     map[string]string `yaml:"quirks" json:"quirks,omitempty"`
	Extensions []RCExtension     `yaml:"extensions" json:"extensions"`
	// RateLimits, when present, turns RingCentral's per-user, per-app rate
	// limits on for the account (docs/faults.md).
	RateLimits *RCRateLimits `yaml:"rateLimits" json:"rateLimits,omitempty"`
}

// RCExtension is a user extension of an account.
type RCExtension struct {
	ID           string   `yaml:"id" json:"id"`
	Number       string   `yaml:"number" json:"number"`
	Name         string   `yaml:"name" json:"name"`
	PhoneNumbers []string `yaml:"phoneNumbers" json:"phoneNumbers,omitempty"`
	Devices      []Device `yaml:"devices" json:"devices,omitempty"`
	// JWT is the assertion accepted by the jwt-bearer grant; Password the
	// password grant's.
	JWT      string `yaml:"jwt" json:"jwt,omitempty"`
	Password string `yaml:"password" json:"password,omitempty"`
	Answer   Answer `yaml:"answer" json:"answer"`
}

// NetSapiens holds the NetSapiens side of the world.
type NetSapiens struct {
	// CoreServer is the hostname reported as core-server and expected as
	// the transfer's hostname.
	CoreServer string `yaml:"coreServer" json:"coreServer"`
	// ApplyDelay is how long after a 202 a write takes effect; default 300ms.
	ApplyDelay Duration   `yaml:"applyDelay" json:"applyDelay"`
	Domains    []NSDomain `yaml:"domains" json:"domains"`
	// Clients are OAuth clients allowed on POST /ns-api/v2/tokens.
	Clients []NSClient `yaml:"clients" json:"clients,omitempty"`
	// TokenTTL is the access-token lifetime; default 1h.
	TokenTTL Duration `yaml:"tokenTTL" json:"tokenTTL"`
}

// NSClient is an OAuth client of the NS API.
type NSClient struct {
	ID     string `yaml:"id" json:"id"`
	Secret string `yaml:"secret" json:"secret,omitempty"`
}

// NSDomain is a NetSapiens domain.
type NSDomain struct {
	Name    string            `yaml:"name" json:"name"`
	Quirks  map[string]string `yaml:"quirks" json:"quirks,omitempty"`
	Users   []NSUser          `yaml:"users" json:"users"`
	APIKeys []NSAPIKey        `yaml:"apiKeys" json:"apiKeys,omitempty"`
}

// NSUser is a user of a domain.
type NSUser struct {
	ID       string   `yaml:"id" json:"id"`
	Name     string   `yaml:"name" json:"name"`
	Numbers  []string `yaml:"numbers" json:"numbers,omitempty"`
	Devices  []Device `yaml:"devices" json:"devices,omitempty"`
	Password string   `yaml:"password" json:"password,omitempty"`
	// Scope is the user's role: "Basic User" (default), "Office Manager".
	Scope  string `yaml:"scope" json:"scope,omitempty"`
	Answer Answer `yaml:"answer" json:"answer"`
}

// NSAPIKey is a bearer API key. Its 4-character prefix (nss_, nsr_, nsd_,
// nsu_) sets its scope: super user, reseller, domain, user.
type NSAPIKey struct {
	Key string `yaml:"key" json:"key"`
	// User is the user a nsu_ key acts as.
	User     string `yaml:"user" json:"user,omitempty"`
	ReadOnly bool   `yaml:"readOnly" json:"readOnly,omitempty"`
	// Description is free text.
	Description string `yaml:"description" json:"description,omitempty"`
}

// Device is a phone of a user.
type Device struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name,omitempty"`
	Type string `yaml:"type" json:"type,omitempty"`
}

// OutsideNumber is a phone outside every tenant.
type OutsideNumber struct {
	Number string `yaml:"number" json:"number"`
	Name   string `yaml:"name" json:"name,omitempty"`
	Answer Answer `yaml:"answer" json:"answer"`
}

// Answer is what a phone does when it rings: mode "manual" (default: ring
// until answered or the ring timeout), "answer" or "reject", after Delay.
type Answer struct {
	Mode  string   `yaml:"mode" json:"mode,omitempty"`
	Delay Duration `yaml:"delay" json:"delay,omitempty"`
}

// Duration is a time.Duration written as "2s", "500ms" in YAML and JSON.
type Duration time.Duration

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// UnmarshalYAML reads "2s" or a number of seconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("line %d: duration must be a string like \"2s\"", n.Line)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		var secs float64
		if err2 := n.Decode(&secs); err2 == nil {
			*d = Duration(time.Duration(secs * float64(time.Second)))
			return nil
		}
		return fmt.Errorf("line %d: %q is not a duration (want e.g. \"2s\", \"500ms\")", n.Line, s)
	}
	if v < 0 {
		return fmt.Errorf("line %d: duration %q is negative", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "2s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}
