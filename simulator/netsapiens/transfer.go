package netsapiens

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// transfer is PATCH .../calls/{call_id}/transfer (SPEC45 CallActions).
//
//   - hostname + call-destination-session-id: an attended transfer. The
//     party named by call_id (call-orig-call-id of a call the user
//     received) is joined with the far side of the consult session, and
//     the user's legs in both calls drop.
//   - call-term-user (or its v1 name destination) alone: a blind transfer
//     of the call to that user or number.
//   - both: the documented trap (GUIDE-AT, "do NOT include call-term-user");
//     quirk call-term-user decides.
func (d *Dialect) transfer(w http.ResponseWriter, r *http.Request) {
	a, ok := d.checkAction(w, r)
	if !ok {
		return
	}
	dest, err := a.body.optional("call-term-user")
	if err == nil && dest == "" {
		dest, err = a.body.optional("destination")
	}
	var host, session string
	if err == nil {
		host, err = a.body.optional("hostname")
	}
	if err == nil {
		session, err = a.body.optional("call-destination-session-id")
	}
	if err != nil {
		writeError(w, err)
		return
	}
	attended := session != ""
	switch {
	case dest == "" && !attended && host != "":
		err = refuse(errInvalidRequest, "hostname needs call-destination-session-id: an attended transfer names the consult call's session")
	case dest == "" && !attended:
		err = refuse(errInvalidRequest, "A transfer needs call-term-user (blind transfer) or hostname and call-destination-session-id (attended transfer)")
	case dest != "" && attended && a.prof.callTermUser == "refused":
		err = refuse(errInvalidRequest, "Do not set call-term-user in an attended transfer: send only hostname and call-destination-session-id (quirk %s=refused)", QuirkCallTermUser)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	if dest != "" && (!attended || a.prof.callTermUser == "blind-transfer") {
		why := ""
		if attended {
			why = fmt.Sprintf("; call-term-user was set, so call-destination-session-id %s was ignored and nothing was merged (quirk %s=blind-transfer)", session, QuirkCallTermUser)
		}
		d.apply(r, "blind transfer", func() (string, error) {
			done, err := d.blindTransfer(a, dest)
			if err != nil {
				return "", fmt.Errorf("%v%s", err, why)
			}
			return done + why, nil
		})
	} else {
		d.apply(r, "attended transfer", func() (string, error) { return d.attendedTransfer(a, host, session) })
	}
	writeAccepted(w)
}

func (d *Dialect) blindTransfer(a actionRequest, dest string) (string, error) {
	to, aerr := d.resolveDestination(a.domain, dest)
	if aerr != nil {
		return "", fmt.Errorf("destination %s: %s", dest, aerr.Message)
	}
	l, err := d.sim.BlindTransfer(a.uc.own.ID, to, nil, "")
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("session %s sent from user %s to %s (leg %s rings)", a.uc.call.Attrs[AttrSessionID], a.user, dest, l.ID), nil
}

// attendedTransfer merges the consult session into the call. Each way it
// can go wrong leaves both calls as they are.
func (d *Dialect) attendedTransfer(a actionRequest, host, session string) (string, error) {
	own, named := a.uc.own, a.uc.named
	if named.ID == own.ID && a.prof.transferCallID == "far-party" {
		return "", fmt.Errorf("call-id %s is user %s's own leg; an attended transfer names the party to transfer (the call-orig-call-id of a call the user received); nothing merged (quirk %s=far-party)",
			named.Attrs[AttrCallID], a.user, QuirkTransferCallID)
	}
	if a.prof.transferHostname == "must-match" && !strings.EqualFold(host, d.core) {
		return "", fmt.Errorf("hostname %q is not the core server %s, where session %s resides; nothing merged (quirk %s=must-match)",
			host, d.core, session, QuirkTransferHostname)
	}
	consult, ok := d.sim.LookupCall(AttrSessionID, session)
	var anchor simulator.Leg
	found := false
	if ok && consult.Active() && consult.ID != a.uc.call.ID {
		for _, l := range consult.Legs {
			if l.State.Live() && l.Endpoint.TenantID == a.domain && l.Endpoint.UserID == a.user {
				anchor, found = l, true
			}
		}
	}
	if !found {
		// A session of another domain or user reads exactly like an unknown one.
		return "", fmt.Errorf("call-destination-session-id %s names no other active call of user %s; nothing merged", session, a.user)
	}
	if err := d.sim.AttendedTransfer(own.ID, anchor.ID); err != nil {
		return "", fmt.Errorf("%v; nothing merged", err)
	}
	return fmt.Sprintf("session %s merged into session %s; user %s left both calls",
		session, a.uc.call.Attrs[AttrSessionID], a.user), nil
}
