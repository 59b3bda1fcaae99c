package ringcentral

import (
	"strings"

	"github.com/xfer-conform/xfer-conform/simulator/contract"
)

// MatchContract is the RingCentral dialect's contract.Matcher: the
// request contract of a method and URL path, without the router (the
// proxy judges live traffic with it). It finds the route as the router
// does, the first of routeTable whose method and full path match, then
// the route's contract in rcOperations by the same rule as contractOf:
// the party action, or the template's suffix. The bridge's own-party
// check needs the sessions and is not part of it.
func MatchContract(method, path string) (contract.Operation, map[string]string, bool) {
	for _, rt := range routeTable {
		if rt.method != method || rt.scope == scopeSocket {
			continue
		}
		tmpl := rt.fullPath()
		params, ok := contract.MatchTemplate(tmpl, path)
		if !ok {
			continue
		}
		action := ""
		if rt.action {
			action = strings.TrimPrefix(rt.path, "/")
			if params == nil {
				params = map[string]string{}
			}
			params["action"] = action
		}
		for _, o := range rcOperations {
			if method == o.method && (o.route == action || action == "" && strings.HasSuffix(tmpl, o.route)) {
				return o.op, params, true
			}
		}
		return contract.Operation{}, nil, false
	}
	return contract.Operation{}, nil, false
}
