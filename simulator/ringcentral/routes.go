package ringcentral

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// routes registers every REST endpoint under the /restapi subrouter.
// gorilla/mux tries routes in order and matches each by a regexp, so the
// hot path (call control) comes first and every level is a subrouter
// whose prefix is matched once: a party action is tested against a
// handful of regexps, not against every route (issue 16).
func (d *Dialect) routes(api *mux.Router) {
	acc := api.PathPrefix("/v1.0/account/{accountId}").Subrouter()
	ses := acc.PathPrefix("/telephony/sessions/{telephonySessionId}").Subrouter()
	ses.HandleFunc("", d.inAccount(d.serveGetSession)).Methods(http.MethodGet)
	ses.HandleFunc("", d.inAccount(d.serveDeleteSession)).Methods(http.MethodDelete)
	pty := ses.PathPrefix("/parties/{partyId}").Subrouter()
	pty.HandleFunc("", d.inParty(d.serveGetParty)).Methods(http.MethodGet)
	pty.HandleFunc("", d.inParty(d.servePatchParty)).Methods(http.MethodPatch)
	pty.HandleFunc("", d.inParty(d.serveDeleteParty)).Methods(http.MethodDelete)
	actions := map[string]http.HandlerFunc{}
	for action, h := range map[string]partyHandler{
		"hold": d.serveHold, "unhold": d.serveUnhold, "answer": d.serveAnswer,
		"reject": d.serveReject, "ignore": d.serveIgnore, "forward": d.serveForward,
		"transfer": d.serveTransfer, "park": d.servePark, "flip": d.serveFlip,
		"bridge": d.serveBridge, "recordings": d.serveStartRecording,
	} {
		actions[action] = d.inParty(h)
	}
	// One route for every action: a map finds the handler, an unknown
	// action gets the same 404 as any unknown path.
	pty.HandleFunc("/{action}", func(w http.ResponseWriter, r *http.Request) {
		if h, ok := actions[mux.Vars(r)["action"]]; ok {
			h(w, r)
			return
		}
		noRoute(w, r)
	}).Methods(http.MethodPost)
	pty.HandleFunc("/recordings/{recordingId}", d.inParty(d.servePatchRecording)).Methods(http.MethodPatch)
	acc.HandleFunc("/telephony/call-out", d.inAccount(d.serveCallOut)).Methods(http.MethodPost)
	acc.HandleFunc("", d.inAccount(d.serveAccount)).Methods(http.MethodGet)
	acc.HandleFunc("/presence", d.inAccount(d.serveAccountPresence)).Methods(http.MethodGet)
	ext := acc.PathPrefix("/extension/{extensionId}").Subrouter()
	ext.HandleFunc("", d.inAccount(d.serveExtension)).Methods(http.MethodGet)
	ext.HandleFunc("/device", d.inAccount(d.serveDevices)).Methods(http.MethodGet)
	ext.HandleFunc("/presence", d.inAccount(d.serveExtensionPresence)).Methods(http.MethodGet)

	// Start-up and reconciliation reads (issue 13 item 1): API version,
	// extension list, phone numbers, active calls, call log.
	api.HandleFunc("", d.serveAPIVersions).Methods(http.MethodGet)
	api.HandleFunc("/", d.serveAPIVersions).Methods(http.MethodGet)
	api.HandleFunc("/v1.0", d.serveAPIVersion).Methods(http.MethodGet)
	acc.HandleFunc("/extension", d.inAccount(d.serveExtensionList)).Methods(http.MethodGet)
	ext.HandleFunc("/phone-number", d.inAccount(d.servePhoneNumbers)).Methods(http.MethodGet)
	ext.HandleFunc("/active-calls", d.inAccount(d.serveExtensionActiveCalls)).Methods(http.MethodGet)
	acc.HandleFunc("/active-calls", d.inAccount(d.serveAccountActiveCalls)).Methods(http.MethodGet)
	ext.HandleFunc("/call-log", d.inAccount(d.serveExtensionCallLog)).Methods(http.MethodGet)
	acc.HandleFunc("/call-log", d.inAccount(d.serveAccountCallLog)).Methods(http.MethodGet)

	sub := api.PathPrefix("/v1.0/subscription").Subrouter()
	sub.HandleFunc("", d.authenticated(d.serveListSubscriptions)).Methods(http.MethodGet)
	sub.HandleFunc("", d.authenticated(d.serveCreateSubscription)).Methods(http.MethodPost)
	sub.HandleFunc("/{subscriptionId}", d.authenticated(d.serveGetSubscription)).Methods(http.MethodGet)
	sub.HandleFunc("/{subscriptionId}", d.authenticated(d.serveUpdateSubscription)).Methods(http.MethodPut)
	sub.HandleFunc("/{subscriptionId}", d.authenticated(d.serveDeleteSubscription)).Methods(http.MethodDelete)
	sub.HandleFunc("/{subscriptionId}/renew", d.authenticated(d.serveRenewSubscription)).Methods(http.MethodPost)

	oauth := api.PathPrefix("/oauth").Subrouter()
	oauth.HandleFunc("/token", d.serveToken).Methods(http.MethodPost)
	oauth.HandleFunc("/revoke", d.serveRevoke).Methods(http.MethodPost)
	oauth.HandleFunc("/wstoken", d.serveWSToken).Methods(http.MethodPost)

	// Anything else under /restapi answers in the vendor's shape, not with
	// the router's plain-text 404.
	api.PathPrefix("/").HandlerFunc(noRoute)
}

// noRoute answers a path pbxsim does not serve, in RingCentral's shape.
func noRoute(w http.ResponseWriter, r *http.Request) {
	writeError(w, &apiError{Status: http.StatusNotFound, Code: "CMN-102",
		Message: "Resource for parameter [path] is not found: pbxsim does not serve " + r.Method + " " + r.URL.Path,
		Param:   "path", Value: r.URL.Path})
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
	writeJSON(w, http.StatusOK, d.renderSession(c, id.AccountID))
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
	writeJSON(w, status, d.renderParty(l, caller(r).AccountID, true))
}
