package control

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Tenants on demand (issue 12 items 1 and 2, docs/control-api.md):
//
//	POST   /sim/v1/tenants                  a fresh tenant set from the scenario's template, or from the posted description
//	GET    /sim/v1/tenants                  the live tenant sets (ids and members)
//	GET    /sim/v1/tenants/{id}             one set, scenario-shaped, credentials included
//	DELETE /sim/v1/tenants/{id}             end its calls, sockets, subscriptions and tokens; forget it
//	PUT    /sim/v1/tenants/{id}/ratelimits  {"profile": "default"} or a full profile; {} turns the limits off
//	GET    /sim/v1/tenants/{id}/clock       the set's clock (tenantclock.go)
//	POST   /sim/v1/tenants/{id}/clock/advance  move the set's own manual clock
//
// The calls, journal, events and faults routes take ?tenant=<set id> to
// see (or, for POST /faults, to act on) only that set's tenants.

// Provisioner adds and removes tenant sets in the running server: the core
// directory and each dialect. pbxsim's server provides it, so neither the
// core nor this package imports a dialect.
type Provisioner interface {
	// AddTenants adds every tenant of sc (a tenant set, see
	// scenario.Fresh). On error nothing stays added.
	AddTenants(sc *scenario.Scenario) error
	// RemoveTenants ends and forgets every tenant of sc.
	RemoveTenants(sc *scenario.Scenario)
	// SetRateLimits answers PUT /tenants/{id}/ratelimits for the set
	// (whose id is setID): body is the posted JSON object, which the
	// dialect with rate limits decodes. The answer is sent with 200; an
	// error is a *RequestError, a *scenario.Error (400 naming its field)
	// or a core error.
	SetRateLimits(set *scenario.Scenario, setID string, body json.RawMessage) (any, error)
}

// RequestError is a refusal a Provisioner words itself: the status, the
// error code, the field at fault (optional) and the message.
type RequestError struct {
	Status               int
	Code, Field, Message string
}

func (e *RequestError) Error() string { return e.Message }

// DefaultMaxTenants is the default cap on live tenant sets (pbxsim
// --max-tenants).
const DefaultMaxTenants = 1000

// tenantSet is one live set made by POST /tenants.
type tenantSet struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	*scenario.Scenario
	// clock is the set's own manual clock; nil when it shares the Sim's.
	// The scenario's clock and startTime fields then say "manual" and
	// where it started.
	clock *simulator.ManualClock
}

// MarshalJSON writes the set's id and creation time, then its scenario.
func (t *tenantSet) MarshalJSON() ([]byte, error) {
	h, err := json.Marshal(struct {
		ID      string    `json:"id"`
		Created time.Time `json:"created"`
	}{t.ID, t.Created})
	if err != nil {
		return nil, err
	}
	sc, err := json.Marshal(t.Scenario)
	if err != nil {
		return nil, err
	}
	if len(sc) <= 2 {
		return h, nil
	}
	return append(append(h[:len(h)-1], ','), sc[1:]...), nil
}

// members are the core tenant ids of the set.
func (t *tenantSet) members() []string { return t.TenantIDs() }

// tenantSets is the registry of live sets.
type tenantSets struct {
	mu   sync.Mutex
	byID map[string]*tenantSet
}

func (a *API) mountTenants(s *mux.Router) {
	s.HandleFunc("/tenants", a.createTenants).Methods(http.MethodPost)
	s.HandleFunc("/tenants", a.listTenants).Methods(http.MethodGet)
	s.HandleFunc("/tenants/{id}", a.getTenants).Methods(http.MethodGet)
	s.HandleFunc("/tenants/{id}", a.deleteTenants).Methods(http.MethodDelete)
	s.HandleFunc("/tenants/{id}/ratelimits", a.setRateLimits).Methods(http.MethodPut)
	s.HandleFunc("/tenants/{id}/clock", a.tenantClock).Methods(http.MethodGet)
	for _, p := range []string{"/tenants", "/tenants/{id}", "/tenants/{id}/ratelimits", "/tenants/{id}/clock", "/tenants/{id}/clock/advance"} {
		s.HandleFunc(p, methodNotAllowed)
	}
}

func (a *API) provisioner(w http.ResponseWriter) (Provisioner, bool) {
	if a.opts.Tenants == nil {
		writeError(w, http.StatusNotImplemented, "not_implemented", "this pbxsim cannot add tenants at runtime")
		return nil, false
	}
	return a.opts.Tenants, true
}

func (a *API) createTenants(w http.ResponseWriter, r *http.Request) {
	p, ok := a.provisioner(w)
	if !ok {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the description is larger than %d bytes", maxBody))
		return
	}
	body, cspec, err := splitClock(body, a.sim.Now())
	if err != nil {
		writeDescriptionError(w, err)
		return
	}
	var tpl *scenario.Scenario
	if strings.TrimSpace(string(body)) == "" || strings.TrimSpace(string(body)) == "{}" {
		if a.opts.Scenario == nil {
			writeError(w, http.StatusBadRequest, "invalid", "no scenario is loaded to copy; post a tenant description")
			return
		}
		tpl = a.opts.Scenario.TenantTemplate()
	} else if tpl, err = scenario.ParseTenants(body); err != nil {
		writeDescriptionError(w, err)
		return
	}
	a.sets.mu.Lock()
	full := a.opts.MaxTenants > 0 && len(a.sets.byID) >= a.opts.MaxTenants
	a.sets.mu.Unlock()
	if full {
		writeError(w, http.StatusTooManyRequests, "tenant_limit", fmt.Sprintf("this pbxsim already holds %d live tenant sets, its cap (pbxsim --max-tenants); delete some with DELETE %s/tenants/{id}", a.opts.MaxTenants, Prefix))
		return
	}
	var set *scenario.Scenario
	var clk *simulator.ManualClock
	if cspec != nil {
		clk = simulator.NewManualClock(cspec.StartTime)
	}
	// A fresh phone number may already be routed (a rare draw): try again.
	for attempt := 0; ; attempt++ {
		if set, err = scenario.Fresh(tpl); err != nil {
			writeDescriptionError(w, err)
			return
		}
		// The clock is in place before the tenants, so their first
		// credentials already run on it.
		if clk != nil {
			a.setClocks(set.TenantIDs(), clk)
		}
		if err = p.AddTenants(set); err == nil {
			break
		}
		if clk != nil {
			a.setClocks(set.TenantIDs(), nil)
		}
		if attempt == 4 {
			writeSimError(w, err)
			return
		}
	}
	if clk != nil {
		set.Clock, set.StartTime = "manual", cspec.StartTime.UTC().Format(time.RFC3339)
	}
	t := &tenantSet{ID: "t-" + randomHex(12), Created: a.sim.Now(), Scenario: set, clock: clk}
	a.sets.mu.Lock()
	a.sets.byID[t.ID] = t
	a.sets.mu.Unlock()
	w.Header().Set("Location", Prefix+"/tenants/"+t.ID)
	writeJSON(w, http.StatusCreated, t)
}

func writeDescriptionError(w http.ResponseWriter, err error) {
	var se *scenario.Error
	if errors.As(err, &se) {
		body := map[string]string{"code": "invalid", "message": se.Reason}
		if se.Field != "" {
			body["field"] = se.Field
			body["message"] = se.Field + ": " + se.Reason
		} else if se.Line > 0 {
			body["message"] = fmt.Sprintf("line %d: %s", se.Line, se.Reason)
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": body})
		return
	}
	writeError(w, http.StatusBadRequest, "invalid", err.Error())
}

// tenantSummary is one line of GET /tenants.
type tenantSummary struct {
	ID      string          `json:"id"`
	Created time.Time       `json:"created"`
	Tenants []tenantMembers `json:"tenants"`
}

type tenantMembers struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
}

func (a *API) listTenants(w http.ResponseWriter, r *http.Request) {
	a.sets.mu.Lock()
	out := make([]tenantSummary, 0, len(a.sets.byID))
	for _, t := range a.sets.byID {
		s := tenantSummary{ID: t.ID, Created: t.Created}
		for _, kind := range t.SectionKeys() {
			for _, id := range t.Section(kind).TenantIDs() {
				s.Tenants = append(s.Tenants, tenantMembers{id, kind})
			}
		}
		out = append(out, s)
	}
	a.sets.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	writeJSON(w, http.StatusOK, map[string]any{"tenants": out, "max": a.opts.MaxTenants})
}

func (a *API) set(w http.ResponseWriter, r *http.Request) (*tenantSet, bool) {
	id := mux.Vars(r)["id"]
	a.sets.mu.Lock()
	t, ok := a.sets.byID[id]
	a.sets.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no tenant set %q (GET %s/tenants lists them)", id, Prefix))
	}
	return t, ok
}

func (a *API) getTenants(w http.ResponseWriter, r *http.Request) {
	if t, ok := a.set(w, r); ok {
		writeJSON(w, http.StatusOK, t)
	}
}

func (a *API) deleteTenants(w http.ResponseWriter, r *http.Request) {
	p, ok := a.provisioner(w)
	if !ok {
		return
	}
	id := mux.Vars(r)["id"]
	a.sets.mu.Lock()
	t, found := a.sets.byID[id]
	delete(a.sets.byID, id)
	a.sets.mu.Unlock()
	if !found {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no tenant set %q (GET %s/tenants lists them)", id, Prefix))
		return
	}
	if e := a.opts.Faults; e != nil {
		// The set's own fault rules go with it.
		mine := map[string]bool{}
		for _, m := range t.members() {
			mine[m] = true
		}
		for _, st := range e.Rules() {
			if mine[st.Match.Tenant] {
				_ = e.Remove(st.ID)
			}
		}
	}
	p.RemoveTenants(t.Scenario)
	if t.clock != nil {
		a.setClocks(t.members(), nil)
		t.clock.Close() // its timers (the set's tokens, deliveries) never fire
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "deleted": true})
}

// setRateLimits hands the posted profile to the dialect that has rate
// limits (pbxsim's provisioner); this package knows none.
func (a *API) setRateLimits(w http.ResponseWriter, r *http.Request) {
	p, ok := a.provisioner(w)
	if !ok {
		return
	}
	t, ok := a.set(w, r)
	if !ok {
		return
	}
	var body json.RawMessage
	if !decodeBody(w, r, &body) {
		return
	}
	out, err := p.SetRateLimits(t.Scenario, t.ID, body)
	var re *RequestError
	var se *scenario.Error
	switch {
	case errors.As(err, &re):
		e := map[string]string{"code": re.Code, "message": re.Message}
		if re.Field != "" {
			e["field"] = re.Field
		}
		writeJSON(w, re.Status, map[string]any{"error": e})
	case errors.As(err, &se):
		writeDescriptionError(w, err)
	case err != nil:
		writeSimError(w, err)
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

// tenantScope turns ?tenant= into the core tenant ids it names: a tenant
// set's members, or the tenant itself. It reports false when no filter is
// asked for.
func (a *API) tenantScope(r *http.Request) (map[string]bool, bool) {
	q := r.URL.Query().Get("tenant")
	if q == "" {
		return nil, false
	}
	a.sets.mu.Lock()
	t, ok := a.sets.byID[q]
	a.sets.mu.Unlock()
	if !ok {
		return map[string]bool{q: true}, true
	}
	out := map[string]bool{}
	for _, m := range t.members() {
		out[m] = true
	}
	return out, true
}

func callInScope(c simulator.Call, scope map[string]bool) bool {
	for _, l := range c.Legs {
		if scope[l.Endpoint.TenantID] || scope[l.From.TenantID] || scope[l.To.TenantID] {
			return true
		}
	}
	return false
}

func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)[:n]
}
