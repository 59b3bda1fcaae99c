package zed

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/journalhttp"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Factory is all Zed hands pbxsim:
//
//	pbxsim.New(pbxsim.Config{Dialects: append(pbxsim.DefaultDialects(), zed.Factory())})
func Factory() pbxsim.DialectFactory {
	return pbxsim.DialectFactory{Name: Name, APIPrefix: apiPrefix, New: func(env pbxsim.DialectEnv) (pbxsim.Dialect, error) {
		d := &Dialect{sim: env.Sim, keys: map[string]string{}}
		if s := SectionOf(env.Scenario); s != nil {
			if err := d.AddTenants(s); err != nil {
				return nil, err
			}
		}
		return d, nil
	}}
}

// Dialect serves Zed's API on a simulator core.
type Dialect struct {
	sim  *simulator.Sim
	mu   sync.RWMutex
	keys map[string]string // tenant key -> tenant id
}

// Mount adds the API to pbxsim's router, journaled as "zed".
func (d *Dialect) Mount(r *mux.Router) {
	h := journalhttp.Middleware(d.sim.Journal(), Name, d.sim.Clock())(d.router())
	r.PathPrefix(apiPrefix + "/").Handler(h)
}

// Close has nothing to stop: Zed has no notifications.
func (d *Dialect) Close() {}

// FaultRoutes sends Zed's requests through the fault middleware.
func (d *Dialect) FaultRoutes() []faults.Route {
	return []faults.Route{{Prefix: apiPrefix, Dialect: Name, Vendor: d}}
}

// AddTenants takes a section's tenants (at start, or a tenant set).
func (d *Dialect) AddTenants(s scenario.Section) error {
	z, ok := s.(*Section)
	if !ok {
		return refuse(errConflict, "not a zed section")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, t := range z.Tenants {
		d.keys[t.Key] = t.ID
	}
	return nil
}

// RemoveTenants forgets a tenant set's keys; the core ends its calls.
func (d *Dialect) RemoveTenants(s scenario.Section) {
	z, ok := s.(*Section)
	if !ok {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, t := range z.Tenants {
		delete(d.keys, t.Key)
	}
}

// Classify names a request's tenant and operation for fault rules.
func (d *Dialect) Classify(r *http.Request) (string, string) {
	tenant := ""
	if rest, ok := strings.CutPrefix(r.URL.Path, apiPrefix+"/tenants/"); ok {
		tenant, _, _ = strings.Cut(rest, "/")
	}
	return tenant, operations.Name(r.Method, r.URL.Path)
}

// WriteFault answers an injected status in Zed's error shape.
func (d *Dialect) WriteFault(w http.ResponseWriter, status int, retryAfter time.Duration, message string) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", retryAfter.Round(time.Second).String())
	}
	writeError(w, zedError{kind: kindOf(status), message: message})
}

// authorize finds the tenant of the request's key; the path's tenant
// must be it (another tenant's path answers like an unknown one).
func (d *Dialect) authorize(r *http.Request) (string, error) {
	scheme, key, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	d.mu.RLock()
	tenant, ok := d.keys[key]
	d.mu.RUnlock()
	if scheme != "Zed" || !ok {
		return "", refuse(errUnauthorized, "send Authorization: Zed <tenant key>")
	}
	if mux.Vars(r)["tenant"] != tenant {
		return "", refuse(errNotFound, "no tenant %s", mux.Vars(r)["tenant"])
	}
	journalhttp.SetTenant(r, tenant)
	return tenant, nil
}
