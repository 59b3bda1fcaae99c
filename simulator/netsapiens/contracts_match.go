package netsapiens

import (
	"strings"

	"github.com/xfer-conform/xfer-conform/simulator/contract"
)

// MatchContract is the NetSapiens dialect's contract.Matcher: the request
// contract of a method and URL path, without the router (the proxy
// judges live traffic with it). It finds the route as the router does,
// the first of routeTable whose method and template match, then the
// route's contract in nsOperations by the template's suffix, as
// operationOf. The call-id traps (hold by call-orig-call-id, transfer by
// call-term-call-id) need the call and are not part of it; the body
// traps (call-term-user in an attended transfer) are.
func MatchContract(method, path string) (contract.Operation, map[string]string, bool) {
	for _, rt := range routeTable {
		if rt.method != method {
			continue
		}
		tmpl := apiPrefix + rt.path
		params, ok := contract.MatchTemplate(tmpl, path)
		if !ok {
			continue
		}
		for _, o := range nsOperations {
			if method == o.method && strings.HasSuffix(tmpl, o.suffix) {
				return o.op, params, true
			}
		}
		return contract.Operation{}, nil, false
	}
	return contract.Operation{}, nil, false
}
