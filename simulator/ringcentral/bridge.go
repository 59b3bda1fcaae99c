package ringcentral

import (
	"net/http"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// serveBridge completes a warm transfer (DOCS warm-transfer.md): the path
// names session A and the caller's own party in it, the body session B and
// the caller's own party in B. The customer in A meets the consult from B,
// the caller's two parties end Gone/AttendedTransfer pointing at each
// other, and the answer is the caller's party in A (CCJS bridge mock).
//
// Every refusal names its reason: malformed or swapped IDs (404 naming the
// parameter), a session bridged with itself (400), someone else's party
// (403), a party or far end not yet answered (409 Incorrect State), an
// ended session (404, as every ended session; quirk ended-session).
func (d *Dialect) serveBridge(w http.ResponseWriter, r *http.Request, a simulator.Call, opA simulator.Leg) {
	var body struct {
		TelephonySessionID string `json:"telephonySessionId"`
		PartyID            string `json:"partyId"`
	}
	if _, err := decodeJSON(r, &body); err != nil {
		writeError(w, err)
		return
	}
	switch {
	case body.TelephonySessionID == "":
		writeError(w, invalidParam("telephonySessionId", "", "The body needs the consult call's telephonySessionId and the caller's partyId in it."))
		return
	case body.PartyID == "":
		writeError(w, invalidParam("partyId", "", "The body needs the caller's partyId in the consult call (telephonySessionId "+body.TelephonySessionID+")."))
		return
	case body.TelephonySessionID == a.Attrs[attrSession]:
		writeError(w, invalidParam("telephonySessionId", body.TelephonySessionID,
			"A bridge joins two different sessions: the body names the path's own session "+body.TelephonySessionID+"; it must name the consult call's session."))
		return
	}
	id := caller(r)
	b, err := d.session(id, body.TelephonySessionID, "telephonySessionId")
	if err != nil {
		writeError(w, err)
		return
	}
	opB, err := d.partyOf(b, body.PartyID, "partyId")
	if err != nil {
		writeError(w, err)
		return
	}
	for _, l := range []simulator.Leg{opA, opB} {
		if err := d.ownParty(id, l); err != nil {
			writeError(w, err)
			return
		}
	}
	if !opA.Endpoint.SameUser(opB.Endpoint) {
		writeError(w, notAllowed("parties "+opA.Attrs[attrParty]+" and "+opB.Attrs[attrParty]+" belong to different extensions; bridge joins one extension's own parties"))
		return
	}
	if err := bridgeStates(a, opA, b, opB); err != nil {
		writeError(w, err)
		return
	}
	if err := d.sim.AttendedTransfer(opA.ID, opB.ID); err != nil {
		// A race with another change since the checks above.
		if simulator.CodeOf(err) == simulator.ErrWrongState {
			err = incorrectState(err.Error())
		}
		writeError(w, err)
		return
	}
	d.respondParty(w, r, http.StatusOK, opA.ID)
}

// bridgeStates checks that both of the caller's parties and everyone they
// talk to are answered (or held): a consult still ringing cannot take the
// customer.
func bridgeStates(a simulator.Call, opA simulator.Leg, b simulator.Call, opB simulator.Leg) error {
	for _, side := range []struct {
		c    simulator.Call
		op   simulator.Leg
		role string
	}{{a, opA, "customer"}, {b, opB, "consult"}} {
		pid := side.op.Attrs[attrParty]
		if !side.op.State.Connected() {
			return incorrectState("party " + pid + " is " + statusCodes[side.op.State] + "; both parties of a bridge must be Answered or Hold")
		}
		far := 0
		for _, l := range side.c.Legs {
			if l.ID == side.op.ID || !l.State.Live() {
				continue
			}
			far++
			if !l.State.Connected() {
				return incorrectState("the " + side.role + " party " + l.Attrs[attrParty] + " in session " + side.c.Attrs[attrSession] +
					" is " + statusCodes[l.State] + " (not answered yet); bridge once it has answered")
			}
		}
		if far == 0 {
			return incorrectState("session " + side.c.Attrs[attrSession] + " has nobody left besides party " + pid)
		}
	}
	return nil
}

// serveCallOut places a call from the caller's device or extension
// (reference §1.2): 201 {"session": CallSessionObject}. The caller's own
// party starts Answered (the PBX connects the caller's device first) and
// the target rings.
func (d *Dialect) serveCallOut(w http.ResponseWriter, r *http.Request) {
	var body struct {
		From struct {
			DeviceID    string `json:"deviceId"`
			ExtensionID string `json:"extensionId"`
		} `json:"from"`
		To struct {
			PhoneNumber     string `json:"phoneNumber"`
			ExtensionNumber string `json:"extensionNumber"`
		} `json:"to"`
		CountryID any `json:"countryId"`
	}
	present, err := decodeJSON(r, &body)
	if err != nil {
		writeError(w, err)
		return
	}
	if !present {
		writeError(w, invalidParam("from", "", "The body is required: {\"from\": {\"deviceId\": ...}, \"to\": {\"phoneNumber\": ...}}."))
		return
	}
	id := caller(r)
	me, ok := d.dir().extension(id.AccountID, id.ExtensionID)
	if !ok {
		writeError(w, notAllowed("the token's extension cannot place calls"))
		return
	}
	from := simulator.Endpoint{TenantID: me.AccountID, UserID: me.ID, Name: me.Name, Number: me.Number}
	if len(me.Numbers) > 0 {
		from.Number = me.Numbers[0]
	}
	switch f := body.From; {
	case f.DeviceID != "" && f.ExtensionID != "":
		writeError(w, invalidParam("from", "", "Give from.deviceId or from.extensionId, not both."))
		return
	case f.DeviceID != "":
		found := false
		for _, dev := range me.Devices {
			found = found || dev.ID == f.DeviceID
		}
		if !found {
			writeError(w, notFound("deviceId", f.DeviceID, "device "+f.DeviceID+" is not a device of extension "+me.ID))
			return
		}
		from.DeviceID = f.DeviceID
	case f.ExtensionID != "":
		if f.ExtensionID != me.ID {
			writeError(w, notAllowed("from.extensionId "+f.ExtensionID+" is not the token's extension "+me.ID))
			return
		}
	default:
		writeError(w, invalidParam("from", "", "Give from.deviceId or from.extensionId."))
		return
	}
	if (body.To.PhoneNumber == "") == (body.To.ExtensionNumber == "") {
		writeError(w, invalidParam("to", "", "Give exactly one of to.phoneNumber or to.extensionNumber."))
		return
	}
	to, err := d.endpointOf(id.AccountID, target{PhoneNumber: body.To.PhoneNumber, ExtensionNumber: body.To.ExtensionNumber})
	if err != nil {
		writeError(w, err)
		return
	}
	c, err := d.sim.Originate(simulator.OriginateRequest{From: from, To: to, Origin: "call-out", CallerConnected: true})
	if err != nil {
		writeError(w, err)
		return
	}
	// {"session": CallSessionObject}, as encoding/json wrote the map of
	// one key (TestCallOutAnswerIsWhatEncodingJSONWrites).
	writeRendered(w, http.StatusCreated, func(b []byte) []byte {
		return append(d.appendSession(append(b, `{"session":`...), c, id.AccountID), '}')
	})
}
