package netsapiens

import (
	"net/http"
	"testing"
)

// Rule: MatchContract finds an operation's contract from the method and
// URL path alone, the same operation the router's operationOf finds.
// Source: issue 15 item 3 (the proxy judges live traffic).
func TestMatchContract(t *testing.T) {
	calls := "/ns-api/v2/domains/TEST/users/1000/calls"
	for _, tc := range []struct{ method, path, op string }{
		{http.MethodPatch, calls + "/c1/transfer", "PATCH .../calls/{call_id}/transfer"},
		{http.MethodPatch, calls + "/c1/hold", "PATCH .../calls/{call_id}/hold"},
		{http.MethodDelete, calls + "/c1", "DELETE .../calls/{call_id}"},
		{http.MethodDelete, calls + "/c1/reject", "DELETE .../calls/{call_id}/reject"},
		{http.MethodPost, calls, "POST .../users/{user}/calls"},
		{http.MethodPost, "/ns-api/v2/subscriptions", "POST .../subscriptions"},
		{http.MethodPut, "/ns-api/v2/domains/TEST/subscriptions/9", "PUT .../subscriptions/{id}"},
		{http.MethodPost, "/ns-api/v2/tokens", "POST /tokens"},
		{http.MethodGet, calls, ""},
		{http.MethodPatch, calls + "/c1/nosuch", ""},
	} {
		op, _, ok := MatchContract(tc.method, tc.path)
		if op.Name != tc.op || ok != (tc.op != "") {
			t.Errorf("%s %s: %q, %v; want %q", tc.method, tc.path, op.Name, ok, tc.op)
		}
	}
}
