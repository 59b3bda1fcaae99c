package netsapiens

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/journalhttp"
)

// A call action is checked at once (credentials, scope, the call-id
// belongs to one of the user's calls, body shape) and refused with a 4xx
// if that fails. What depends on call state is decided when the change is
// applied, after the apply delay, and written to the request's journal
// entry ("hold applied: ..." or "hold not applied: ..."): the client has
// its 202 by then, as with the real switch.

// actionRequest is a checked call action.
type actionRequest struct {
	scope
	uc   userCall
	body body
}

func (d *Dialect) checkAction(w http.ResponseWriter, r *http.Request) (actionRequest, bool) {
	s, err := d.userScope(r)
	if err == nil {
		err = mayWrite(s.p)
	}
	var uc userCall
	if err == nil {
		uc, err = d.findUserCall(s, mux.Vars(r)["callid"])
	}
	var b body
	if err == nil {
		b, err = readBody(r)
	}
	if err == nil {
		err = d.checkCallIDContract(r, uc, b)
	}
	if err != nil {
		writeError(w, err)
		return actionRequest{}, false
	}
	return actionRequest{scope: s, uc: uc, body: b}, true
}

// apply runs change after the apply delay and notes its outcome in the
// request's journal entry.
func (d *Dialect) apply(r *http.Request, what string, change func() (string, error)) {
	note := journalhttp.Deferred(r)
	delay, drop, rule := d.applyFault(r)
	if drop {
		note(what + " not applied: fault " + rule + " (injected) dropped the change after its 202")
		return
	}
	domain, _ := d.domainNamed(mux.Vars(r)["domain"])
	if domain == "" {
		domain = journalhttp.Tenant(r)
	}
	d.laterAfter(domain, delay, func() {
		defer func() {
			if v := recover(); v != nil {
				note(what + " not applied: pbxsim failed applying it (panic recovered; see the journal's PANIC entry)")
				d.journalPanic("applying "+what, v)
			}
		}()
		if d.applyHook != nil {
			d.applyHook(what)
		}
		done, err := change()
		if err != nil {
			note(what + " not applied: " + err.Error())
			return
		}
		note(what + " applied: " + done)
	})
}

func (d *Dialect) hold(w http.ResponseWriter, r *http.Request)   { d.holdAction(w, r, true) }
func (d *Dialect) unhold(w http.ResponseWriter, r *http.Request) { d.holdAction(w, r, false) }

// holdAction is PATCH .../calls/{call_id}/hold and /unhold. The guide keys
// hold by call-term-call-id: the holding user's own leg in a call it
// received (quirk hold-call-id).
func (d *Dialect) holdAction(w http.ResponseWriter, r *http.Request, on bool) {
	a, ok := d.checkAction(w, r)
	if !ok {
		return
	}
	what := "unhold"
	if on {
		what = "hold"
	}
	own, named := a.uc.own, a.uc.named
	d.apply(r, what, func() (string, error) {
		if named.ID != own.ID && a.prof.holdCallID == "own-leg" {
			return "", fmt.Errorf("call-id %s is the other side's leg, not user %s's own leg (%s); %s acts on the user's own leg (quirk %s=own-leg)",
				named.Attrs[AttrCallID], a.user, own.Attrs[AttrCallID], what, QuirkHoldCallID)
		}
		var err error
		if on {
			err = d.sim.Hold(own.ID)
		} else {
			err = d.sim.Unhold(own.ID)
		}
		return fmt.Sprintf("user %s's leg %s in session %s", a.user, own.ID, a.uc.call.Attrs[AttrSessionID]), err
	})
	writeAccepted(w)
}

// answer is PATCH .../calls/{call_id}/answer: the user's ringing leg
// answers. Either call-id of the call works; a destination device, if
// given, is only recorded.
func (d *Dialect) answer(w http.ResponseWriter, r *http.Request) {
	a, ok := d.checkAction(w, r)
	if !ok {
		return
	}
	device, err := a.body.optional("destination")
	if err != nil {
		writeError(w, err)
		return
	}
	own := a.uc.own
	d.apply(r, "answer", func() (string, error) {
		if err := d.sim.Answer(own.ID); err != nil {
			return "", err
		}
		done := fmt.Sprintf("user %s answered leg %s", a.user, own.ID)
		if device != "" {
			done += " on " + device
		}
		return done, nil
	})
	writeAccepted(w)
}

// reject is DELETE .../calls/{call_id}/reject: only a ringing call; an
// answered one is left alone (use DELETE .../calls/{call_id}).
func (d *Dialect) reject(w http.ResponseWriter, r *http.Request) {
	a, ok := d.checkAction(w, r)
	if !ok {
		return
	}
	own := a.uc.own
	d.apply(r, "reject", func() (string, error) {
		return fmt.Sprintf("user %s rejected leg %s", a.user, own.ID), d.sim.Reject(own.ID)
	})
	writeJSON(w, http.StatusAccepted, object{})
}

// disconnect is DELETE .../calls/{call_id}: the user's leg hangs up. SPEC45
// documents 200 with an empty object.
func (d *Dialect) disconnect(w http.ResponseWriter, r *http.Request) {
	a, ok := d.checkAction(w, r)
	if !ok {
		return
	}
	own := a.uc.own
	d.apply(r, "disconnect", func() (string, error) {
		return fmt.Sprintf("user %s hung up leg %s", a.user, own.ID), d.sim.Hangup(own.ID)
	})
	writeJSON(w, http.StatusOK, object{})
}

// makeCall is POST /domains/{domain}/users/{user}/calls (click-to-call,
// SPEC45 CallRequest): the user's own phone is connected first, then
// call-term-user rings. 202 {} and the call appears after the apply
// delay, or 200 with the ActiveCall when "synchronous":"yes".
func (d *Dialect) makeCall(w http.ResponseWriter, r *http.Request) {
	s, err := d.userScope(r)
	if err == nil {
		err = mayWrite(s.p)
	}
	var b body
	if err == nil {
		b, err = readBody(r)
	}
	var req simulator.OriginateRequest
	var sync bool
	var callID string
	if err == nil {
		req, callID, sync, err = d.callRequest(s, b)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	key := s.domain + "/" + s.user + "/" + callID
	d.mu.Lock()
	dup := d.reserved[key]
	d.mu.Unlock()
	if dup || d.callIDInUse(s, callID) {
		writeError(w, refuse(errConflict, "call-id %s is already in use by a call of user %s", callID, s.user))
		return
	}
	if sync {
		c, err := d.sim.Originate(req)
		if err != nil {
			writeError(w, fromCore(err))
			return
		}
		writeJSON(w, http.StatusOK, activeCall(c, d.core, s.prof))
		return
	}
	d.mu.Lock()
	d.reserved[key] = true
	d.mu.Unlock()
	d.apply(r, "call", func() (string, error) {
		d.mu.Lock()
		delete(d.reserved, key)
		d.mu.Unlock()
		c, err := d.sim.Originate(req)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("session %s, %s rings", c.Attrs[AttrSessionID], c.Legs[len(c.Legs)-1].Endpoint.Number), nil
	})
	writeJSON(w, http.StatusAccepted, object{})
}

func (d *Dialect) callIDInUse(s scope, callID string) bool {
	for _, c := range d.userCalls(s.domain, s.user) {
		for _, l := range c.Legs {
			if l.Attrs[AttrCallID] == callID {
				return true
			}
		}
	}
	return false
}

// callRequest checks a CallRequest body and builds the core request.
func (d *Dialect) callRequest(s scope, b body) (simulator.OriginateRequest, string, bool, *apiError) {
	var none simulator.OriginateRequest
	syncVal, err := b.optional("synchronous")
	if err != nil {
		return none, "", false, err
	}
	if syncVal != "" && syncVal != "yes" && syncVal != "no" {
		return none, "", false, refuse(errInvalidRequest, "synchronous must be yes or no, not %q", syncVal)
	}
	callID, err := b.required("call-id")
	if err == nil {
		err = checkCallID(callID)
	}
	if err != nil {
		return none, "", false, err
	}
	dest, err := b.optional("call-term-user")
	if err == nil && dest == "" {
		dest, err = b.optional("destination") // the v1 name, still in SPEC45 examples
	}
	if err != nil {
		return none, "", false, err
	}
	if dest == "" {
		return none, "", false, refuse(errInvalidRequest, "Missing required field call-term-user")
	}
	for _, f := range []string{"dial-rule-application", "caller-id-number", "callback-caller-id-number", "call-term-added-sip-header"} {
		if _, err := b.optional(f); err != nil {
			return none, "", false, err
		}
	}
	autoAnswer, err := b.optional("auto-answer-enabled")
	if err != nil || (autoAnswer != "" && autoAnswer != "yes" && autoAnswer != "no") {
		return none, "", false, refuse(errInvalidRequest, "auto-answer-enabled must be yes or no")
	}
	from, err := d.userEndpoint(s.domain, s.user)
	if err != nil {
		return none, "", false, err
	}
	origUser, err := b.optional("call-orig-user")
	if err != nil {
		return none, "", false, err
	}
	if origUser != "" {
		if from, err = d.callOrigUser(s, origUser); err != nil {
			return none, "", false, err
		}
	}
	to, err := d.resolveDestination(s.domain, dest)
	if err != nil {
		return none, "", false, err
	}
	return simulator.OriginateRequest{
		// The first leg rings the user's (or call-orig-user's) own phone;
		// the term user is dialled once it connects: at once with
		// auto-answer-enabled yes, when the phone answers otherwise
		// (default no). Source: reference/netsapiens.md §2.1; issue 13 item 8.
		From: from, To: to, Origin: "click-to-call",
		CallerConnected: autoAnswer == "yes", CallerRingsFirst: autoAnswer != "yes",
		CallAttrs: map[string]string{AttrByAction: "CallRequest", AttrByUser: s.user + "@" + s.domain, AttrByCallID: callID},
		FromAttrs: map[string]string{AttrCallID: callID},
	}, callID, syncVal == "yes", nil
}

// callOrigUser resolves call-orig-user: a user of the domain (a Basic User
// only itself) or a phone number to ring first.
func (d *Dialect) callOrigUser(s scope, raw string) (simulator.Endpoint, *apiError) {
	u, host, _ := strings.Cut(strings.TrimPrefix(raw, "sip:"), "@")
	if host != "" && !strings.EqualFold(host, s.domain) && !isPhoneNumber(u) {
		return simulator.Endpoint{}, refuse(errDenied, msgDomainDenied)
	}
	if _, ok := d.sim.User(s.domain, u); ok {
		if s.p.level == levelUser && u != s.p.user {
			return simulator.Endpoint{}, refuse(errDenied, msgPermissionDenied)
		}
		return d.userEndpoint(s.domain, u)
	}
	return d.resolveDestination(s.domain, raw)
}

func (d *Dialect) userEndpoint(domain, user string) (simulator.Endpoint, *apiError) {
	ep, err := d.sim.Resolve("user:"+domain+"/"+user, "")
	if err != nil {
		return simulator.Endpoint{}, refuse(errNoSuchResource, "User %s does not exist in domain %s", user, domain)
	}
	ep.Number = user
	return ep, nil
}

// resolveDestination reads a destination as NS clients write it: "1010",
// "1010@TEST", "sip:1010@TEST", "18587625200", "+18587625200". A user of
// the domain wins; a number of 7 or more digits dials out (or reaches the
// user it is routed to).
func (d *Dialect) resolveDestination(domain, raw string) (simulator.Endpoint, *apiError) {
	s := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(raw), "sip:"), "tel:")
	u, host, hasHost := strings.Cut(s, "@")
	if u == "" {
		return simulator.Endpoint{}, refuse(errInvalidRequest, "Destination %q names no user or number", raw)
	}
	if !hasHost || strings.EqualFold(host, domain) {
		if _, ok := d.sim.User(domain, u); ok {
			return d.userEndpoint(domain, u)
		}
	}
	if isPhoneNumber(u) {
		num := strings.TrimPrefix(u, "+")
		switch {
		case strings.HasPrefix(u, "+"):
		case len(num) == 10:
			num = "1" + num
		}
		ep, err := d.sim.Resolve("+"+num, "")
		if err != nil {
			return simulator.Endpoint{}, refuse(errInvalidRequest, "Destination %q is not a valid number", raw)
		}
		return ep, nil
	}
	if hasHost && !strings.EqualFold(host, domain) {
		domain = host
	}
	return simulator.Endpoint{}, refuse(errNoSuchResource, "User %s does not exist in domain %s", u, domain)
}

func isPhoneNumber(s string) bool {
	n := strings.TrimPrefix(s, "+")
	return isDigits(n) && len(n) >= 7 && len(n) <= 15
}
