package ringcentral

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
)

func (d *Dialect) serveGetParty(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	d.writeParty(w, http.StatusOK, l, caller(r).AccountID)
}

// act runs the common steps of a party operation: ownership, then op, then
// the party's new state with the given status.
func (d *Dialect) act(w http.ResponseWriter, r *http.Request, l simulator.Leg, status int, op func() error) {
	if err := d.ownParty(caller(r), l); err != nil {
		writeError(w, err)
		return
	}
	if err := op(); err != nil {
		writeError(w, err)
		return
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	d.respondParty(w, r, status, l.ID)
}

var holdProtos = map[string]bool{"Auto": true, "RC": true, "BroadWorks": true, "DisconnectHolder": true, "BroadWorksOrDisconnectHolder": true}

// serveHold: the party that holds is reported Hold; 200 CallParty.
func (d *Dialect) serveHold(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	var body struct {
		Proto string `json:"proto"`
	}
	if _, err := decodeJSON(r, &body); err != nil {
		writeError(w, err)
		return
	}
	if body.Proto != "" && !holdProtos[body.Proto] {
		writeError(w, invalidParam("proto", body.Proto, "Use one of Auto, RC, BroadWorks, DisconnectHolder, BroadWorksOrDisconnectHolder."))
		return
	}
	d.act(w, r, l, http.StatusOK, func() error { return stateErr(d.sim.Hold(l.ID), "hold", l) })
}

func (d *Dialect) serveUnhold(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	if _, err := decodeJSON(r, &struct{}{}); err != nil {
		writeError(w, err)
		return
	}
	d.act(w, r, l, http.StatusOK, func() error { return stateErr(d.sim.Unhold(l.ID), "unhold", l) })
}

// stateErr rewords the core's wrong-state refusals with the party's
// vendor ID and status code, keeping "Incorrect State" (WIDGETS matches it).
func stateErr(err error, op string, l simulator.Leg) error {
	if simulator.CodeOf(err) != simulator.ErrWrongState {
		return err
	}
	return incorrectState("cannot " + op + " party " + l.Attrs[attrParty] + " in status " + statusCodes[l.State])
}

type deviceBody struct {
	DeviceID string `json:"deviceId"`
}

// checkDevice accepts an empty deviceId or one of the party owner's devices.
func (d *Dialect) checkDevice(l simulator.Leg, deviceID string) error {
	if deviceID == "" {
		return nil
	}
	if x, ok := d.dir().owner(l.Endpoint); ok {
		for _, dev := range x.Devices {
			if dev.ID == deviceID {
				return nil
			}
		}
	}
	return notFound("deviceId", deviceID, "device "+deviceID+" is not a device of the party's extension")
}

// serveAnswer answers a ringing party; 200 CallParty.
func (d *Dialect) serveAnswer(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	var body deviceBody
	if _, err := decodeJSON(r, &body); err != nil {
		writeError(w, err)
		return
	}
	if err := d.checkDevice(l, body.DeviceID); err != nil {
		writeError(w, err)
		return
	}
	d.act(w, r, l, http.StatusOK, func() error { return stateErr(d.sim.Answer(l.ID), "answer", l) })
}

// serveReject sends a ringing inbound party away; 204 (reference §1.1).
func (d *Dialect) serveReject(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	if _, err := decodeJSON(r, &struct{}{}); err != nil {
		writeError(w, err)
		return
	}
	d.act(w, r, l, http.StatusNoContent, func() error { return stateErr(d.sim.Reject(l.ID), "reject", l) })
}

// serveIgnore is reject for a queue agent; deviceId is required (SPEC).
func (d *Dialect) serveIgnore(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	var body deviceBody
	if _, err := decodeJSON(r, &body); err != nil {
		writeError(w, err)
		return
	}
	if body.DeviceID == "" {
		writeError(w, invalidParam("deviceId", "", "deviceId is required."))
		return
	}
	if err := d.checkDevice(l, body.DeviceID); err != nil {
		writeError(w, err)
		return
	}
	d.act(w, r, l, http.StatusNoContent, func() error { return stateErr(d.sim.Reject(l.ID), "ignore", l) })
}

// target is a TransferTarget / ForwardTarget: exactly one key.
type target struct {
	PhoneNumber     string `json:"phoneNumber"`
	ExtensionNumber string `json:"extensionNumber"`
	ExtensionID     string `json:"extensionId"`
	Voicemail       string `json:"voicemail"`
	ParkOrbit       string `json:"parkOrbit"`
}

func (t target) keys() []string {
	var ks []string
	for k, v := range map[string]string{"phoneNumber": t.PhoneNumber, "extensionNumber": t.ExtensionNumber,
		"extensionId": t.ExtensionID, "voicemail": t.Voicemail, "parkOrbit": t.ParkOrbit} {
		if v != "" {
			ks = append(ks, k)
		}
	}
	return ks
}

func readTarget(r *http.Request, allowed string) (target, error) {
	var t target
	if _, err := decodeJSON(r, &t); err != nil {
		return t, err
	}
	ks := t.keys()
	if len(ks) != 1 {
		return t, invalidParam(allowed, strings.Join(ks, ","), "Give exactly one of "+allowed+".")
	}
	if t.ParkOrbit != "" && !strings.Contains(allowed, "parkOrbit") {
		return t, invalidParam("parkOrbit", t.ParkOrbit, "parkOrbit is for transfer only.")
	}
	return t, nil
}

// endpointOf resolves a transfer, forward or call-out target in the
// caller's account.
func (d *Dialect) endpointOf(accountID string, t target) (simulator.Endpoint, error) {
	switch {
	case t.ExtensionNumber != "":
		u, ok := d.sim.UserByExtension(accountID, t.ExtensionNumber)
		if !ok {
			return simulator.Endpoint{}, notFound("extensionNumber", t.ExtensionNumber, "no extension "+t.ExtensionNumber+" in this account")
		}
		return userEP(u, t.ExtensionNumber), nil
	case t.ExtensionID != "":
		u, ok := d.sim.User(accountID, t.ExtensionID)
		if !ok {
			return simulator.Endpoint{}, notFound("extensionId", t.ExtensionID, "no extension with id "+t.ExtensionID+" in this account")
		}
		return userEP(u, u.Extension), nil
	case t.PhoneNumber != "":
		num, ext, hasExt := strings.Cut(t.PhoneNumber, "*")
		if hasExt {
			// "<main number>*<extension>" (DOCS active-call-control).
			for _, a := range d.dir().order {
				if sameNumber(a.MainNumber, num) {
					if u, ok := d.sim.UserByExtension(a.ID, ext); ok {
						return userEP(u, t.PhoneNumber), nil
					}
				}
			}
			return simulator.Endpoint{}, notFound("phoneNumber", t.PhoneNumber, "no extension "+ext+" behind main number "+num)
		}
		ep, err := d.sim.Resolve(t.PhoneNumber, accountID)
		if err != nil {
			if simulator.CodeOf(err) == simulator.ErrNotFound {
				return ep, notFound("phoneNumber", t.PhoneNumber, err.Error())
			}
			return ep, invalidParam("phoneNumber", t.PhoneNumber, err.Error())
		}
		ep.Number = t.PhoneNumber
		return ep, nil
	}
	return simulator.Endpoint{}, refuse(errNotSupported, "pbxsim has no voicemail; transfer or forward to a phone number or extension")
}

func userEP(u simulator.User, dialled string) simulator.Endpoint {
	return simulator.Endpoint{TenantID: u.TenantID, UserID: u.ID, Number: dialled, Name: u.Name}
}

// serveForward sends a ringing call elsewhere; 200 with the party, now
// Disconnected.
func (d *Dialect) serveForward(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	t, err := readTarget(r, "phoneNumber, extensionNumber, extensionId, voicemail")
	if err != nil {
		writeError(w, err)
		return
	}
	id := caller(r)
	d.act(w, r, l, http.StatusOK, func() error {
		ep, err := d.endpointOf(id.AccountID, t)
		if err != nil {
			return err
		}
		_, err = d.sim.Forward(l.ID, ep, nil)
		return stateErr(err, "forward", l)
	})
}

// serveTransfer is the blind transfer: the party ends
// Disconnected/BlindTransfer and the target rings; parkOrbit parks instead.
func (d *Dialect) serveTransfer(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	t, err := readTarget(r, "phoneNumber, extensionNumber, extensionId, voicemail, parkOrbit")
	if err != nil {
		writeError(w, err)
		return
	}
	id := caller(r)
	d.act(w, r, l, http.StatusOK, func() error {
		if t.ParkOrbit != "" {
			return stateErr(d.sim.Park(l.ID, t.ParkOrbit), "transfer", l)
		}
		ep, err := d.endpointOf(id.AccountID, t)
		if err != nil {
			return err
		}
		_, err = d.sim.BlindTransfer(l.ID, ep, nil, "")
		return stateErr(err, "transfer", l)
	})
}

// servePark parks on the first free orbit *801..*899; 201 (reference §1.1).
func (d *Dialect) servePark(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	if _, err := decodeJSON(r, &struct{}{}); err != nil {
		writeError(w, err)
		return
	}
	id := caller(r)
	d.act(w, r, l, http.StatusCreated, func() error {
		orbit, ok := d.freeOrbit(id.AccountID)
		if !ok {
			return notAllowed("all 99 park orbits of the account are taken")
		}
		return stateErr(d.sim.Park(l.ID, orbit), "park", l)
	})
}

func (d *Dialect) freeOrbit(accountID string) (string, bool) {
	taken := map[string]bool{}
	for _, c := range d.sim.ActiveCallsOfTenant(accountID) {
		if !c.Active() || !concerns(c, accountID) {
			continue
		}
		for _, l := range c.Legs {
			if l.State == simulator.LegParked {
				taken[l.ParkOrbit] = true
			}
		}
	}
	for n := 801; n <= 899; n++ {
		o := "*" + strconv.Itoa(n)
		if !taken[o] {
			return o, true
		}
	}
	return "", false
}

// serveFlip moves the call to a flip target: "*N" is the N-th device of
// the party's own extension, anything else a number or extension. 200
// with the party (CCJS parses the body).
func (d *Dialect) serveFlip(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	var body struct {
		CallFlipID string `json:"callFlipId"`
	}
	if _, err := decodeJSON(r, &body); err != nil {
		writeError(w, err)
		return
	}
	if body.CallFlipID == "" {
		writeError(w, invalidParam("callFlipId", "", "callFlipId is required."))
		return
	}
	id := caller(r)
	d.act(w, r, l, http.StatusOK, func() error {
		var ep simulator.Endpoint
		if n, err := strconv.Atoi(strings.TrimPrefix(body.CallFlipID, "*")); err == nil && strings.HasPrefix(body.CallFlipID, "*") {
			x, ok := d.dir().owner(l.Endpoint)
			if !ok || n < 1 || n > len(x.Devices) {
				return notFound("callFlipId", body.CallFlipID, "no flip target "+body.CallFlipID+" (flip *N rings the extension's N-th device)")
			}
			ep = l.Endpoint
			ep.DeviceID = x.Devices[n-1].ID
		} else {
			var err error
			if ep, err = d.endpointOf(id.AccountID, target{PhoneNumber: body.CallFlipID}); err != nil {
				return err
			}
		}
		_, err := d.sim.BlindTransfer(l.ID, ep, nil, ReasonCallFlip)
		return stateErr(err, "flip", l)
	})
}

// servePatchParty mutes or unmutes. DOCS and CCJS send {"muted":true};
// SPEC documents {"party":{"muted":true}}: both are accepted.
func (d *Dialect) servePatchParty(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	type fields struct {
		Muted      *bool `json:"muted"`
		StandAlone *bool `json:"standAlone"`
	}
	var body struct {
		fields
		Party *fields `json:"party"`
	}
	if _, err := decodeJSON(r, &body); err != nil {
		writeError(w, err)
		return
	}
	f := body.fields
	if body.Party != nil {
		f = *body.Party
	}
	if f.Muted == nil && f.StandAlone == nil {
		writeError(w, invalidParam("muted", "", "Send {\"muted\": true|false} (or {\"party\": {\"muted\": ...}})."))
		return
	}
	d.act(w, r, l, http.StatusOK, func() error {
		if f.Muted == nil {
			return nil // standAlone alone: accepted, nothing to change in the core
		}
		return stateErr(d.sim.Mute(l.ID, *f.Muted), map[bool]string{true: "mute", false: "unmute"}[*f.Muted], l)
	})
}

// serveDeleteParty hangs the party up; 204. (SPEC limits it to supervised
// or parked parties, DOCS presents it as ending the call: we end the party,
// and a call left with one party ends too.)
func (d *Dialect) serveDeleteParty(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	var body struct {
		KeepConferenceAlive bool `json:"keepConferenceAlive"`
	}
	if _, err := decodeJSON(r, &body); err != nil {
		writeError(w, err)
		return
	}
	d.act(w, r, l, http.StatusNoContent, func() error { return stateErr(d.sim.Hangup(l.ID), "delete", l) })
}

// serveStartRecording starts a recording of a connected party; 201.
func (d *Dialect) serveStartRecording(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	if _, err := decodeJSON(r, &struct{}{}); err != nil {
		writeError(w, err)
		return
	}
	if err := d.ownParty(caller(r), l); err != nil {
		writeError(w, err)
		return
	}
	if !l.State.Connected() {
		writeError(w, incorrectState("cannot record party "+l.Attrs[attrParty]+" in status "+statusCodes[l.State]))
		return
	}
	writeJSON(w, http.StatusCreated, d.media.start(l.Attrs[attrParty], d.randomDigits(10)))
}

// servePatchRecording pauses or resumes: {"active": bool}; 200.
func (d *Dialect) servePatchRecording(w http.ResponseWriter, r *http.Request, _ simulator.Call, l simulator.Leg) {
	var body struct {
		Active *bool `json:"active"`
	}
	if _, err := decodeJSON(r, &body); err != nil {
		writeError(w, err)
		return
	}
	if body.Active == nil {
		writeError(w, invalidParam("active", "", "Send {\"active\": true|false}."))
		return
	}
	if err := d.ownParty(caller(r), l); err != nil {
		writeError(w, err)
		return
	}
	if !l.State.Connected() {
		writeError(w, incorrectState("cannot change a recording of party "+l.Attrs[attrParty]+" in status "+statusCodes[l.State]))
		return
	}
	rid := mux.Vars(r)["recordingId"]
	rec, ok := d.media.set(l.Attrs[attrParty], rid, *body.Active)
	if !ok {
		writeError(w, notFound("recordingId", rid, "party "+l.Attrs[attrParty]+" has no recording "+rid))
		return
	}
	writeJSON(w, http.StatusOK, rec)
}
