package ringcentral

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// route is one endpoint of the dialect: the one place that names it. The
// router (routes), the fault operations (operations, faults.go), the
// rate-limit groups (ratelimit.go) and the route list of
// docs/ringcentral.md are all built from routeTable.
type route struct {
	op     string // operation name: a fault rule's match.operation, as RingCentral's docs and SDKs name the action
	method string
	scope  scope  // the subrouter the route hangs on
	path   string // mux template below the scope's prefix
	group  string // rate-limit group (reference §3.3); "" only outside /restapi, where nothing is limited
	guard  guard
	serve  func(*Dialect, http.ResponseWriter, *http.Request)
	party  partyMethod // instead of serve: a handler of one party (guard is the party's)
	// action: a POST .../parties/{partyId}/{action}, served by the one
	// {action} route and named by its last segment.
	action bool
}

type partyMethod func(*Dialect, http.ResponseWriter, *http.Request, simulator.Call, simulator.Leg)

// scope is the subrouter a route hangs on; each level's prefix is matched once.
type scope int

const (
	scopeAPI scope = iota // /restapi
	scopeAccount
	scopeSession
	scopeParty
	scopeExtension
	scopeSubscription
	scopeOAuth
	scopeSocket // outside /restapi: Mount serves it at Options.WebSocketPath
)

// prefix is the scope's path below /restapi (the socket's is its default path).
func (s scope) prefix() string {
	switch s {
	case scopeAccount:
		return "/v1.0/account/{accountId}"
	case scopeSession:
		return scopeAccount.prefix() + "/telephony/sessions/{telephonySessionId}"
	case scopeParty:
		return scopeSession.prefix() + "/parties/{partyId}"
	case scopeExtension:
		return scopeAccount.prefix() + "/extension/{extensionId}"
	case scopeSubscription:
		return "/v1.0/subscription"
	case scopeOAuth:
		return "/oauth"
	}
	return ""
}

// fullPath is the route's path as a client sends it.
func (rt route) fullPath() string {
	if rt.scope == scopeSocket {
		return rt.path
	}
	return "/restapi" + rt.scope.prefix() + rt.path
}

// guard is who may call a route.
type guard int

const (
	guardNone    guard = iota // no token (OAuth, API versions; the socket checks its own)
	guardBearer               // a valid access token
	guardAccount              // a valid access token of the path's {accountId}
)

// routeTable lists every endpoint, in the order the router tries them:
// the hot path (call control) first.
var routeTable = []route{
	{op: "get-session", method: http.MethodGet, scope: scopeSession, group: groupLight, guard: guardAccount, serve: (*Dialect).serveGetSession},
	{op: "delete-session", method: http.MethodDelete, scope: scopeSession, group: groupLight, guard: guardAccount, serve: (*Dialect).serveDeleteSession},
	{op: "get-party", method: http.MethodGet, scope: scopeParty, group: groupLight, party: (*Dialect).serveGetParty},
	{op: "patch-party", method: http.MethodPatch, scope: scopeParty, group: groupLight, party: (*Dialect).servePatchParty},
	{op: "delete-party", method: http.MethodDelete, scope: scopeParty, group: groupLight, party: (*Dialect).serveDeleteParty},
	{op: "hold", method: http.MethodPost, scope: scopeParty, path: "/hold", group: groupLight, party: (*Dialect).serveHold, action: true},
	{op: "unhold", method: http.MethodPost, scope: scopeParty, path: "/unhold", group: groupLight, party: (*Dialect).serveUnhold, action: true},
	{op: "answer", method: http.MethodPost, scope: scopeParty, path: "/answer", group: groupLight, party: (*Dialect).serveAnswer, action: true},
	{op: "reject", method: http.MethodPost, scope: scopeParty, path: "/reject", group: groupLight, party: (*Dialect).serveReject, action: true},
	{op: "ignore", method: http.MethodPost, scope: scopeParty, path: "/ignore", group: groupLight, party: (*Dialect).serveIgnore, action: true},
	{op: "forward", method: http.MethodPost, scope: scopeParty, path: "/forward", group: groupLight, party: (*Dialect).serveForward, action: true},
	{op: "transfer", method: http.MethodPost, scope: scopeParty, path: "/transfer", group: groupLight, party: (*Dialect).serveTransfer, action: true},
	{op: "park", method: http.MethodPost, scope: scopeParty, path: "/park", group: groupLight, party: (*Dialect).servePark, action: true},
	{op: "flip", method: http.MethodPost, scope: scopeParty, path: "/flip", group: groupLight, party: (*Dialect).serveFlip, action: true},
	{op: "bridge", method: http.MethodPost, scope: scopeParty, path: "/bridge", group: groupLight, party: (*Dialect).serveBridge, action: true},
	{op: "start-recording", method: http.MethodPost, scope: scopeParty, path: "/recordings", group: groupLight, party: (*Dialect).serveStartRecording, action: true},
	{op: "patch-recording", method: http.MethodPatch, scope: scopeParty, path: "/recordings/{recordingId}", group: groupLight, party: (*Dialect).servePatchRecording},
	{op: "call-out", method: http.MethodPost, scope: scopeAccount, path: "/telephony/call-out", group: groupHeavy, guard: guardAccount, serve: (*Dialect).serveCallOut},
	{op: "account", method: http.MethodGet, scope: scopeAccount, group: groupLight, guard: guardAccount, serve: (*Dialect).serveAccount},
	{op: "account-presence", method: http.MethodGet, scope: scopeAccount, path: "/presence", group: groupHeavy, guard: guardAccount, serve: (*Dialect).serveAccountPresence},
	{op: "extension", method: http.MethodGet, scope: scopeExtension, group: groupLight, guard: guardAccount, serve: (*Dialect).serveExtension},
	{op: "devices", method: http.MethodGet, scope: scopeExtension, path: "/device", group: groupLight, guard: guardAccount, serve: (*Dialect).serveDevices},
	{op: "extension-presence", method: http.MethodGet, scope: scopeExtension, path: "/presence", group: groupLight, guard: guardAccount, serve: (*Dialect).serveExtensionPresence},
	// Start-up and reconciliation reads (issue 13 item 1): API version,
	// extension list, phone numbers, active calls, call log.
	{op: "api-versions", method: http.MethodGet, scope: scopeAPI, group: groupLight, serve: (*Dialect).serveAPIVersions},
	{op: "api-versions", method: http.MethodGet, scope: scopeAPI, path: "/", group: groupLight, serve: (*Dialect).serveAPIVersions},
	{op: "api-version", method: http.MethodGet, scope: scopeAPI, path: "/v1.0", group: groupLight, serve: (*Dialect).serveAPIVersion},
	{op: "extension-list", method: http.MethodGet, scope: scopeAccount, path: "/extension", group: groupMedium, guard: guardAccount, serve: (*Dialect).serveExtensionList},
	{op: "phone-numbers", method: http.MethodGet, scope: scopeExtension, path: "/phone-number", group: groupLight, guard: guardAccount, serve: (*Dialect).servePhoneNumbers},
	{op: "extension-active-calls", method: http.MethodGet, scope: scopeExtension, path: "/active-calls", group: groupHeavy, guard: guardAccount, serve: (*Dialect).serveExtensionActiveCalls},
	{op: "account-active-calls", method: http.MethodGet, scope: scopeAccount, path: "/active-calls", group: groupHeavy, guard: guardAccount, serve: (*Dialect).serveAccountActiveCalls},
	{op: "extension-call-log", method: http.MethodGet, scope: scopeExtension, path: "/call-log", group: groupHeavy, guard: guardAccount, serve: (*Dialect).serveExtensionCallLog},
	{op: "account-call-log", method: http.MethodGet, scope: scopeAccount, path: "/call-log", group: groupHeavy, guard: guardAccount, serve: (*Dialect).serveAccountCallLog},

	{op: "list-subscriptions", method: http.MethodGet, scope: scopeSubscription, group: groupLight, guard: guardBearer, serve: (*Dialect).serveListSubscriptions},
	{op: "create-subscription", method: http.MethodPost, scope: scopeSubscription, group: groupMedium, guard: guardBearer, serve: (*Dialect).serveCreateSubscription},
	{op: "get-subscription", method: http.MethodGet, scope: scopeSubscription, path: "/{subscriptionId}", group: groupLight, guard: guardBearer, serve: (*Dialect).serveGetSubscription},
	{op: "update-subscription", method: http.MethodPut, scope: scopeSubscription, path: "/{subscriptionId}", group: groupMedium, guard: guardBearer, serve: (*Dialect).serveUpdateSubscription},
	{op: "delete-subscription", method: http.MethodDelete, scope: scopeSubscription, path: "/{subscriptionId}", group: groupMedium, guard: guardBearer, serve: (*Dialect).serveDeleteSubscription},
	{op: "renew-subscription", method: http.MethodPost, scope: scopeSubscription, path: "/{subscriptionId}/renew", group: groupLight, guard: guardBearer, serve: (*Dialect).serveRenewSubscription},

	{op: "token", method: http.MethodPost, scope: scopeOAuth, path: "/token", group: groupAuth, serve: (*Dialect).serveToken},
	{op: "revoke", method: http.MethodPost, scope: scopeOAuth, path: "/revoke", group: groupAuth, serve: (*Dialect).serveRevoke},
	{op: "wstoken", method: http.MethodPost, scope: scopeOAuth, path: "/wstoken", group: groupAuth, serve: (*Dialect).serveWSToken},

	// The notification socket: outside /restapi, so never rate-limited.
	{op: "websocket", method: http.MethodGet, scope: scopeSocket, path: "/ws", serve: (*Dialect).serveWebSocket},
}

// OperationNames lists the operation names of the route table, in table
// order without repeats: what a fault rule's match.operation accepts for
// this dialect.
func OperationNames() []string { return operations.Names() }

// RouteList renders the route table as the Markdown table of
// docs/ringcentral.md ("Routes").
func RouteList() string {
	var b strings.Builder
	b.WriteString("| Operation | Method | Path | Rate-limit group |\n|---|---|---|---|\n")
	for _, rt := range routeTable {
		group := rt.group
		if group == "" {
			group = "(not limited)"
		}
		b.WriteString("| `" + rt.op + "` | " + rt.method + " | `" + rt.fullPath() + "` | " + group + " |\n")
	}
	return b.String()
}

// routes mounts the route table under the /restapi subrouter, each
// handler behind chain (the dialect's middleware, built once per route,
// not once per request as the router's Use would).
//
// gorilla/mux tries routes in order and runs a regexp per route tried,
// and two per subrouter level it passes (one to match, one for the
// variables). So the call-control routes hang on /restapi itself by
// their full templates, the most frequent first (GET session, the party
// actions, call-out: a warm transfer's requests reach their route with
// two to four regexps, not six to eleven), and every other route on its
// scope's subrouter, whose prefix is matched once (issue 16).
func (d *Dialect) routes(api *mux.Router, chain func(http.Handler) http.Handler) {
	actions := map[string]http.HandlerFunc{}
	var flat, scoped []route
	for _, rt := range routeTable {
		switch {
		case rt.scope == scopeSocket:
			continue // Mount serves it at the configured WebSocket path
		case rt.action:
			actions[strings.TrimPrefix(rt.path, "/")] = d.handlerOf(rt)
			if len(actions) == 1 {
				flat = append(flat, rt)
			}
		case rt.scope == scopeSession || rt.scope == scopeParty || rt.op == "call-out":
			flat = append(flat, rt)
		default:
			scoped = append(scoped, rt)
		}
	}
	// mux tries a router's routes in the order they were made: the
	// call-control routes first, then the subrouters.
	slices.SortStableFunc(flat, func(a, b route) int { return hotRank(a) - hotRank(b) })
	for _, rt := range flat {
		if rt.action {
			// One route for every action: a map finds the handler, an
			// unknown action gets the same 404 as any unknown path.
			api.Handle(rt.scope.prefix()+"/{action}", chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if h, ok := actions[mux.Vars(r)["action"]]; ok {
					h(w, r)
					return
				}
				noRoute(w, r)
			}))).Methods(http.MethodPost)
			continue
		}
		api.Handle(rt.scope.prefix()+rt.path, chain(d.handlerOf(rt))).Methods(rt.method)
	}
	acc := api.PathPrefix(scopeAccount.prefix()).Subrouter()
	ext := acc.PathPrefix(strings.TrimPrefix(scopeExtension.prefix(), scopeAccount.prefix())).Subrouter()
	sub := api.PathPrefix(scopeSubscription.prefix()).Subrouter()
	oauth := api.PathPrefix(scopeOAuth.prefix()).Subrouter()
	routers := map[scope]*mux.Router{
		scopeAPI: api, scopeAccount: acc, scopeExtension: ext, scopeSubscription: sub, scopeOAuth: oauth,
	}
	for _, rt := range scoped {
		routers[rt.scope].Handle(rt.path, chain(d.handlerOf(rt))).Methods(rt.method)
	}
	// Anything else under /restapi answers in the vendor's shape, not with
	// the router's plain-text 404.
	api.PathPrefix("/").Handler(chain(http.HandlerFunc(noRoute)))
}

// hotRank orders the call-control routes by how often a warm transfer
// calls them: GET session thrice, a party action twice (hold, bridge),
// call-out once; the others (table order) after.
func hotRank(rt route) int {
	switch {
	case rt.op == "get-session":
		return 0
	case rt.action:
		return 1
	case rt.op == "call-out":
		return 2
	}
	return 3
}

// handlerOf binds a route's handler to d behind its guard.
func (d *Dialect) handlerOf(rt route) http.HandlerFunc {
	if p := rt.party; p != nil {
		return d.inParty(func(w http.ResponseWriter, r *http.Request, c simulator.Call, l simulator.Leg) { p(d, w, r, c, l) })
	}
	serve := rt.serve
	h := func(w http.ResponseWriter, r *http.Request) { serve(d, w, r) }
	switch rt.guard {
	case guardAccount:
		return d.inAccount(h)
	case guardBearer:
		return d.authenticated(h)
	}
	return h
}

// noRoute answers a path pbxsim does not serve, in RingCentral's shape.
func noRoute(w http.ResponseWriter, r *http.Request) {
	writeError(w, notFound("path", r.URL.Path, "pbxsim does not serve "+r.Method+" "+r.URL.Path))
}

// inAccount authenticates the caller and checks the {accountId} of the
// path: "~" or the token's own account. Any other account answers exactly
// like an unknown one (tenant isolation).
func (d *Dialect) inAccount(h http.HandlerFunc) http.HandlerFunc {
	return d.authenticated(func(w http.ResponseWriter, r *http.Request) {
		a := mux.Vars(r)["accountId"]
		if a != "~" && a != caller(r).AccountID {
			writeError(w, notFound("accountId", a, "no such account"))
			return
		}
		h(w, r)
	})
}

// partyHandler serves an operation on one party of a visible session.
type partyHandler func(w http.ResponseWriter, r *http.Request, c simulator.Call, l simulator.Leg)

func (d *Dialect) inParty(h partyHandler) http.HandlerFunc {
	return d.inAccount(func(w http.ResponseWriter, r *http.Request) {
		v := mux.Vars(r)
		c, err := d.session(caller(r), v["telephonySessionId"], "telephonySessionId")
		if err != nil {
			writeError(w, err)
			return
		}
		l, err := d.partyOf(c, v["partyId"], "partyId")
		if err != nil {
			writeError(w, err)
			return
		}
		h(w, r, c, l)
	})
}

// session finds a telephony session the caller may see. Malformed and
// swapped IDs are named as such (DOCS warm-transfer hint: s- is a session,
// p-…-n a party).
func (d *Dialect) session(id identity, sid, param string) (simulator.Call, error) {
	if _, ok := sessionHex(sid); !ok {
		if _, _, isParty := partyHex(sid); isParty {
			return simulator.Call{}, notFound(param, sid, sid+" is a party ID, not a telephony session ID (session IDs start with s-; are the IDs swapped?)")
		}
		return simulator.Call{}, notFound(param, sid, malformedSessionDetail(sid))
	}
	c, ok := d.sim.LookupCall(attrSession, sid)
	if !ok || !concerns(c, id.AccountID) {
		return simulator.Call{}, notFound(param, sid, "no telephony session "+sid)
	}
	if !c.Active() && d.dir().quirk(id.AccountID, quirkEndedSession) == "not-found" {
		return simulator.Call{}, notFound(param, sid, "telephony session "+sid+" has ended")
	}
	return c, nil
}

// partyOf finds a party of session c.
func (d *Dialect) partyOf(c simulator.Call, pid, param string) (simulator.Leg, error) {
	sid := c.Attrs[attrSession]
	h, _, ok := partyHex(pid)
	if !ok {
		if _, isSession := sessionHex(pid); isSession {
			return simulator.Leg{}, notFound(param, pid, pid+" is a telephony session ID, not a party ID (party IDs look like p-<hex>-<n>; are the IDs swapped?)")
		}
		return simulator.Leg{}, notFound(param, pid, malformedPartyDetail(pid))
	}
	if "s-"+h != sid {
		return simulator.Leg{}, notFound(param, pid, "party "+pid+" does not belong to telephony session "+sid)
	}
	for _, l := range c.Legs {
		if l.Attrs[attrParty] == pid {
			return l, nil
		}
	}
	return simulator.Leg{}, notFound(param, pid, "session "+sid+" has no party "+pid)
}

// ownParty enforces who may act on a party (quirk party-control).
func (d *Dialect) ownParty(id identity, l simulator.Leg) error {
	if d.dir().quirk(id.AccountID, quirkPartyControl) == "account" {
		return nil
	}
	x, ok := d.dir().owner(l.Endpoint)
	switch {
	case !ok:
		return notAllowed("party " + l.Attrs[attrParty] + " is not a party of an extension; only the token's own extension (" + id.ExtensionID + ") can control its parties")
	case x.AccountID != id.AccountID || x.ID != id.ExtensionID:
		return notAllowed("party " + l.Attrs[attrParty] + " belongs to extension " + x.ID + ", not to the token's extension " + id.ExtensionID)
	}
	return nil
}

// ownSession enforces who may end a whole session: an extension with a
// party in it (quirk party-control "account": anyone in the account).
func (d *Dialect) ownSession(id identity, c simulator.Call) error {
	if d.dir().quirk(id.AccountID, quirkPartyControl) == "account" {
		return nil
	}
	for _, l := range c.Legs {
		if x, ok := d.dir().owner(l.Endpoint); ok && x.AccountID == id.AccountID && x.ID == id.ExtensionID {
			return nil
		}
	}
	return notAllowed("extension " + id.ExtensionID + " has no party in telephony session " + c.Attrs[attrSession] + "; only an extension in the call can end it")
}

func (d *Dialect) serveGetSession(w http.ResponseWriter, r *http.Request) {
	id := caller(r)
	c, err := d.session(id, mux.Vars(r)["telephonySessionId"], "telephonySessionId")
	if err != nil {
		writeError(w, err)
		return
	}
	writeRendered(w, http.StatusOK, func(b []byte) []byte { return d.appendSession(b, c, id.AccountID) })
}

// serveDeleteSession drops the whole call: 204, no body (reference §6.6).
// Only an extension with a party in the call may end it, as only a
// party's extension may act on that party (issue 10 item 6).
func (d *Dialect) serveDeleteSession(w http.ResponseWriter, r *http.Request) {
	id := caller(r)
	c, err := d.session(id, mux.Vars(r)["telephonySessionId"], "telephonySessionId")
	if err != nil {
		writeError(w, err)
		return
	}
	if err := d.ownSession(id, c); err != nil {
		writeError(w, err)
		return
	}
	if err := d.sim.HangupCall(c.ID); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// respondParty answers 200 (or status) with the party's state after an
// operation.
func (d *Dialect) respondParty(w http.ResponseWriter, r *http.Request, status int, legID string) {
	l, _, err := d.sim.Leg(legID)
	if err != nil {
		writeError(w, err)
		return
	}
	d.writeParty(w, status, l, caller(r).AccountID)
}

// writeParty answers status with leg l as the viewer's CallParty, its
// owner and the party itself on this stack, not the heap.
func (d *Dialect) writeParty(w http.ResponseWriter, status int, l simulator.Leg, viewer string) {
	writeRendered(w, status, func(b []byte) []byte {
		var owner ownerInfo
		return d.renderPartyOwned(l, viewer, &owner).appendJSON(b)
	})
}
