package control

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// The fault routes (docs/faults.md):
//
//	GET    /sim/v1/faults                      the seed and every rule with its counters
//	POST   /sim/v1/faults                      add a rule (201, with its id)
//	DELETE /sim/v1/faults                      delete every rule and the outcome log
//	GET    /sim/v1/faults/{id}                 one rule with its counters
//	DELETE /sim/v1/faults/{id}                 delete one rule
//	GET    /sim/v1/faults/log?after=N          the faults that fired, in order
//	GET    /sim/v1/faults/seed                 the seed
//	PUT    /sim/v1/faults/seed                 {"seed": 42}: set it and restart every counter
//	POST   /sim/v1/faults/websocket/disconnect {"tenant", "extension", "mode"}: close sockets now
func (a *API) mountFaults(s *mux.Router) {
	s.HandleFunc("/faults", a.listFaults).Methods(http.MethodGet)
	s.HandleFunc("/faults", a.addFault).Methods(http.MethodPost)
	s.HandleFunc("/faults", a.clearFaults).Methods(http.MethodDelete)
	s.HandleFunc("/faults/log", a.faultLog).Methods(http.MethodGet)
	s.HandleFunc("/faults/seed", a.faultSeed).Methods(http.MethodGet)
	s.HandleFunc("/faults/seed", a.setFaultSeed).Methods(http.MethodPut)
	s.HandleFunc("/faults/websocket/disconnect", a.disconnectSockets).Methods(http.MethodPost)
	s.HandleFunc("/faults/{id}", a.getFault).Methods(http.MethodGet)
	s.HandleFunc("/faults/{id}", a.deleteFault).Methods(http.MethodDelete)
	for _, p := range []string{"/faults", "/faults/log", "/faults/seed", "/faults/websocket/disconnect", "/faults/{id}"} {
		s.HandleFunc(p, methodNotAllowed)
	}
}

// engine answers 501 itself when this pbxsim has no fault engine.
func (a *API) engine(w http.ResponseWriter) (*faults.Engine, bool) {
	if a.opts.Faults == nil {
		writeError(w, http.StatusNotImplemented, "not_implemented", "this pbxsim was built without fault injection")
		return nil, false
	}
	return a.opts.Faults, true
}

func (a *API) listFaults(w http.ResponseWriter, r *http.Request) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	rules := e.Rules()
	if scope, scoped := a.tenantScope(r); scoped {
		mine := rules[:0:0]
		for _, st := range rules {
			if scope[st.Match.Tenant] {
				mine = append(mine, st)
			}
		}
		rules = mine
	}
	writeJSON(w, http.StatusOK, map[string]any{"seed": e.Seed(), "rules": rules})
}

func (a *API) addFault(w http.ResponseWriter, r *http.Request) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	var rule faults.Rule
	if !decodeBody(w, r, &rule) {
		return
	}
	if !a.scopeRule(w, r, &rule) {
		return
	}
	added, err := e.Add(rule)
	if err != nil {
		if errors.Is(err, faults.ErrDuplicate) {
			writeError(w, http.StatusConflict, "conflict", err.Error())
			return
		}
		writeError(w, http.StatusBadRequest, "invalid", "fault rule: "+err.Error())
		return
	}
	st, _ := e.Rule(added.ID)
	w.Header().Set("Location", Prefix+"/faults/"+added.ID)
	writeJSON(w, http.StatusCreated, st)
}

func (a *API) clearFaults(w http.ResponseWriter, r *http.Request) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	if scope, scoped := a.tenantScope(r); scoped {
		for _, st := range e.Rules() {
			if scope[st.Match.Tenant] {
				_ = e.Remove(st.ID)
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "cleared", "seed": e.Seed()})
		return
	}
	e.Clear()
	writeJSON(w, http.StatusOK, map[string]any{"status": "cleared", "seed": e.Seed()})
}

func (a *API) getFault(w http.ResponseWriter, r *http.Request) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	st, err := e.Rule(mux.Vars(r)["id"])
	if err != nil {
		writeFaultError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (a *API) deleteFault(w http.ResponseWriter, r *http.Request) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	id := mux.Vars(r)["id"]
	if err := e.Remove(id); err != nil {
		writeFaultError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": id})
}

func (a *API) faultLog(w http.ResponseWriter, r *http.Request) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	after, err := uintParam(r.URL.Query().Get("after"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid", "after: "+err.Error())
		return
	}
	log := e.Log(after)
	if scope, scoped := a.tenantScope(r); scoped {
		mine := log[:0:0]
		for _, o := range log {
			if scope[o.Tenant] {
				mine = append(mine, o)
			}
		}
		log = mine
	}
	writeJSON(w, http.StatusOK, map[string]any{"seed": e.Seed(), "outcomes": log})
}

func (a *API) faultSeed(w http.ResponseWriter, r *http.Request) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"seed": e.Seed()})
}

type seedRequest struct {
	Seed *int64 `json:"seed"`
}

func (a *API) setFaultSeed(w http.ResponseWriter, r *http.Request) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	var req seedRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Seed == nil {
		writeError(w, http.StatusBadRequest, "invalid", `"seed" is required, e.g. {"seed": 42}`)
		return
	}
	e.SetSeed(*req.Seed)
	writeJSON(w, http.StatusOK, map[string]any{"seed": e.Seed()})
}

type disconnectRequest struct {
	// Tenant is the tenant (of the dialect with sockets) whose sockets
	// close; empty means every tenant.
	Tenant string `json:"tenant"`
	// Extension narrows to one user (extension id) of the tenant.
	Extension string `json:"extension"`
	// Mode is recoverable (default) or unrecoverable.
	Mode string `json:"mode"`
}

func (a *API) disconnectSockets(w http.ResponseWriter, r *http.Request) {
	e, ok := a.engine(w)
	if !ok {
		return
	}
	var req disconnectRequest
	if r.ContentLength != 0 && !decodeBody(w, r, &req) {
		return
	}
	if req.Extension != "" && req.Tenant == "" {
		writeError(w, http.StatusBadRequest, "invalid", `"extension" needs "tenant" (the account id)`)
		return
	}
	n, err := e.DropSockets(req.Tenant, req.Extension, req.Mode)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid", err.Error())
		return
	}
	mode := req.Mode
	if mode == "" {
		mode = faults.DisconnectRecoverable
	}
	writeJSON(w, http.StatusOK, map[string]any{"closed": n, "mode": mode})
}

func writeFaultError(w http.ResponseWriter, err error) {
	if errors.Is(err, faults.ErrNotFound) {
		writeError(w, http.StatusNotFound, "not_found", err.Error())
		return
	}
	writeError(w, http.StatusBadRequest, "invalid", err.Error())
}

// scopeRule makes a rule posted with ?tenant=<set> act on that set only
// (issue 12 item 2): match.tenant becomes the set's first tenant of the
// rule's dialect (the section of that name). It answers 400 itself when the rule cannot be
// scoped.
func (a *API) scopeRule(w http.ResponseWriter, r *http.Request, rule *faults.Rule) bool {
	q := r.URL.Query().Get("tenant")
	if q == "" {
		return true
	}
	a.sets.mu.Lock()
	t, ok := a.sets.byID[q]
	a.sets.mu.Unlock()
	if !ok {
		if rule.Match.Tenant != "" && rule.Match.Tenant != q {
			writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("match.tenant: %q differs from ?tenant=%s", rule.Match.Tenant, q))
			return false
		}
		rule.Match.Tenant = q
		return true
	}
	// The first tenant of each of the set's sections, by dialect name.
	first := map[string]string{}
	var kinds []string
	for _, k := range t.SectionKeys() {
		if ids := t.Section(k).TenantIDs(); len(ids) > 0 {
			first[k] = ids[0]
			kinds = append(kinds, k)
		}
	}
	if rule.Match.Tenant != "" {
		for _, m := range t.members() {
			if m == rule.Match.Tenant {
				return true
			}
		}
		writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("match.tenant: %s is not a tenant of set %s", rule.Match.Tenant, t.ID))
		return false
	}
	switch {
	case rule.Match.Dialect != "" && first[rule.Match.Dialect] != "":
		rule.Match.Tenant = first[rule.Match.Dialect]
	case rule.Match.Dialect == "" && len(kinds) == 1:
		rule.Match.Tenant = first[kinds[0]]
	default:
		writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("match.dialect: name the dialect (%s) whose tenant of set %s the rule is for", strings.Join(kinds, " or "), t.ID))
		return false
	}
	return true
}
