package ringcentral

import (
	"net/http"
	"strings"
	"testing"
)

// Rule: a session or party ID in RingCentral's newer z-separated form is
// well formed; the 404 for one pbxsim does not know says there is no such
// session (or party) and does not claim the 32-hex format.
// Source: issue 13 item 6; reference/ringcentral.md §1.4 (CCJS mocks use s-a4a0d…fz1803…z…).
func TestZSeparatedIDsAreUnknownNotMalformed(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	sid, _, _ := w.customerCalls("102")
	zs := "s-0123456789abcz0123456789abcz0123456789ab"
	r := w.call(http.MethodGet, sessionPath(zs), tok, nil)
	expectError(t, "z-form session", r, 404, codeNotFound, "telephonySessionId", "no telephony session "+zs)
	if strings.Contains(r.raw, "32 hex") {
		t.Fatalf("the 404 for a z-form ID must not claim the 32-hex format: %s", r.raw)
	}
	zp := "p-0123456789abcz0123456789abcz0123456789ab-1"
	r = w.call(http.MethodGet, partyPath(sid, zp), tok, nil)
	expectError(t, "z-form party", r, 404, codeNotFound, "partyId", "no party "+zp)
	if strings.Contains(r.raw, "32 hex") {
		t.Fatalf("the 404 for a z-form party ID must not claim the 32-hex format: %s", r.raw)
	}
	// A truly malformed ID still says what the form is.
	expectError(t, "malformed", w.call(http.MethodGet, sessionPath("s-xyz"), tok, nil), 404, codeNotFound, "telephonySessionId", "looks like s-")
}
