package control

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Prefix is where the control API lives.
const Prefix = "/sim/v1"

// maxBody bounds control request bodies.
const maxBody = 64 << 10

// Bounds of one GET /sim/v1/journal answer (docs/limits.md): a client
// pages on with after=<last> while "more" is true.
const (
	journalDefaultLimit = 1000
	journalMaxLimit     = 10000
	journalPageBytes    = 8 << 20
	// eventsMaxLimit is the default and the maximum of one events page:
	// the whole default event log fits in one.
	eventsMaxLimit = 10000
)

// Options configure the control API.
type Options struct {
	Scenario *scenario.Scenario
	// Manual is the simulator's clock when it is manual; nil when real.
	Manual *simulator.ManualClock
	// Token, when set, must arrive as "Authorization: Bearer <token>".
	Token string
	// Version is reported by /health.
	Version string
	// Faults is the fault engine served under /faults; nil answers 501.
	Faults *faults.Engine
	// Tenants adds and removes tenant sets (POST /tenants); nil answers 501.
	Tenants Provisioner
	// MaxTenants caps the live tenant sets; 0 means no cap.
	MaxTenants int
}

// API serves /sim/v1.
type API struct {
	sim  *simulator.Sim
	opts Options
	sets tenantSets // tenants.go
}

// New returns the control API over sim.
func New(sim *simulator.Sim, opts Options) *API {
	return &API{sim: sim, opts: opts, sets: tenantSets{byID: map[string]*tenantSet{}}}
}

// Mount adds the routes under Prefix to r.
func (a *API) Mount(r *mux.Router) {
	s := r.PathPrefix(Prefix).Subrouter()
	s.Use(a.auth)
	s.HandleFunc("/health", a.health).Methods(http.MethodGet)
	s.HandleFunc("/scenario", a.scenario).Methods(http.MethodGet)
	s.HandleFunc("/quirks", a.quirks).Methods(http.MethodGet)
	for _, rt := range worldRoutes {
		serve := rt.serve
		s.HandleFunc(rt.Path, func(w http.ResponseWriter, r *http.Request) { serve(a, w, r) }).Methods(rt.Method)
	}
	s.HandleFunc("/calls", a.listCalls).Methods(http.MethodGet)
	s.HandleFunc("/calls/{id}", a.getCall).Methods(http.MethodGet)
	s.HandleFunc("/journal", a.journal).Methods(http.MethodGet)
	s.HandleFunc("/events", a.events).Methods(http.MethodGet)
	s.HandleFunc("/reset", a.reset).Methods(http.MethodPost)
	s.HandleFunc("/clock", a.clock).Methods(http.MethodGet)
	a.mountFaults(s)  // faults.go
	a.mountTenants(s) // tenants.go
	// Known paths with another method answer 405, not 404.
	for _, p := range []string{"/health", "/scenario", "/quirks", "/calls", "/calls/{id}", "/calls/{id}/legs/{leg}/{action}", "/journal", "/events", "/reset", "/clock", "/clock/advance"} {
		s.HandleFunc(p, methodNotAllowed)
	}
	s.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no control route %s %s", r.Method, r.URL.Path))
	})
}

// WorldRoute is a control route that plays the world: it runs commands of
// the core's table (simulator.Commands) and nothing else, so the control
// API, the golden transcripts and the model test name the same operations.
type WorldRoute struct {
	Method string
	Path   string // under Prefix, with its mux variables
	// Commands are the table commands the route runs: one, or for the leg
	// actions route every command whose one argument is a leg ({action}
	// names it).
	Commands []string
	serve    func(a *API, w http.ResponseWriter, r *http.Request)
}

// worldRoutes is every world route of the control API; Mount serves them.
var worldRoutes = []WorldRoute{
	{Method: http.MethodPost, Path: "/calls", Commands: []string{"originate"}, serve: (*API).createCall},
	{Method: http.MethodDelete, Path: "/calls/{id}", Commands: []string{"hangup-call"}, serve: (*API).hangupCall},
	{Method: http.MethodPost, Path: "/calls/{id}/legs/{leg}/{action}", Commands: legActions(), serve: (*API).legAction},
	{Method: http.MethodPost, Path: "/clock/advance", Commands: []string{"advance"}, serve: (*API).advance},
	{Method: http.MethodPost, Path: "/tenants/{id}/clock/advance", Commands: []string{"advance"}, serve: (*API).advanceTenantClock},
}

// WorldRoutes returns the control routes that run core commands, with the
// commands each runs.
func WorldRoutes() []WorldRoute {
	out := make([]WorldRoute, len(worldRoutes))
	for i, rt := range worldRoutes {
		out[i] = WorldRoute{Method: rt.Method, Path: rt.Path, Commands: append([]string(nil), rt.Commands...)}
	}
	return out
}

// legActions are the table's commands that act on one leg: the actions of
// POST /calls/{id}/legs/{leg}/{action}.
func legActions() []string {
	var out []string
	for _, c := range simulator.Commands() {
		if c.LegOnly() {
			out = append(out, c.Name)
		}
	}
	return out
}

// orList writes "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// run runs a command of the core's table; on a refusal it answers the
// error itself and returns false.
func (a *API) run(w http.ResponseWriter, name string, args simulator.Args) (simulator.Result, bool) {
	cmd, ok := simulator.LookupCommand(name)
	if !ok {
		writeError(w, http.StatusInternalServerError, "internal", fmt.Sprintf("the core has no command %q", name))
		return simulator.Result{}, false
	}
	res, err := cmd.Run(a.sim, args)
	if err != nil {
		writeSimError(w, err)
		return simulator.Result{}, false
	}
	return res, true
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path))
}

func (a *API) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.Header.Values("Authorization")) > 1 {
			// Which header wins is up to each proxy on the way: refuse
			// rather than guess (issue 10 item 7).
			writeError(w, http.StatusBadRequest, "invalid", "the request has more than one Authorization header; send exactly one")
			return
		}
		if a.opts.Token != "" {
			// The Bearer scheme is required: a bare token (no scheme) was
			// accepted before, found by the hostile corpus (test/hostile).
			scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(got), []byte(a.opts.Token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="pbxsim control"`)
				writeError(w, http.StatusUnauthorized, "unauthorized", "the control API needs Authorization: Bearer <control token>")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (a *API) health(w http.ResponseWriter, r *http.Request) {
	clock := "real"
	if a.opts.Manual != nil {
		clock = "manual"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"status": "ok", "version": a.opts.Version, "time": a.sim.Now(), "clock": clock,
		"activeCalls": a.sim.ActiveCallCount(),
	})
}

func (a *API) scenario(w http.ResponseWriter, r *http.Request) {
	if a.opts.Scenario == nil {
		writeError(w, http.StatusNotFound, "not_found", "no scenario loaded")
		return
	}
	writeJSON(w, http.StatusOK, a.opts.Scenario)
}

func (a *API) quirks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"quirks": scenario.Quirks()})
}

type createCallRequest struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Tenant narrows extension numbers and names to one tenant.
	Tenant string `json:"tenant"`
}

func (a *API) createCall(w http.ResponseWriter, r *http.Request) {
	var req createCallRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if req.From == "" || req.To == "" {
		writeError(w, http.StatusBadRequest, "invalid", `both "from" and "to" are required, e.g. {"from":"+15555555555","to":"+11111111111"}`)
		return
	}
	if _, ok := a.sim.Tenant(req.Tenant); req.Tenant != "" && !ok {
		// Resolve treats the tenant as a hint only; a tenant that does not
		// exist is a mistake, not a hint (test/hostile).
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no tenant %q (an RC account id or NS domain of the scenario)", req.Tenant))
		return
	}
	// The control API's own rule (a call touches a tenant) needs both ends
	// resolved before the core's originate runs (and resolves them again).
	from, err := a.sim.Resolve(req.From, req.Tenant)
	if err != nil {
		writeSimError(w, fmt.Errorf("from: %w", err))
		return
	}
	hint := req.Tenant
	if hint == "" {
		hint = from.TenantID
	}
	to, err := a.sim.Resolve(req.To, hint)
	if err != nil {
		writeSimError(w, fmt.Errorf("to: %w", err))
		return
	}
	if !from.IsUser() && !to.IsUser() {
		writeError(w, http.StatusUnprocessableEntity, "invalid", fmt.Sprintf("neither %q nor %q is a user or number of any tenant; the simulator only places calls that touch a tenant", req.From, req.To))
		return
	}
	res, ok := a.run(w, "originate", simulator.Args{"from": req.From, "to": req.To, "tenant": req.Tenant})
	if !ok {
		return
	}
	w.Header().Set("Location", Prefix+"/calls/"+res.Call.ID)
	writeCall(w, http.StatusCreated, res.Call)
}

func (a *API) listCalls(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	if state != "" && state != "active" && state != "ended" {
		writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("state must be active or ended, not %q", state))
		return
	}
	scope, scoped := a.tenantScope(r)
	out := []CallView{}
	for _, c := range a.sim.Calls() {
		v := viewCall(c)
		if state != "" && v.State != state {
			continue
		}
		if scoped && !callInScope(c, scope) {
			continue
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"calls": out})
}

func (a *API) getCall(w http.ResponseWriter, r *http.Request) {
	c, err := a.sim.Call(mux.Vars(r)["id"])
	if err != nil {
		writeSimError(w, err)
		return
	}
	writeCall(w, http.StatusOK, c)
}

func (a *API) hangupCall(w http.ResponseWriter, r *http.Request) {
	if res, ok := a.run(w, "hangup-call", simulator.Args{"call": mux.Vars(r)["id"]}); ok {
		writeCall(w, http.StatusOK, res.Call)
	}
}

// legAction runs a command of the core's table whose one argument is a leg
// (answer, reject, hangup, hold, unhold, mute, unmute) on a leg named by
// its id ("L3") or its index in the call ("2").
func (a *API) legAction(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	c, err := a.sim.Call(vars["id"])
	if err != nil {
		writeSimError(w, err)
		return
	}
	legID, ok := findLeg(c, vars["leg"])
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("call %s has no leg %q (use a leg id like %s or an index 1..%d)", c.ID, vars["leg"], c.Legs[0].ID, len(c.Legs)))
		return
	}
	cmd, ok := simulator.LookupCommand(vars["action"])
	if !ok || !cmd.LegOnly() {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("unknown leg action %q (want %s)", vars["action"], orList(legActions())))
		return
	}
	if res, ok := a.run(w, cmd.Name, simulator.Args{"leg": legID}); ok {
		writeCall(w, http.StatusOK, res.Call)
	}
}

func findLeg(c simulator.Call, ref string) (string, bool) {
	if n, err := strconv.Atoi(ref); err == nil {
		for _, l := range c.Legs {
			if l.Index == n {
				return l.ID, true
			}
		}
		return "", false
	}
	_, ok := c.Leg(ref)
	return ref, ok
}

func (a *API) journal(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := simulator.JournalFilter{
		Dialect: q.Get("dialect"), Method: q.Get("method"),
		PathPrefix: q.Get("pathPrefix"), PathHas: q.Get("path"),
	}
	if scope, scoped := a.tenantScope(r); scoped {
		for t := range scope {
			f.Tenants = append(f.Tenants, t)
		}
	}
	var err error
	if f.After, err = uintParam(q.Get("after")); err != nil {
		writeError(w, http.StatusBadRequest, "invalid", "after: "+err.Error())
		return
	}
	limit, err := uintParam(q.Get("limit"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid", "limit: "+err.Error())
		return
	}
	switch {
	case limit == 0:
		limit = journalDefaultLimit
	case limit > journalMaxLimit:
		writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("limit: at most %d entries per page; page on with after=<seq of the last entry>", journalMaxLimit))
		return
	}
	f.Limit = int(limit)
	entries, more := a.sim.Journal().Page(f, journalPageBytes)
	out := map[string]any{"entries": entries, "more": more}
	if n := len(entries); n > 0 {
		out["last"] = entries[n-1].Seq
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) events(w http.ResponseWriter, r *http.Request) {
	after, err := uintParam(r.URL.Query().Get("after"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid", "after: "+err.Error())
		return
	}
	limit, err := uintParam(r.URL.Query().Get("limit"))
	if err != nil || limit > eventsMaxLimit {
		writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("limit must be a number of events up to %d; page on with after=<seq of the last event>", eventsMaxLimit))
		return
	}
	if limit == 0 {
		limit = eventsMaxLimit
	}
	callID := r.URL.Query().Get("call")
	scope, scoped := a.tenantScope(r)
	out := []EventView{}
	more := false
	for _, e := range a.sim.Events(after) {
		if callID != "" && e.Call.ID != callID {
			continue
		}
		if scoped && !callInScope(e.Call, scope) {
			continue
		}
		if uint64(len(out)) == limit {
			more = true
			break
		}
		out = append(out, viewEvent(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out, "last": a.sim.LastEventSeq(), "more": more})
}

func (a *API) reset(w http.ResponseWriter, r *http.Request) {
	a.sim.Reset()
	writeJSON(w, http.StatusOK, map[string]any{"status": "reset"})
}

func (a *API) clock(w http.ResponseWriter, r *http.Request) {
	kind := "real"
	if a.opts.Manual != nil {
		kind = "manual"
	}
	writeJSON(w, http.StatusOK, map[string]any{"now": a.sim.Now(), "clock": kind})
}

type advanceRequest struct {
	By string `json:"by"`
}

func (a *API) advance(w http.ResponseWriter, r *http.Request) {
	if a.opts.Manual == nil {
		writeError(w, http.StatusConflict, "wrong_state", `the clock is real; start pbxsim with --clock manual (or "clock: manual" in the scenario) to move it`)
		return
	}
	d, ok := advanceBy(w, r)
	if !ok {
		return
	}
	if _, ok := a.run(w, "advance", simulator.Args{"by": d.String()}); !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"now": a.sim.Now(), "clock": "manual"})
}

// advanceBy reads {"by": "<duration>"}; it answers the error itself.
func advanceBy(w http.ResponseWriter, r *http.Request) (time.Duration, bool) {
	var req advanceRequest
	if !decodeBody(w, r, &req) {
		return 0, false
	}
	d, err := time.ParseDuration(req.By)
	if err != nil || d < 0 {
		writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf(`"by" must be a non-negative duration like "5s", not %q`, req.By))
		return 0, false
	}
	if d > 24*time.Hour {
		writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf(`"by" may move the clock at most 24h at once, not %s`, d))
		return 0, false
	}
	return d, true
}

func uintParam(s string) (uint64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a non-negative integer", s)
	}
	return n, nil
}

// decodeBody reads a JSON object body strictly; it answers the error itself.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	// The usual spelling needs no parse (ParseMediaType allocates).
	if ct := r.Header.Get("Content-Type"); ct != "" && ct != "application/json" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", fmt.Sprintf("Content-Type must be application/json, not %q", ct))
			return false
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the body is larger than %d bytes", maxBody))
		case errors.Is(err, io.EOF):
			writeError(w, http.StatusBadRequest, "invalid", "the body is empty; want a JSON object")
		default:
			writeError(w, http.StatusBadRequest, "invalid", "the body is not valid JSON for this request: "+err.Error())
		}
		return false
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "invalid", "the body has data after the JSON object")
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	e := encoders.Get().(*encoder) // render.go
	if e.enc.Encode(v) == nil {
		_, _ = w.Write(e.buf.Bytes())
	}
	if e.buf.Cap() <= maxPooled {
		e.buf.Reset()
		encoders.Put(e)
	}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// statusOf maps the core's error vocabulary to HTTP statuses.
var statusOf = map[simulator.ErrorCode]int{
	simulator.ErrNotFound:   http.StatusNotFound,
	simulator.ErrWrongState: http.StatusConflict,
	simulator.ErrNotAllowed: http.StatusForbidden,
	simulator.ErrInvalid:    http.StatusBadRequest,
}

func writeSimError(w http.ResponseWriter, err error) {
	code := simulator.CodeOf(err)
	status, ok := statusOf[code]
	if !ok {
		writeError(w, http.StatusInternalServerError, "internal", err.Error())
		return
	}
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": string(code), "message": err.Error()}})
}
