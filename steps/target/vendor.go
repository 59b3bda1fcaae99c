package target

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// Vendor is what a vendor package gives the targets: its facts, read from
// a pbxsim scenario, and its section of the tenant config. The targets
// know no vendor by name; a vendor registers itself (RegisterVendor, from
// its init: steps.Register does it for a steps.Vendor that implements
// this interface too).
type Vendor interface {
	// Name is the vendor's name: its scenario section, its tenant config
	// section and its key in Facts.Vendors.
	Name() string
	// ScenarioFacts reads the vendor's facts from a pbxsim scenario's JSON
	// (GET /sim/v1/scenario, already valid): nil, nil when the scenario
	// has no section of the vendor.
	ScenarioFacts(serverURL string, scenarioJSON json.RawMessage) (any, error)
	// ScenarioAliases adds to out the vendor's addresses of template (a
	// pbxsim's scenario) that set (a tenant set made from it) renames,
	// old to new: numbers, "ext@tenant".
	ScenarioAliases(template, set json.RawMessage, out map[string]string)
	// NewTenant is an empty tenant config section of the vendor, a
	// pointer to a struct with yaml tags: the YAML section decodes into it.
	NewTenant() TenantSection
	// Unconfigured is the error of a run on the vendor's tenant with no
	// section configured: it says how to configure one.
	Unconfigured() error
	// TenantFor is the section under which a pbxsim started with
	// --no-control on the scenario poses as the vendor's tenant; nil, nil
	// when the scenario has no section of the vendor.
	TenantFor(serverURL string, scenarioJSON json.RawMessage) (TenantSection, error)
}

// TenantSection is one vendor's section of the tenant config.
type TenantSection interface {
	// Env maps each of the vendor's XFER_* variables to its field; a
	// variable set wins over the file.
	Env() map[string]*string
	// Load finishes the section once the file and the variables are in
	// (parses its durations).
	Load() error
	// Missing names each field the vendor's target still lacks, with its
	// variable.
	Missing() []string
	// Facts builds a fresh copy of the vendor's facts (steps fill in what
	// they learn, such as extension IDs and devices).
	Facts() any
	// Secrets lists every credential of the section.
	Secrets() []string
	// Check signs in with every credential of the section; errors wrap
	// ErrUnreachable or ErrCredentialsRefused.
	Check(ctx context.Context, hc *http.Client) error
}

var vendorRegistry struct {
	mu      sync.Mutex
	vendors map[string]Vendor
}

// RegisterVendor adds a vendor the targets read facts and tenant config
// for. Registering a name twice panics.
func RegisterVendor(v Vendor) {
	vendorRegistry.mu.Lock()
	defer vendorRegistry.mu.Unlock()
	if vendorRegistry.vendors == nil {
		vendorRegistry.vendors = map[string]Vendor{}
	}
	if _, dup := vendorRegistry.vendors[v.Name()]; dup {
		panic(fmt.Sprintf("target: vendor %q registered twice", v.Name()))
	}
	vendorRegistry.vendors[v.Name()] = v
}

// registered returns the registered vendors, by name.
func registered() []Vendor {
	vendorRegistry.mu.Lock()
	defer vendorRegistry.mu.Unlock()
	out := make([]Vendor, 0, len(vendorRegistry.vendors))
	for _, v := range vendorRegistry.vendors {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

func vendorNamed(name string) (Vendor, bool) {
	vendorRegistry.mu.Lock()
	defer vendorRegistry.mu.Unlock()
	v, ok := vendorRegistry.vendors[name]
	return v, ok
}

// noTenantTarget is the error for a tenant of no registered vendor.
func noTenantTarget(vendor string) error {
	var names []string
	for _, v := range registered() {
		names = append(names, v.Name())
	}
	return fmt.Errorf("no tenant target %q (%s)", vendor, strings.Join(names, " or "))
}
