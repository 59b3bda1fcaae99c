package scenario

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// A dialect owns a top-level section of scenario files (its tenants,
// users, credentials and settings). It registers a SectionKind at init;
// this package decodes the section strictly into the kind's Go type,
// validates it with the whole scenario's context (Check), fills its
// defaults, applies it to the core Sim and writes it back to YAML and
// JSON under its key, in file order.
//
//	func init() {
//		scenario.RegisterSection(scenario.SectionKind{Key: "acme",
//			New: func() scenario.Section { return new(acme.Section) }})
//	}
//	s, _ := sc.Section("acme").(*acme.Section)

// Section is one dialect's part of a scenario. Its Go type (a pointer to
// a struct with yaml and json tags) is what the section decodes into and
// is written from.
type Section interface {
	// Validate checks the section. c claims what must be unique across
	// the whole scenario (phone numbers, device ids) and builds errors
	// that name the field ("acme.tenants[0].id").
	Validate(c *Check) error
	// Defaults fills the unset fields of a valid section.
	Defaults()
	// Apply adds the section's tenants, users, devices, numbers and
	// answer policies to the core directory.
	Apply(sim *simulator.Sim) error
	// TenantIDs returns the core tenant ids the section defines.
	TenantIDs() []string
	// Clone returns a deep copy.
	Clone() Section
	// Fresh returns a copy with every identifier that must be unique on a
	// server and every secret drawn anew (RandText, FreshNumber), for a
	// tenant set (fresh.go). It is validated after.
	Fresh() Section
}

// SectionKind makes a top-level key of scenario files a dialect's section.
type SectionKind struct {
	// Key is the section's YAML and JSON key, the dialect's name, the
	// kind of its core tenants and its fault rules' match.dialect.
	Key string
	// New returns an empty section to decode into.
	New func() Section
	// Faults, when set, is what the dialect declares to the fault engine,
	// so scenario files check their rules against it at load.
	Faults *faults.DialectSpec
}

var (
	kindMu sync.RWMutex
	kinds  = map[string]SectionKind{}
)

// RegisterSection makes k's key a section of scenario files. Registering
// a key twice replaces the kind.
func RegisterSection(k SectionKind) {
	if k.Key == "" || k.New == nil || coreKeys[k.Key] {
		panic(fmt.Sprintf("scenario: bad section kind %q", k.Key))
	}
	if t := reflect.TypeOf(k.New()); t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("scenario: section %q: New must return a pointer to a struct", k.Key))
	}
	kindMu.Lock()
	defer kindMu.Unlock()
	kinds[k.Key] = k
}

// SectionKinds returns the registered kinds sorted by key.
func SectionKinds() []SectionKind {
	kindMu.RLock()
	defer kindMu.RUnlock()
	out := make([]SectionKind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func kindOf(key string) (SectionKind, bool) {
	kindMu.RLock()
	defer kindMu.RUnlock()
	k, ok := kinds[key]
	return k, ok
}

// kindList names the registered keys for messages: "a, b or c".
func kindList() string {
	var keys []string
	for _, k := range SectionKinds() {
		keys = append(keys, k.Key)
	}
	switch len(keys) {
	case 0:
		return "none is registered"
	case 1:
		return keys[0]
	}
	return strings.Join(keys[:len(keys)-1], ", ") + " or " + keys[len(keys)-1]
}

// coreKeys are the top-level keys this package owns.
var coreKeys = map[string]bool{"name": true, "seed": true, "reproducibleSecrets": true, "clock": true,
	"startTime": true, "ringTimeout": true, "retention": true, "outside": true, "webhookHosts": true, "faults": true}

// keyed is a section under its key.
type keyed struct {
	key string
	s   Section
}

// Unclaimed is a top-level section of a file that no registered dialect
// claims: kept so a program that links only some dialects can load a
// file with all of them; pbxsim refuses to serve one.
type Unclaimed struct {
	Key  string
	File string // the file it was read from, when known
	Line int
	node *yaml.Node // written back as it came
}

// Section returns the section under key, or nil.
func (sc *Scenario) Section(key string) Section {
	for _, k := range sc.sections {
		if k.key == key {
			return k.s
		}
	}
	return nil
}

// SectionAs returns the scenario's section under key as the dialect's
// own type, the zero value (nil) when sc is nil or has no such section:
// each dialect's SectionOf.
func SectionAs[T Section](sc *Scenario, key string) T {
	var zero T
	if sc == nil {
		return zero
	}
	s, ok := sc.Section(key).(T)
	if !ok {
		return zero
	}
	return s
}

// SetSection puts s under key, in place of the section there, else last;
// a nil s removes the section.
func (sc *Scenario) SetSection(key string, s Section) {
	for i, k := range sc.sections {
		if k.key == key {
			if s == nil || reflect.ValueOf(s).IsNil() {
				sc.sections = append(sc.sections[:i:i], sc.sections[i+1:]...)
			} else {
				sc.sections[i].s = s
			}
			return
		}
	}
	if s != nil && !reflect.ValueOf(s).IsNil() {
		sc.sections = append(sc.sections, keyed{key, s})
	}
}

// SectionKeys returns the keys of the scenario's sections in file order.
func (sc *Scenario) SectionKeys() []string {
	out := make([]string, len(sc.sections))
	for i, k := range sc.sections {
		out[i] = k.key
	}
	return out
}

// Unclaimed returns the file's sections no registered dialect claimed.
func (sc *Scenario) Unclaimed() []Unclaimed { return append([]Unclaimed(nil), sc.unclaimed...) }

// TenantIDs returns the core tenant ids of every section, in order.
func (sc *Scenario) TenantIDs() []string {
	var out []string
	for _, k := range sc.sections {
		out = append(out, k.s.TenantIDs()...)
	}
	return out
}

// Check is the whole scenario's context while its sections validate:
// phone numbers and device ids are unique across every section.
type Check struct {
	numbers map[string]string // number -> path of its owner
	devices map[string]string
}

func newCheck() *Check { return &Check{numbers: map[string]string{}, devices: map[string]string{}} }

// Number claims an E.164 phone number for the field at path.
func (c *Check) Number(path, n string) error {
	if !e164.MatchString(n) {
		return Bad(path, "%q is not an E.164 number (want +<country><number>)", n)
	}
	if prev, ok := c.numbers[n]; ok {
		return Bad(path, "number %s is already used at %s", n, prev)
	}
	c.numbers[n] = path
	return nil
}

// Devices claims the device ids of the user at path.
func (c *Check) Devices(path string, ds []Device) error {
	for i, d := range ds {
		p := fmt.Sprintf("%s.devices[%d]", path, i)
		if d.ID == "" {
			return Bad(p, "device has no id")
		}
		if prev, ok := c.devices[d.ID]; ok {
			return Bad(p+".id", "device id %q is already used at %s", d.ID, prev)
		}
		c.devices[d.ID] = p
	}
	return nil
}

// Quirks checks a tenant's quirk selection against the quirks the
// dialect registered (quirks.go).
func (c *Check) Quirks(vendor string, selected map[string]string) error {
	return checkQuirks(vendor, selected)
}

// Bad is a validation error at the field path: Parse turns it into an
// *Error with the field's line.
func Bad(path, format string, args ...any) error {
	return &validationError{path: path, msg: fmt.Sprintf(format, args...)}
}

// Validate checks an answer policy at path.
func (a Answer) Validate(path string) error {
	if !answerMode[a.Mode] {
		return Bad(path+".mode", "answer mode must be manual, answer or reject, not %q", a.Mode)
	}
	return nil
}

// Policy is the core's answer policy for a.
func (a Answer) Policy() simulator.AnswerPolicy {
	m := simulator.AnswerMode(a.Mode)
	if m == "" {
		m = simulator.AnswerManual
	}
	return simulator.AnswerPolicy{Mode: m, Delay: a.Delay.D()}
}

// CoreDevices converts devices to the core's.
func CoreDevices(ds []Device) []simulator.Device {
	out := make([]simulator.Device, len(ds))
	for i, d := range ds {
		out[i] = simulator.Device{ID: d.ID, Name: d.Name, Type: d.Type}
	}
	return out
}
