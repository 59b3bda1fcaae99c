package ringcentral

import (
	"net/http"
	"testing"
)

// Regression (found by test/hostile): a body that is JSON but not an
// object, null above all, decoded as "no fields" and the operation went
// through (a hold with body null held the call). Every request body of
// the API is an object, so anything else is 400 CMN-103 and nothing moves.
// Source: issue 7 ("Hostile input"); reference/ringcentral.md §3.1.
func TestBodyThatIsNotAnObjectIsRefused(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	sid, op, _ := w.customerCalls("102")
	expect(t, "answer", w.call(http.MethodPost, partyPath(sid, op)+"/answer", tok, nil), 200)
	for _, body := range []string{"null", "[]", `"hold"`, "42", "true"} {
		for _, action := range []string{"/hold", "/park", "/recordings"} {
			expectError(t, action+" with body "+body, w.call(http.MethodPost, partyPath(sid, op)+action, tok, body), 400, codeBadJSON, "", "JSON object")
		}
	}
	expect(t, "state unchanged", w.call(http.MethodGet, partyPath(sid, op), tok, nil), 200, "status.code", "Answered")
}
