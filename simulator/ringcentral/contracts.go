package ringcentral

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator/contract"
	"github.com/xfer-conform/xfer-conform/simulator/journalhttp"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// The request contracts of the Call Control, call-out and subscription
// operations pbxsim serves, written from reference/ringcentral.md §1.3 and
// §4.1 (SPEC schemas, DOCS examples). decodeJSON checks every JSON body
// against its operation; the bridge adds the party traps, which need the
// sessions. Findings go into the request's journal entry; the account's
// quirk contract-strictness decides whether they are noted (findings, the
// default), not looked for (lenient) or refused with a 400 CMN-101
// (refuse). What the vendor itself refuses (swapped IDs: 404, another
// extension's party: 403) pbxsim refuses anyway, and names the trap too.

func init() {
	scenario.RegisterQuirk(scenario.Quirk{
		Vendor: dialectName, Name: contract.StrictnessQuirk, Values: contract.StrictnessValues, Default: string(contract.Findings),
		Doc:    contract.QuirkDoc("400 CMN-101"),
		Source: "issue 15 items 1 and 2", Confidence: "documented",
	})
}

// Trap rules of the RingCentral dialect.
var (
	RulePartyIDAsSessionID = contract.Rule{Name: "rc-party-id-as-session-id", Confidence: contract.Documented,
		Source: "DOCS warm-transfer.md (body telephonySessionId is the consult's session s-…); reference/ringcentral.md §1.3, §2.4",
		Doc:    "A party ID (p-…) is sent where a telephony session ID (s-…) belongs.", VendorRefuses: true}
	RuleSessionIDAsPartyID = contract.Rule{Name: "rc-session-id-as-party-id", Confidence: contract.Documented,
		Source: "DOCS warm-transfer.md (body partyId is the operator's party p-… in the consult call); reference/ringcentral.md §1.3",
		Doc:    "A telephony session ID (s-…) is sent where a party ID (p-…) belongs.", VendorRefuses: true}
	RuleBridgeWrongParty = contract.Rule{Name: "rc-bridge-wrong-party", Confidence: contract.Documented,
		Source: "DOCS warm-transfer.md (the operator uses their own party ID in each call); CALLJS warmTransfer; reference/ringcentral.md §2.4",
		Doc:    "The bridge body's partyId is not the caller's own party in the body's session: another session's party, or the consult's.", VendorRefuses: true}
)

// TrapRules lists the dialect's own rules, for docs and tests.
func TrapRules() []contract.Rule {
	return []contract.Rule{RulePartyIDAsSessionID, RuleSessionIDAsPartyID, RuleBridgeWrongParty}
}

func field(name string, k contract.Kind) contract.Field { return contract.Field{Name: name, Kind: k} }

var (
	targetFields = []contract.Field{field("phoneNumber", contract.String), field("extensionNumber", contract.String),
		field("extensionId", contract.String), field("voicemail", contract.String), field("parkOrbit", contract.String)}
	deviceFields = []contract.Field{field("deviceId", contract.String)}
	partyFields  = []contract.Field{field("muted", contract.Boolean), field("standAlone", contract.Boolean)}
)

// rcOperations maps method and route (template suffix, or the party
// action) to a contract.
var rcOperations = []struct {
	method, route string
	op            contract.Operation
}{
	{http.MethodPost, "bridge", contract.Operation{Name: "POST .../parties/{partyId}/bridge", Source: "SPEC BridgeTargetRequest; DOCS warm-transfer.md; reference/ringcentral.md §1.3",
		Fields: []contract.Field{{Name: "telephonySessionId", Kind: contract.String, Required: true}, {Name: "partyId", Kind: contract.String, Required: true}},
		Traps: []contract.Trap{
			{Rule: RulePartyIDAsSessionID, Match: func(b contract.Body, _ map[string]string) (string, bool) {
				return "body telephonySessionId " + b.Str("telephonySessionId") + " is a party ID", strings.HasPrefix(b.Str("telephonySessionId"), "p-")
			}},
			{Rule: RuleSessionIDAsPartyID, Match: func(b contract.Body, _ map[string]string) (string, bool) {
				return "body partyId " + b.Str("partyId") + " is a session ID", strings.HasPrefix(b.Str("partyId"), "s-")
			}},
			{Rule: RuleBridgeWrongParty, Match: func(b contract.Body, path map[string]string) (string, bool) {
				ph, _, okP := partyHex(b.Str("partyId"))
				sh, okS := sessionHex(b.Str("telephonySessionId"))
				if !okP || !okS || ph == sh {
					return "", false
				}
				if pathHex, ok := sessionHex(path["telephonySessionId"]); ok && pathHex == ph {
					return "body partyId " + b.Str("partyId") + " is a party of the path's session " + path["telephonySessionId"] + ", not of " + b.Str("telephonySessionId"), true
				}
				return "body partyId " + b.Str("partyId") + " is not a party of session " + b.Str("telephonySessionId"), true
			}},
		}}},
	{http.MethodPost, "hold", contract.Operation{Name: "POST .../parties/{partyId}/hold", Source: "SPEC HoldCallPartyRequest; reference/ringcentral.md §1.3",
		Fields: []contract.Field{{Name: "proto", Kind: contract.String, Enum: []string{"Auto", "RC", "BroadWorks", "DisconnectHolder", "BroadWorksOrDisconnectHolder"}}}}},
	{http.MethodPost, "unhold", contract.Operation{Name: "POST .../parties/{partyId}/unhold", Source: "SPEC (no request body)"}},
	{http.MethodPost, "reject", contract.Operation{Name: "POST .../parties/{partyId}/reject", Source: "SPEC (no request body)"}},
	{http.MethodPost, "answer", contract.Operation{Name: "POST .../parties/{partyId}/answer", Source: "SPEC AnswerTarget; reference/ringcentral.md §1.3", Fields: deviceFields}},
	{http.MethodPost, "ignore", contract.Operation{Name: "POST .../parties/{partyId}/ignore", Source: "SPEC IgnoreRequestBody; reference/ringcentral.md §1.3",
		Fields: []contract.Field{{Name: "deviceId", Kind: contract.String, Required: true}}}},
	{http.MethodPost, "transfer", contract.Operation{Name: "POST .../parties/{partyId}/transfer", Source: "SPEC TransferTarget; reference/ringcentral.md §1.3", Fields: targetFields}},
	{http.MethodPost, "forward", contract.Operation{Name: "POST .../parties/{partyId}/forward", Source: "SPEC ForwardTarget; reference/ringcentral.md §1.3", Fields: targetFields}},
	{http.MethodPost, "park", contract.Operation{Name: "POST .../parties/{partyId}/park", Source: "SPEC (no request body)"}},
	{http.MethodPost, "flip", contract.Operation{Name: "POST .../parties/{partyId}/flip", Source: "SPEC CallPartyFlip; reference/ringcentral.md §1.3",
		Fields: []contract.Field{{Name: "callFlipId", Kind: contract.String, Required: true}}}},
	{http.MethodPost, "recordings", contract.Operation{Name: "POST .../parties/{partyId}/recordings", Source: "SPEC (no request body)"}},
	{http.MethodPatch, "/recordings/{recordingId}", contract.Operation{Name: "PATCH .../recordings/{recordingId}", Source: "SPEC CallRecordingUpdate; reference/ringcentral.md §1.3",
		Fields: []contract.Field{field("active", contract.Boolean)}}},
	{http.MethodPatch, "/parties/{partyId}", contract.Operation{Name: "PATCH .../parties/{partyId}", Source: "SPEC PartyUpdateRequest (wrapped), DOCS/CCJS (flat); reference/ringcentral.md §1.3",
		Fields: append([]contract.Field{{Name: "party", Kind: contract.Object, Fields: partyFields}}, partyFields...)}},
	{http.MethodDelete, "/parties/{partyId}", contract.Operation{Name: "DELETE .../parties/{partyId}", Source: "SPEC",
		Fields: []contract.Field{field("keepConferenceAlive", contract.Boolean)}}},
	{http.MethodPost, "/telephony/call-out", contract.Operation{Name: "POST .../telephony/call-out", Source: "SPEC MakeCallOutRequest; reference/ringcentral.md §1.3",
		Fields: []contract.Field{
			{Name: "from", Kind: contract.Object, Required: true, Fields: []contract.Field{field("deviceId", contract.String), field("extensionId", contract.String)}},
			{Name: "to", Kind: contract.Object, Required: true, Fields: []contract.Field{field("phoneNumber", contract.String), field("extensionNumber", contract.String)}},
			field("countryId", contract.Any),
		}}},
	{http.MethodPost, "/subscription", subscriptionContract("POST /restapi/v1.0/subscription", true)},
	{http.MethodPut, "/subscription/{subscriptionId}", subscriptionContract("PUT /restapi/v1.0/subscription/{subscriptionId}", false)},
	{http.MethodPost, "/subscription/{subscriptionId}/renew", contract.Operation{Name: "POST .../subscription/{subscriptionId}/renew", Source: "SPEC (empty body); reference/ringcentral.md §4.1"}},
}

func subscriptionContract(name string, create bool) contract.Operation {
	return contract.Operation{Name: name, Source: "SPEC CreateSubscriptionRequest; reference/ringcentral.md §4.1",
		Fields: []contract.Field{
			{Name: "eventFilters", Kind: contract.Array, Required: create},
			{Name: "deliveryMode", Kind: contract.Object, Required: create, Fields: []contract.Field{
				{Name: "transportType", Kind: contract.String, Enum: []string{"WebHook", "RC/APNS", "RC/GCM", "PubNub", "WebSocket"}},
				field("address", contract.String), field("verificationToken", contract.String), field("encryption", contract.Boolean)}},
			field("expiresIn", contract.Number),
		}}
}

// contracts lets decodeJSON find the dialect (for the tenant's strictness).
func (d *Dialect) contracts(next http.Handler) http.Handler {
	return contract.Middleware(d)(next)
}

func contractOf(r *http.Request) (contract.Operation, bool) {
	route := mux.CurrentRoute(r)
	if route == nil {
		return contract.Operation{}, false
	}
	tmpl, _ := route.GetPathTemplate()
	action := ""
	if strings.HasSuffix(tmpl, "/{action}") {
		action = mux.Vars(r)["action"]
	}
	for _, o := range rcOperations {
		if r.Method == o.method && (o.route == action || action == "" && strings.HasSuffix(tmpl, o.route)) {
			return o.op, true
		}
	}
	return contract.Operation{}, false
}

// checkContract judges a JSON body decodeJSON has read against its
// operation's contract.
func checkContract(r *http.Request, raw []byte) error {
	d, ok := contract.JudgeOf[*Dialect](r)
	if !ok {
		return nil
	}
	op, ok := contractOf(r)
	if !ok {
		return nil
	}
	findings, body := op.Judge(raw, mux.Vars(r))
	if op.Name == rcOperations[0].op.Name && len(findings) == 0 {
		findings = d.bridgeParty(r, op, body)
	}
	strictness := contract.ParseStrictness(d.dir().quirk(caller(r).AccountID, contract.StrictnessQuirk))
	if f := contract.Apply(strictness, findings, func(n string) { journalhttp.Finding(r, n) }); f != nil {
		return invalidParam(f.Field, "", "Request refused by contract rule "+f.Rule.Name+": "+f.Detail+" ("+contract.StrictnessQuirk+"=refuse).")
	}
	return nil
}

// bridgeParty springs rc-bridge-wrong-party when the body's partyId is a
// party of the body's session that is not the caller's own (the consult's).
//
// It runs only when the body has no other finding: both fields are then
// present, non-empty strings, which body (decoded by the contract check)
// holds unescaped as json.Unmarshal would.
func (d *Dialect) bridgeParty(r *http.Request, op contract.Operation, b contract.Body) []contract.Finding {
	if b == nil {
		return nil
	}
	body := struct{ TelephonySessionID, PartyID string }{b.Str("telephonySessionId"), b.Str("partyId")}
	id := caller(r)
	c, err := d.session(id, body.TelephonySessionID, "telephonySessionId")
	if err != nil {
		return nil
	}
	l, err := d.partyOf(c, body.PartyID, "partyId")
	if err != nil || d.ownParty(id, l) == nil {
		return nil
	}
	return []contract.Finding{{Rule: RuleBridgeWrongParty, Operation: op.Name, Field: "partyId", Source: RuleBridgeWrongParty.Source,
		Detail: "body partyId " + body.PartyID + " is not the caller's own party in session " + body.TelephonySessionID}}
}
