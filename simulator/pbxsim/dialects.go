package pbxsim

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// A vendor dialect plugs into pbxsim through a DialectFactory: its name
// (the scenario section it serves, registered with scenario.RegisterSection,
// which is also its fault rules' match.dialect), what it declares to the
// fault engine, and how to build it. pbxsim builds the dialects whose
// section the scenario has, mounts them, sends their fault routes
// through the fault middleware, and adds and removes their tenants at
// runtime (POST and DELETE /sim/v1/tenants).
//
//	pbxsim.New(pbxsim.Config{Dialects: append(pbxsim.DefaultDialects(), pbxsim.DialectFactory{
//		Name: "acme", Faults: faults.DialectSpec{Name: "acme"}, APIPrefix: "/acme/v1",
//		New: func(env pbxsim.DialectEnv) (pbxsim.Dialect, error) { return acme.New(env.Sim, env.Scenario) },
//	})})

// DialectFactory builds one dialect for a Server.
type DialectFactory struct {
	// Name is the dialect's scenario section key, its core tenants' kind
	// and its fault rules' match.dialect.
	Name string
	// Faults is what the dialect declares to the fault engine (its Name
	// is the factory's). Left zero, the section kind's Faults is used
	// (scenario.SectionKind), else a dialect with no special capability.
	Faults faults.DialectSpec
	// APIPrefix is the path the dialect's API lives under, named in
	// pbxsim's 404 for a path nobody serves.
	APIPrefix string
	// New builds the dialect for env.Scenario's section. The server
	// applies the scenario to env.Sim right after every dialect is built,
	// before the first request.
	New func(env DialectEnv) (Dialect, error)
}

// DialectEnv is what a factory builds a dialect from.
type DialectEnv struct {
	Sim      *simulator.Sim
	Scenario *scenario.Scenario
	// Faults is the server's fault engine (never nil).
	Faults *faults.Engine
}

// Dialect is a running dialect. It may also implement GoingAway()
// (shutdown has begun: close long-lived sockets), Stats() map[string]int64
// (counters for Server.Stats) and RateLimiter.
type Dialect interface {
	// Mount adds the dialect's routes to r.
	Mount(r *mux.Router)
	// Close stops the dialect's goroutines and closes its connections.
	Close()
	// FaultRoutes are the path prefixes whose requests pass through the
	// fault middleware as this dialect's.
	FaultRoutes() []faults.Route
	// AddTenants adds a tenant set's section, already applied to the
	// core; on error nothing stays added.
	AddTenants(s scenario.Section) error
	// RemoveTenants ends and forgets the tenants of a set's section.
	RemoveTenants(s scenario.Section)
}

// RateLimiter is a dialect with per-tenant rate limits that PUT
// /sim/v1/tenants/{id}/ratelimits sets: body is the posted JSON object,
// set the tenant set (setID its id). Errors are *control.RequestError,
// *scenario.Error or core errors (control.Provisioner).
type RateLimiter interface {
	TenantRateLimits(set *scenario.Scenario, setID string, body json.RawMessage) (any, error)
}

// served is a built dialect under its factory's name.
type served struct {
	name string
	d    Dialect
}

// factories returns cfg's dialects, or the defaults, checked.
func factories(fs []DialectFactory) ([]DialectFactory, error) {
	if fs == nil {
		fs = DefaultDialects()
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if f.Name == "" || f.New == nil {
			return nil, fmt.Errorf("pbxsim: a dialect factory needs a Name and New")
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("pbxsim: dialect %s is given twice", f.Name)
		}
		seen[f.Name] = true
	}
	return fs, nil
}

// faultSpecs are what the dialects declare to the fault engine.
func faultSpecs(fs []DialectFactory) faults.Dialects {
	kinds := map[string]*faults.DialectSpec{}
	for _, k := range scenario.SectionKinds() {
		kinds[k.Key] = k.Faults
	}
	out := make(faults.Dialects, len(fs))
	for i, f := range fs {
		out[i] = f.Faults
		if out[i].Name == "" && kinds[f.Name] != nil {
			out[i] = *kinds[f.Name]
		}
		out[i].Name = f.Name
	}
	return out
}

// checkSections refuses a scenario with a section no factory serves.
func checkSections(sc *scenario.Scenario, fs []DialectFactory) error {
	names := make([]string, len(fs))
	known := map[string]bool{}
	for i, f := range fs {
		names[i], known[f.Name] = f.Name, true
	}
	sort.Strings(names)
	for _, u := range sc.Unclaimed() {
		return fmt.Errorf("%s:%d: section %q belongs to no dialect of this pbxsim (dialects: %s)", u.File, u.Line, u.Key, strings.Join(names, ", "))
	}
	for _, k := range sc.SectionKeys() {
		if !known[k] {
			return fmt.Errorf("scenario %s: section %q belongs to no dialect of this pbxsim (dialects: %s)", sc.Name, k, strings.Join(names, ", "))
		}
	}
	return nil
}

// newDialects builds the dialects the scenario has a section for, and
// the routes that send their requests through the fault middleware.
func newDialects(env DialectEnv, fs []DialectFactory) ([]served, []faults.Route, error) {
	var out []served
	var routes []faults.Route
	for _, f := range fs {
		if env.Scenario.Section(f.Name) == nil {
			continue
		}
		d, err := f.New(env)
		if err != nil {
			for _, s := range out {
				s.d.Close()
			}
			return nil, nil, err
		}
		out = append(out, served{f.Name, d})
		routes = append(routes, d.FaultRoutes()...)
	}
	return out, routes, nil
}

// apiPrefixes words the factories' API prefixes for the 404: "/a and /b".
func apiPrefixes(fs []DialectFactory) string {
	var ps []string
	for _, f := range fs {
		if f.APIPrefix != "" {
			ps = append(ps, f.APIPrefix)
		}
	}
	switch len(ps) {
	case 0:
		return "nowhere"
	case 1:
		return ps[0]
	}
	return strings.Join(ps[:len(ps)-1], ", ") + " and " + ps[len(ps)-1]
}
