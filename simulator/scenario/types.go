package scenario

import (
	"github.com/xfer-conform/xfer-conform/simulator/duration"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// Scenario is the world pbxsim starts with: the core settings, one
// section per dialect (its tenants, users, devices, numbers and
// credentials; section.go), the outside numbers, and fault rules. It is
// loaded from YAML and served (credentials included) by GET
// /sim/v1/scenario as JSON (codec.go).
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

	// sections are the dialects' sections in file order (section.go).
	sections []keyed
	// unclaimed are top-level sections no registered dialect claims.
	unclaimed []Unclaimed

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

// Duration is the scenario files' one duration type: "2s", "500ms" or a
// number of seconds (simulator/duration). Fault rules use the same type.
type Duration = duration.Duration
