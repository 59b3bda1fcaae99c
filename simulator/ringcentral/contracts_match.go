package ringcentral

import (
	"strings"

	"github.com/xfer-conform/xfer-conform/simulator/contract"
)

// contractTemplates are the full route templates of the operations that
// carry a request contract (routes.go); MatchContract finds the
// operation in rcOperations by the same rule as contractOf: the party
// action, or the template's suffix.
var contractTemplates = []string{
	"/restapi/v1.0/account/{accountId}/telephony/sessions/{telephonySessionId}/parties/{partyId}/{action}",
	"/restapi/v1.0/account/{accountId}/telephony/sessions/{telephonySessionId}/parties/{partyId}/recordings/{recordingId}",
	"/restapi/v1.0/account/{accountId}/telephony/sessions/{telephonySessionId}/parties/{partyId}",
	"/restapi/v1.0/account/{accountId}/telephony/call-out",
	"/restapi/v1.0/subscription",
	"/restapi/v1.0/subscription/{subscriptionId}",
	"/restapi/v1.0/subscription/{subscriptionId}/renew",
}

// MatchContract is the RingCentral dialect's contract.Matcher: the
// request contract of a method and URL path, without the router (the
// proxy judges live traffic with it). The bridge's own-party check needs
// the sessions and is not part of it.
func MatchContract(method, path string) (contract.Operation, map[string]string, bool) {
	for _, tmpl := range contractTemplates {
		params, ok := contract.MatchTemplate(tmpl, path)
		if !ok {
			continue
		}
		action := ""
		if strings.HasSuffix(tmpl, "/{action}") {
			action = params["action"]
		}
		for _, o := range rcOperations {
			if method == o.method && (o.route == action || action == "" && strings.HasSuffix(tmpl, o.route)) {
				return o.op, params, true
			}
		}
	}
	return contract.Operation{}, nil, false
}
