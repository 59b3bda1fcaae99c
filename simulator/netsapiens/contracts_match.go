package netsapiens

import (
	"strings"

	"github.com/xfer-conform/xfer-conform/simulator/contract"
)

// contractTemplates are the full route templates (dialect.go routes) of
// the operations that carry a request contract; MatchContract finds the
// operation in nsOperations by the template's suffix, as operationOf.
var contractTemplates = []string{
	"/ns-api/v2/domains/{domain}/users/{user}/calls",
	"/ns-api/v2/domains/{domain}/users/{user}/calls/{callid}",
	"/ns-api/v2/domains/{domain}/users/{user}/calls/{callid}/hold",
	"/ns-api/v2/domains/{domain}/users/{user}/calls/{callid}/unhold",
	"/ns-api/v2/domains/{domain}/users/{user}/calls/{callid}/answer",
	"/ns-api/v2/domains/{domain}/users/{user}/calls/{callid}/transfer",
	"/ns-api/v2/domains/{domain}/users/{user}/calls/{callid}/reject",
	"/ns-api/v2/subscriptions",
	"/ns-api/v2/subscriptions/{id}",
	"/ns-api/v2/domains/{domain}/subscriptions",
	"/ns-api/v2/domains/{domain}/subscriptions/{id}",
	"/ns-api/v2/tokens",
	"/ns-api/v2/jwt",
}

// MatchContract is the NetSapiens dialect's contract.Matcher: the request
// contract of a method and URL path, without the router (the proxy
// judges live traffic with it). The call-id traps (hold by
// call-orig-call-id, transfer by call-term-call-id) need the call and
// are not part of it; the body traps (call-term-user in an attended
// transfer) are.
func MatchContract(method, path string) (contract.Operation, map[string]string, bool) {
	for _, tmpl := range contractTemplates {
		params, ok := contract.MatchTemplate(tmpl, path)
		if !ok {
			continue
		}
		for _, o := range nsOperations {
			if method == o.method && strings.HasSuffix(tmpl, o.suffix) {
				return o.op, params, true
			}
		}
	}
	return contract.Operation{}, nil, false
}
