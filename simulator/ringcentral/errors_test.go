package ringcentral

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Rule: sessions are s-<32 hex>, parties p-<same hex>-<n> with n counting
// up within the session, sessionId a numeric string.
// Source: reference/ringcentral.md §1.4 "ID formats"; seeds/ringcentral-warm-transfer.md (hint).
func TestIDFormats(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	sid, op, cust := w.customerCalls("102")
	if !regexp.MustCompile(`^s-[0-9a-f]{32}$`).MatchString(sid) {
		t.Fatalf("session id %q", sid)
	}
	hex := strings.TrimPrefix(sid, "s-")
	if cust != "p-"+hex+"-1" || op != "p-"+hex+"-2" {
		t.Fatalf("party ids %q %q do not follow session %q", cust, op, sid)
	}
	c, _ := w.sim.LookupCall(attrSession, sid)
	if !regexp.MustCompile(`^[1-9][0-9]{10}$`).MatchString(c.Attrs[attrSessionID]) {
		t.Fatalf("sessionId %q is not numeric", c.Attrs[attrSessionID])
	}
	// A call between two outside numbers is not a RingCentral session.
	other, err := w.sim.Originate(simulator.OriginateRequest{From: simulator.Endpoint{Number: "+15555555555"}, To: simulator.Endpoint{Number: "+16505550100"}})
	if err != nil {
		t.Fatal(err)
	}
	if other.Attrs[attrSession] != "" {
		t.Fatalf("a call without RingCentral extensions got a session id: %v", other.Attrs)
	}
	expect(t, "GET party", w.call(http.MethodGet, partyPath(sid, op), tok, nil), 200, "id", op, "accountId", acct, "extensionId", extAgentJ)
}

// Rule: unknown or malformed IDs answer 404 naming the parameter (CMN-102);
// swapped IDs are called swapped.
// Source: reference/ringcentral.md §5 (swapped IDs), §6.7.
func TestUnknownAndSwappedIDs(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	sid, op, _ := w.customerCalls("102")
	unknownS, unknownP := "s-"+zeros(32), "p-"+zeros(32)+"-1"
	for _, tc := range []struct {
		what, path, param, has string
	}{
		{"unknown session", sessionPath(unknownS), "telephonySessionId", "no telephony session"},
		{"malformed session", sessionPath("abc"), "telephonySessionId", "looks like s-"},
		{"party id as session", sessionPath(op), "telephonySessionId", "is a party ID"},
		{"session id as party", partyPath(sid, sid), "partyId", "is a telephony session ID"},
		{"party of another session", partyPath(sid, unknownP), "partyId", "does not belong"},
		{"unknown party of the session", partyPath(sid, strings.TrimSuffix(op, "-2")+"-9"), "partyId", "has no party"},
	} {
		expectError(t, tc.what, w.call(http.MethodGet, tc.path, tok, nil), 404, codeNotFound, tc.param, tc.has)
	}
	expectError(t, "unknown route", w.call(http.MethodGet, "/restapi/v1.0/account/~/nothing-here", tok, nil), 404, codeNotFound, "path", "does not serve")
}

// Rule: a wrong-state hold, unhold or mute answers 409 with "Incorrect
// State" in the message (WIDGETS matches it), and changes nothing.
// Source: reference/ringcentral.md §3.2, §6.7.
func TestWrongStateIs409IncorrectState(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	sid, op, _ := w.customerCalls("102")
	expectError(t, "hold while ringing", w.call(http.MethodPost, partyPath(sid, op)+"/hold", tok, nil), 409, codeIncorrectState, "", "Incorrect State")
	expectError(t, "mute while ringing", w.call(http.MethodPatch, partyPath(sid, op), tok, map[string]bool{"muted": true}), 409, codeIncorrectState, "", "Incorrect State")
	expect(t, "answer", w.call(http.MethodPost, partyPath(sid, op)+"/answer", tok, nil), 200)
	expectError(t, "unhold when not held", w.call(http.MethodPost, partyPath(sid, op)+"/unhold", tok, nil), 409, codeIncorrectState, "", "in status Answered")
	expectError(t, "answer twice", w.call(http.MethodPost, partyPath(sid, op)+"/answer", tok, nil), 409, codeIncorrectState, "", "Incorrect State")
	expect(t, "state unchanged", w.call(http.MethodGet, partyPath(sid, op), tok, nil), 200, "status.code", "Answered", "muted", "false")
}

// Rule: bodies must be JSON (415 otherwise), must parse (400 CMN-103) and
// are capped at 1 MiB (413); a refused request changes nothing.
// Source: reference/ringcentral.md §3.2 (CMN-103, 415 listed for every operation).
func TestBadBodies(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	sid, op, _ := w.customerCalls("102")
	expect(t, "answer", w.call(http.MethodPost, partyPath(sid, op)+"/answer", tok, nil), 200)

	req, _ := http.NewRequest(http.MethodPatch, w.srv.URL+partyPath(sid, op), strings.NewReader("muted=true"))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	expectError(t, "form body", w.send(req), 415, codeMediaType, "", "Unsupported Media Type")
	expectError(t, "broken JSON", w.call(http.MethodPatch, partyPath(sid, op), tok, `{"muted": tru`), 400, codeBadJSON, "", "JSON can't be parsed")
	big := `{"muted": true, "pad": "` + strings.Repeat("x", 1<<20) + `"}`
	expectError(t, "oversized body", w.call(http.MethodPatch, partyPath(sid, op), tok, big), 413, codeTooLarge, "", "too large")
	expectError(t, "no muted field", w.call(http.MethodPatch, partyPath(sid, op), tok, map[string]any{}), 400, codeInvalidParam, "muted", "muted")
	expect(t, "state unchanged", w.call(http.MethodGet, partyPath(sid, op), tok, nil), 200, "muted", "false", "status.code", "Answered")
}

// Rule: the error codes no public source shows (409 TAS-102, 415
// CMN-415, 413 CMN-104) are an explicit quirk marked inferred, named after
// the codes it stands for.
// Source: issue 13 item 6; reference/ringcentral.md §3.2.
func TestUnpublishedErrorCodesAreAnInferredQuirk(t *testing.T) {
	for _, q := range scenario.Quirks() {
		if q.Vendor == dialectName && q.Name == quirkErrorCodes {
			if q.Confidence != "inferred" {
				t.Fatalf("quirk %s must be marked inferred, is %q", q.Name, q.Confidence)
			}
			for _, code := range []string{codeIncorrectState, codeMediaType, codeTooLarge} {
				if !strings.Contains(q.Doc, code) {
					t.Fatalf("quirk %s must name %s: %s", q.Name, code, q.Doc)
				}
			}
			return
		}
	}
	t.Fatalf("no quirk %s registered", quirkErrorCodes)
}
