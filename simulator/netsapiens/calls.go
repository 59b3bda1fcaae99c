package netsapiens

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// scope is a request's resolved domain and, for user paths, user.
type scope struct {
	p      principal
	domain string
	user   string
	prof   profile
}

// domainScope authenticates and resolves {domain}.
func (d *Dialect) domainScope(r *http.Request) (scope, *apiError) {
	p, err := d.authenticate(r)
	if err != nil {
		return scope{}, err
	}
	dom, err := d.domainFor(p, mux.Vars(r)["domain"])
	if err != nil {
		return scope{}, err
	}
	return scope{p: p, domain: dom, prof: d.dir().profiles[dom]}, nil
}

// userScope authenticates and resolves {domain} and {user}.
func (d *Dialect) userScope(r *http.Request) (scope, *apiError) {
	s, err := d.domainScope(r)
	if err != nil {
		return scope{}, err
	}
	if s.user, err = d.userFor(s.p, s.domain, mux.Vars(r)["user"]); err != nil {
		return scope{}, err
	}
	return s, nil
}

// domainCalls are the active calls with a leg in the domain, oldest first.
// A Basic User sees only the calls it is in.
func (d *Dialect) domainCalls(s scope) []simulator.Call {
	if s.p.level == levelUser {
		return d.userCalls(s.domain, s.p.user)
	}
	var out []simulator.Call
	for _, c := range d.sim.ActiveCallsOfTenant(s.domain) {
		if c.Active() && c.Attrs[AttrSessionID] != "" && inDomain(c, s.domain) {
			out = append(out, c)
		}
	}
	return out
}

// userCalls are the active NetSapiens calls in which the user has a live leg.
func (d *Dialect) userCalls(domain, user string) []simulator.Call {
	var out []simulator.Call
	for _, c := range d.sim.CallsOfUser(domain, user) {
		if c.Attrs[AttrSessionID] != "" {
			out = append(out, c)
		}
	}
	return out
}

// inDomain reports whether a call concerns a domain: one of its legs is
// there, or is calling there (an inbound call before the user's phone
// leg exists).
func inDomain(c simulator.Call, domain string) bool {
	for _, l := range c.Legs {
		if l.Endpoint.TenantID == domain || l.To.TenantID == domain {
			return true
		}
	}
	return false
}

func (d *Dialect) render(calls []simulator.Call, prof profile) []object {
	out := make([]object, 0, len(calls))
	for _, c := range calls {
		out = append(out, activeCall(c, d.core, prof))
	}
	return out
}

// listDomainCalls is GET /domains/{domain}/calls: always an array.
func (d *Dialect) listDomainCalls(w http.ResponseWriter, r *http.Request) {
	s, err := d.domainScope(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d.render(d.domainCalls(s), s.prof))
}

// countDomainCalls is GET /domains/{domain}/calls/count: {"total": N}.
func (d *Dialect) countDomainCalls(w http.ResponseWriter, r *http.Request) {
	s, err := d.domainScope(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, object{{"total", len(d.domainCalls(s))}})
}

// listUserCalls is GET /domains/{domain}/users/{user}/calls.
func (d *Dialect) listUserCalls(w http.ResponseWriter, r *http.Request) {
	s, err := d.userScope(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d.render(d.userCalls(s.domain, s.user), s.prof))
}

func (d *Dialect) countUserCalls(w http.ResponseWriter, r *http.Request) {
	s, err := d.userScope(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, object{{"total", len(d.userCalls(s.domain, s.user))}})
}

// readCall is GET /domains/{domain}/users/{user}/calls/{callid}: one object.
func (d *Dialect) readCall(w http.ResponseWriter, r *http.Request) {
	s, err := d.userScope(r)
	if err != nil {
		writeError(w, err)
		return
	}
	uc, err := d.findUserCall(s, mux.Vars(r)["callid"])
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, activeCall(uc.call, d.core, s.prof))
}

// userCall is a call found by one of its call-ids for the user of a path.
type userCall struct {
	call  simulator.Call
	own   simulator.Leg // the user's live leg
	named simulator.Leg // the leg whose call-id the path carries
}

// findUserCall finds the user's active call that has a leg with the
// call-id. It scans only the user's own calls, so a call-id of another
// domain (or another user) answers exactly like an unknown one.
func (d *Dialect) findUserCall(s scope, callID string) (userCall, *apiError) {
	for _, c := range d.userCalls(s.domain, s.user) {
		var uc userCall
		found, mine := false, false
		for _, l := range c.Legs {
			if l.Attrs[AttrCallID] == callID {
				uc.named, found = l, true
			}
			if l.State.Live() && l.Endpoint.TenantID == s.domain && l.Endpoint.UserID == s.user {
				uc.own, mine = l, true
			}
		}
		if found && mine {
			uc.call = c
			return uc, nil
		}
	}
	return userCall{}, refuse(errNoSuchResource, "Call %s does not exist for user %s in domain %s", callID, s.user, s.domain)
}
