package contract

import "strings"

// Matcher finds the contract of a request from its method and URL path
// alone, without the dialect's router: a proxy in front of a real tenant
// judges live traffic with it. ok is false when the request has no
// contract (a read, an unknown path). params holds the path parameters
// the template names ({partyId}: "p-…").
type Matcher func(method, path string) (op Operation, params map[string]string, ok bool)

// MatchTemplate matches a URL path against a route template whose
// {name} segments each match one non-empty path segment, and returns
// the named segments. The path is compared segment by segment, so a
// // or a trailing / never matches.
//
//	MatchTemplate("/calls/{callid}/hold", "/calls/abc/hold") // {"callid": "abc"}, true
func MatchTemplate(template, path string) (map[string]string, bool) {
	var params map[string]string
	for {
		t, tRest, tMore := strings.Cut(template, "/")
		p, pRest, pMore := strings.Cut(path, "/")
		switch {
		case strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") && len(t) > 2:
			if p == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[t[1:len(t)-1]] = p
		case t != p:
			return nil, false
		}
		if tMore != pMore {
			return nil, false
		}
		if !tMore {
			return params, true
		}
		template, path = tRest, pRest
	}
}
