package ringcentral

import (
	"net/http"
	"testing"

	"github.com/tidwall/gjson"
)

// warmTransferSetup brings the seed's story to the moment before the
// bridge: the customer called the operator (102), who answered and held,
// then called the consult (103) with call-out; the consult answered.
type warmCall struct {
	opTok, consTok       string
	sidA, opA, custA     string
	sidB, opB, consB     string
	opSocket, acctSocket *socket
}

func setupWarmTransfer(t *testing.T, w *world) warmCall {
	t.Helper()
	wc := warmCall{opTok: w.login("jwt-102"), consTok: w.login("jwt-103")}
	wc.opSocket = w.dial(wc.opTok, "")
	wc.opSocket.next("ConnectionDetails", func(m, _ gjson.Result) bool { return true })
	wc.opSocket.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	wc.acctSocket = w.dial(w.login("jwt-101"), "")
	wc.acctSocket.subscribe("/restapi/v1.0/subscription/", "/restapi/v1.0/account/~/telephony/sessions")

	wc.sidA, wc.opA, wc.custA = w.customerCalls("102")
	wc.opSocket.event("operator's party ringing", partyIs(wc.opA, "Proceeding"))

	r := w.call(http.MethodPost, partyPath(wc.sidA, wc.opA)+"/answer", wc.opTok, map[string]string{"deviceId": "801536579005"})
	expect(t, "answer", r, 200, "id", wc.opA, "status.code", "Answered", "owner.extensionId", extAgentJ, "owner.accountId", acct)
	r = w.call(http.MethodPost, partyPath(wc.sidA, wc.opA)+"/hold", wc.opTok, nil)
	expect(t, "hold", r, 200, "status.code", "Hold")

	r = w.call(http.MethodPost, "/restapi/v1.0/account/~/telephony/call-out", wc.opTok,
		map[string]any{"from": map[string]string{"deviceId": "801536579005"}, "to": map[string]string{"extensionNumber": "103"}})
	expect(t, "call-out", r, 201, "session.origin.type", "Call", "session.parties.0.status.code", "Answered",
		"session.parties.0.extensionId", extAgentJ, "session.parties.1.status.code", "Proceeding", "session.parties.1.to.phoneNumber", "103")
	wc.sidB = r.json.Get("session.id").String()
	wc.opB = r.json.Get("session.parties.0.id").String()
	wc.consB = r.json.Get("session.parties.1.id").String()

	r = w.call(http.MethodPost, partyPath(wc.sidB, wc.consB)+"/answer", wc.consTok, nil)
	expect(t, "consult answers", r, 200, "status.code", "Answered")
	wc.opSocket.event("operator's consult party answered", partyIs(wc.opB, "Answered"))
	return wc
}

// Rule: the warm transfer completes with POST .../sessions/{A}/parties/{opA}/bridge
// and body {telephonySessionId: B, partyId: opB}: customer and consult
// talk, the operator's two parties end Gone/AttendedTransfer with
// reciprocal peerIds, the response is the operator's party in A.
// Source: seeds/ringcentral-warm-transfer.md; reference/ringcentral.md §2.4, §6.5 (CCJS bridge mock).
func TestWarmTransferOverREST(t *testing.T) {
	w := newWorld(t, nil, Options{})
	wc := setupWarmTransfer(t, w)

	r := w.call(http.MethodPost, partyPath(wc.sidA, wc.opA)+"/bridge", wc.opTok,
		map[string]string{"telephonySessionId": wc.sidB, "partyId": wc.opB})
	expect(t, "bridge", r, 200, "id", wc.opA, "status.code", "Gone", "status.reason", "AttendedTransfer",
		"status.peerId.telephonySessionId", wc.sidB, "status.peerId.partyId", wc.opB, "owner.extensionId", extAgentJ)
	if !isDigitsOnly(r.json.Get("status.peerId.sessionId").String()) {
		t.Fatalf("peerId.sessionId must be the numeric session id: %s", r.raw)
	}

	// The operator's extension-level subscription sees both of its parties leave.
	gA := wc.opSocket.event("operator's party in A gone", partyIs(wc.opA, "Gone"))
	expectJSON(t, "A gone", gA, "body.telephonySessionId", wc.sidA, "body.parties.0.status.reason", "AttendedTransfer",
		"body.parties.0.status.peerId.telephonySessionId", wc.sidB, "body.parties.0.status.peerId.partyId", wc.opB,
		"event", "/restapi/v1.0/account/"+acct+"/extension/"+extAgentJ+"/telephony/sessions", "ownerId", extAgentJ)
	gB := wc.opSocket.event("operator's party in B gone", partyIs(wc.opB, "Gone"))
	expectJSON(t, "B gone", gB, "body.telephonySessionId", wc.sidB, "body.parties.0.status.reason", "AttendedTransfer",
		"body.parties.0.status.peerId.telephonySessionId", wc.sidA, "body.parties.0.status.peerId.partyId", wc.opA)
	if gB.Get("body.parties.0.owner").Exists() {
		t.Fatalf("events carry no owner (reference §2.2): %s", gB.Raw)
	}

	// The consult joins session A as a new party (quirk bridge-survivor: path-session).
	consA := partyID(wc.sidA, 3)
	ev := wc.acctSocket.event("consult's new party in A", partyIs(consA, "Answered"))
	expectJSON(t, "consult in A", ev, "body.parties.0.extensionId", extAgentK, "body.telephonySessionId", wc.sidA)
	ev = wc.acctSocket.event("consult's old party in B gone", partyIs(wc.consB, "Gone"))
	expectJSON(t, "consult left B", ev, "body.parties.0.status.peerId.partyId", consA, "body.parties.0.status.peerId.telephonySessionId", wc.sidA)

	// Session A now holds customer and consult, both Answered.
	r = w.call(http.MethodGet, sessionPath(wc.sidA), wc.opTok, nil)
	expect(t, "GET A", r, 200, "id", wc.sidA, "parties.#", "3",
		"parties.0.id", wc.custA, "parties.0.status.code", "Answered",
		"parties.1.id", wc.opA, "parties.1.status.code", "Gone",
		"parties.2.id", consA, "parties.2.status.code", "Answered", "parties.2.owner.extensionId", extAgentK)
	// Session B has ended (quirk ended-session: not-found).
	expectError(t, "GET B", w.call(http.MethodGet, sessionPath(wc.sidB), wc.opTok, nil), 404, codeNotFound, "telephonySessionId", "has ended")
}

// Rule: sequence counts per session across its parties and strictly
// increases; the first delivered event has sequence 2 (quirk sequence-start).
// Source: reference/ringcentral.md §2.3 (CSN captures).
func TestSequenceIsPerSessionAndIncreasing(t *testing.T) {
	w := newWorld(t, nil, Options{})
	wc := setupWarmTransfer(t, w)
	r := w.call(http.MethodPost, partyPath(wc.sidA, wc.opA)+"/bridge", wc.opTok,
		map[string]string{"telephonySessionId": wc.sidB, "partyId": wc.opB})
	expect(t, "bridge", r, 200)
	wc.acctSocket.event("last event of B", partyIs(wc.consB, "Gone"))

	last := map[string]int64{}
	first := map[string]int64{}
	for _, f := range wc.acctSocket.seen {
		a := gjson.Parse(f)
		if a.Get("0.type").String() != "ServerNotification" {
			continue
		}
		sid, seq := a.Get("1.body.telephonySessionId").String(), a.Get("1.body.sequence").Int()
		if n := len(a.Get("1.body.parties").Array()); n != 1 {
			t.Fatalf("an event carries exactly one party, got %d: %s", n, f)
		}
		if _, ok := first[sid]; !ok {
			first[sid] = seq
		}
		if seq <= last[sid] {
			t.Fatalf("session %s: sequence %d after %d; frames:\n%v", sid, seq, last[sid], wc.acctSocket.seen)
		}
		last[sid] = seq
	}
	if first[wc.sidA] != 2 || first[wc.sidB] != 2 {
		t.Fatalf("the first event of a session has sequence 2: got A=%d B=%d", first[wc.sidA], first[wc.sidB])
	}
}

// Rule: every bridge refusal names its reason and changes nothing.
// Source: reference/ringcentral.md §5 (swapped IDs, unanswered bridge), §6.5, §6.7.
func TestBridgeRefusals(t *testing.T) {
	w := newWorld(t, nil, Options{})
	opTok := w.login("jwt-102")
	sidA, opA, custA := w.customerCalls("102")
	expect(t, "answer", w.call(http.MethodPost, partyPath(sidA, opA)+"/answer", opTok, nil), 200)
	r := w.call(http.MethodPost, "/restapi/v1.0/account/~/telephony/call-out", opTok,
		map[string]any{"from": map[string]string{"deviceId": "801536579005"}, "to": map[string]string{"extensionNumber": "103"}})
	expect(t, "call-out", r, 201)
	sidB, opB, consB := r.json.Get("session.id").String(), r.json.Get("session.parties.0.id").String(), r.json.Get("session.parties.1.id").String()
	bridge := func(sid, pid string, body any) response {
		return w.call(http.MethodPost, partyPath(sid, pid)+"/bridge", opTok, body)
	}
	body := func(s, p string) map[string]string { return map[string]string{"telephonySessionId": s, "partyId": p} }

	expectError(t, "consult still ringing", bridge(sidA, opA, body(sidB, opB)), 409, codeIncorrectState, "", "not answered yet")
	expectError(t, "same session twice", bridge(sidA, opA, body(sidA, opA)), 400, codeInvalidParam, "telephonySessionId", "two different sessions")
	expectError(t, "swapped IDs in the body", bridge(sidA, opA, body(opB, sidB)), 404, codeNotFound, "telephonySessionId", "is a party ID")
	expectError(t, "swapped IDs in the path", bridge(opA, sidA, body(sidB, opB)), 404, codeNotFound, "telephonySessionId", "is a party ID")
	expectError(t, "party of another session", bridge(sidA, opA, body(sidB, opA)), 404, codeNotFound, "partyId", "does not belong")
	expectError(t, "unknown session", bridge(sidA, opA, body("s-"+zeros(32), "p-"+zeros(32)+"-1")), 404, codeNotFound, "telephonySessionId", "no telephony session")
	expectError(t, "someone else's party", bridge(sidA, custA, body(sidB, opB)), 403, codeNotAllowed, "", "not a party of an extension")
	expectError(t, "the consult's party", bridge(sidA, opA, body(sidB, consB)), 403, codeNotAllowed, "", "belongs to extension "+extAgentK)
	expectError(t, "missing partyId", bridge(sidA, opA, map[string]string{"telephonySessionId": sidB}), 400, codeInvalidParam, "partyId", "partyId")

	// Nothing changed: A still connects customer and operator.
	r = w.call(http.MethodGet, sessionPath(sidA), opTok, nil)
	expect(t, "A unchanged", r, 200, "parties.0.status.code", "Answered", "parties.1.status.code", "Answered", "parties.#", "2")

	// An ended consult session answers 404 (quirk ended-session: not-found).
	expect(t, "drop B", w.call(http.MethodDelete, sessionPath(sidB), opTok, nil), 204)
	expectError(t, "ended consult session", bridge(sidA, opA, body(sidB, opB)), 404, codeNotFound, "telephonySessionId", "has ended")
}

// Rule: /transfer with exactly one target ends the party
// Disconnected/BlindTransfer (200 with the party) and rings the target.
// Source: reference/ringcentral.md §1.2, §1.4 (CCJS transfer mock).
func TestBlindTransfer(t *testing.T) {
	w := newWorld(t, nil, Options{})
	opTok := w.login("jwt-102")
	sid, op, _ := w.customerCalls("102")
	expect(t, "answer", w.call(http.MethodPost, partyPath(sid, op)+"/answer", opTok, nil), 200)

	expectError(t, "two targets", w.call(http.MethodPost, partyPath(sid, op)+"/transfer", opTok,
		map[string]string{"extensionNumber": "103", "phoneNumber": "+15555555555"}), 400, codeInvalidParam, "", "exactly one")
	expectError(t, "no target", w.call(http.MethodPost, partyPath(sid, op)+"/transfer", opTok, map[string]string{}), 400, codeInvalidParam, "", "exactly one")
	expectError(t, "unknown extension", w.call(http.MethodPost, partyPath(sid, op)+"/transfer", opTok,
		map[string]string{"extensionNumber": "999"}), 404, codeNotFound, "extensionNumber", "no extension 999")

	r := w.call(http.MethodPost, partyPath(sid, op)+"/transfer", opTok, map[string]string{"extensionNumber": "103"})
	expect(t, "transfer", r, 200, "id", op, "status.code", "Disconnected", "status.reason", "BlindTransfer")
	r = w.call(http.MethodGet, sessionPath(sid), opTok, nil)
	expect(t, "session after transfer", r, 200, "parties.2.to.extensionId", extAgentK, "parties.2.status.code", "Proceeding")
}

func expectJSON(t *testing.T, what string, j gjson.Result, fields ...string) {
	t.Helper()
	for i := 0; i+1 < len(fields); i += 2 {
		if got := j.Get(fields[i]).String(); got != fields[i+1] {
			t.Fatalf("%s: %s = %q, want %q; in %s", what, fields[i], got, fields[i+1], j.Raw)
		}
	}
}

func isDigitsOnly(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}
