package ringcentral

import (
	"net/http"
	"strings"
	"testing"
)

// Rule: MatchContract finds an operation's contract from the method and
// URL path alone, the same operation the router's contractOf finds.
// Source: issue 15 item 3 (the proxy judges live traffic).
func TestMatchContract(t *testing.T) {
	party := "/restapi/v1.0/account/~/telephony/sessions/s-1/parties/p-1-1"
	for _, tc := range []struct{ method, path, op string }{
		{http.MethodPost, party + "/bridge", "POST .../parties/{partyId}/bridge"},
		{http.MethodPost, party + "/hold", "POST .../parties/{partyId}/hold"},
		{http.MethodPatch, party, "PATCH .../parties/{partyId}"},
		{http.MethodPatch, party + "/recordings/r1", "PATCH .../recordings/{recordingId}"},
		{http.MethodPost, "/restapi/v1.0/account/~/telephony/call-out", "POST .../telephony/call-out"},
		{http.MethodPost, "/restapi/v1.0/subscription", "POST /restapi/v1.0/subscription"},
		{http.MethodPost, "/restapi/v1.0/subscription/x/renew", "POST .../subscription/{subscriptionId}/renew"},
		{http.MethodGet, party, ""},
		{http.MethodPost, party + "/nosuch", ""},
		{http.MethodPost, "/restapi/oauth/token", ""},
	} {
		op, params, ok := MatchContract(tc.method, tc.path)
		if op.Name != tc.op || ok != (tc.op != "") {
			t.Errorf("%s %s: %q, %v; want %q", tc.method, tc.path, op.Name, ok, tc.op)
		}
		if ok && strings.Contains(tc.path, "/account/~/") && params["accountId"] != "~" {
			t.Errorf("%s %s: params %v", tc.method, tc.path, params)
		}
	}
}
