package ringcentral

import (
	"net/http"
	"testing"
)

// Rule: each operation answers with its documented status: 200 + CallParty
// for hold, unhold, answer, PATCH; 201 for park and recordings; 204 with an
// empty body for reject, DELETE party and DELETE session. PATCH accepts the
// flat {muted} and the wrapped {party:{muted}} body.
// Source: reference/ringcentral.md §1.1, §1.3, §6.6.
func TestOperationStatusCodes(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	sid, op, _ := w.customerCalls("102")
	pp := partyPath(sid, op)

	expect(t, "answer", w.call(http.MethodPost, pp+"/answer", tok, map[string]string{"deviceId": "801536579005"}), 200, "status.code", "Answered")
	expect(t, "mute flat", w.call(http.MethodPatch, pp, tok, map[string]bool{"muted": true}), 200, "muted", "true")
	expect(t, "unmute wrapped", w.call(http.MethodPatch, pp, tok, map[string]any{"party": map[string]bool{"muted": false}}), 200, "muted", "false")
	expect(t, "hold", w.call(http.MethodPost, pp+"/hold", tok, map[string]string{"proto": "Auto"}), 200, "status.code", "Hold")
	expectError(t, "bad hold proto", w.call(http.MethodPost, pp+"/hold", tok, map[string]string{"proto": "Loud"}), 400, codeInvalidParam, "proto", "proto")
	expect(t, "unhold", w.call(http.MethodPost, pp+"/unhold", tok, nil), 200, "status.code", "Answered")

	r := w.call(http.MethodPost, pp+"/recordings", tok, nil)
	expect(t, "start recording", r, 201, "active", "true")
	rid := r.json.Get("id").String()
	expect(t, "pause recording", w.call(http.MethodPatch, pp+"/recordings/"+rid, tok, map[string]bool{"active": false}), 200, "id", rid, "active", "false")
	expectError(t, "unknown recording", w.call(http.MethodPatch, pp+"/recordings/42", tok, map[string]bool{"active": false}), 404, codeNotFound, "recordingId", "no recording")
	expect(t, "party lists its recording", w.call(http.MethodGet, pp, tok, nil), 200, "recordings.0.id", rid, "recordings.0.active", "false")

	r = w.call(http.MethodPost, pp+"/park", tok, nil)
	expect(t, "park", r, 201, "status.code", "Parked", "park.id", "*801", "status.parkData", "*801")

	r = w.call(http.MethodDelete, pp, tok, nil)
	expect(t, "delete party", r, 204)
	if r.raw != "" {
		t.Fatalf("204 has no body: %q", r.raw)
	}

	sid2, op2, _ := w.customerCalls("102")
	r = w.call(http.MethodPost, partyPath(sid2, op2)+"/reject", tok, nil)
	expect(t, "reject", r, 204)
	expectError(t, "rejected call has ended", w.call(http.MethodGet, sessionPath(sid2), tok, nil), 404, codeNotFound, "telephonySessionId", "has ended")

	sid3, op3, _ := w.customerCalls("102")
	expectError(t, "ignore needs deviceId", w.call(http.MethodPost, partyPath(sid3, op3)+"/ignore", tok, nil), 400, codeInvalidParam, "deviceId", "deviceId")
	expect(t, "drop session", w.call(http.MethodDelete, sessionPath(sid3), tok, nil), 204)
}

// Rule: forward sends a ringing call elsewhere (exactly one target); flip
// moves an answered call to a flip target; voicemail targets are not
// supported by pbxsim (501 CMN-202).
// Source: reference/ringcentral.md §1.2, §1.3.
func TestForwardAndFlip(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	sid, op, _ := w.customerCalls("102")
	expectError(t, "forward to voicemail", w.call(http.MethodPost, partyPath(sid, op)+"/forward", tok, map[string]string{"voicemail": "1"}), 501, codeNotSupported, "", "voicemail")
	expectError(t, "forward with parkOrbit", w.call(http.MethodPost, partyPath(sid, op)+"/forward", tok, map[string]string{"parkOrbit": "*801"}), 400, codeInvalidParam, "parkOrbit", "transfer only")
	expect(t, "forward", w.call(http.MethodPost, partyPath(sid, op)+"/forward", tok, map[string]string{"phoneNumber": "+19293831800*103"}), 200, "status.code", "Disconnected")
	r := w.call(http.MethodGet, sessionPath(sid), tok, nil)
	expect(t, "forwarded", r, 200, "parties.2.to.extensionId", extAgentK, "parties.2.status.code", "Proceeding")

	sid2, op2, _ := w.customerCalls("102")
	expect(t, "answer", w.call(http.MethodPost, partyPath(sid2, op2)+"/answer", tok, nil), 200)
	expectError(t, "flip to no device", w.call(http.MethodPost, partyPath(sid2, op2)+"/flip", tok, map[string]string{"callFlipId": "*9"}), 404, codeNotFound, "callFlipId", "no flip target")
	expect(t, "flip", w.call(http.MethodPost, partyPath(sid2, op2)+"/flip", tok, map[string]string{"callFlipId": "*1"}), 200, "status.code", "Disconnected", "status.reason", "CallFlip")
}

// Rule: ringcentral-call-control's start-up reads work: extension info
// (id, account.id), device list (records[] Online), detailed presence with
// activeCalls carrying telephonySessionId, partyId, sessionId, direction,
// from, to, telephonyStatus, startTime; account presence lists records.
// Source: reference/ringcentral.md §4.5 step 2, §6.10.
func TestStartupReads(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	expect(t, "extension", w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~", tok, nil), 200,
		"id", extAgentJ, "account.id", acct, "extensionNumber", "102")
	expect(t, "account", w.call(http.MethodGet, "/restapi/v1.0/account/~", tok, nil), 200, "id", acct, "mainNumber", "+19293831800")
	expect(t, "extension by id", w.call(http.MethodGet, "/restapi/v1.0/account/"+acct+"/extension/"+extAgentK, tok, nil), 200, "id", extAgentK)
	expect(t, "devices", w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/device", tok, nil), 200,
		"records.0.id", "801536579005", "records.0.status", "Online", "records.0.type", "SoftPhone")

	sid, op, _ := w.customerCalls("102")
	c, _ := w.sim.LookupCall(attrSession, sid)
	r := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true&sipData=true", tok, nil)
	expect(t, "presence", r, 200, "telephonyStatus", "Ringing", "activeCalls.#", "1",
		"activeCalls.0.telephonySessionId", sid, "activeCalls.0.partyId", op, "activeCalls.0.sessionId", c.Attrs[attrSessionID],
		"activeCalls.0.direction", "Inbound", "activeCalls.0.from", customerNo, "activeCalls.0.to", "102", // dialled by extension, as in the seed samples
		"activeCalls.0.telephonyStatus", "Ringing", "activeCalls.0.startTime", "2026-01-01T00:00:00.000Z")
	if !r.json.Get("activeCalls.0.sipData").Exists() {
		t.Fatalf("sipData=true adds sipData: %s", r.raw)
	}
	r = w.call(http.MethodGet, "/restapi/v1.0/account/~/presence?detailedTelephonyState=true", tok, nil)
	expect(t, "account presence", r, 200, "records.#", "3", "records.1.activeCalls.0.partyId", op)
}
