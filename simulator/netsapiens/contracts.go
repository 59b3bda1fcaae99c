package netsapiens

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator/contract"
	"github.com/xfer-conform/xfer-conform/simulator/journalhttp"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// The request contracts of the NS API v2 operations pbxsim serves, written
// from reference/netsapiens.md (SPEC45 schemas, the Attended Transfer
// Guide). readBody checks every body against its operation; checkAction
// adds the call-id traps, which need the call. Findings go into the
// request's journal entry; the domain's quirk contract-strictness decides
// whether they are noted (findings, the default), not looked for
// (lenient) or refused with a 400 (refuse). What the vendor itself
// refuses (a missing call-id, a bad synchronous) pbxsim refuses anyway.

func init() {
	scenario.RegisterQuirk(scenario.Quirk{
		Vendor: vendor, Name: contract.StrictnessQuirk, Values: contract.StrictnessValues, Default: string(contract.Findings),
		Doc:    contract.QuirkDoc("400"),
		Source: "issue 15 items 1 and 2", Confidence: "documented",
	})
}

// Trap rules of the NetSapiens dialect.
var (
	RuleTransferCallTermUser = contract.Rule{Name: "ns-transfer-call-term-user", Confidence: contract.Documented,
		Source: "SPEC45 CallActions.call-term-user ('Do NOT set when using for attended transfer'); GUIDE-AT; reference/netsapiens.md §3.1, §3.4",
		Doc:    "An attended transfer (hostname, call-destination-session-id) also carries call-term-user or destination: the switch blind-transfers instead."}
	RuleHoldByOrigCallID = contract.Rule{Name: "ns-hold-by-orig-call-id", Confidence: contract.Documented,
		Source: "GUIDE-AT step 3 (hold uses call-term-call-id); reference/netsapiens.md §3.3",
		Doc:    "Hold or unhold names the other side's leg (call-orig-call-id of a received call), not the user's own leg."}
	RuleTransferByTermCallID = contract.Rule{Name: "ns-transfer-by-term-call-id", Confidence: contract.Inferred,
		Source: "GUIDE-AT step 2 ('save call-orig-call-id for the final transfer'); reference/netsapiens.md §3.3 step 5",
		Doc:    "An attended transfer names the user's own leg (call-term-call-id), not the party being transferred."}
	RuleAttendedWithoutHostname = contract.Rule{Name: "ns-attended-transfer-without-hostname", Confidence: contract.Documented,
		Source: "SPEC45 CallActions.hostname ('required only for supervised/assisted transfers'); reference/netsapiens.md §3.1",
		Doc:    "An attended transfer names call-destination-session-id but no hostname."}
	RuleV1Destination = contract.Rule{Name: "ns-v1-destination-field", Confidence: contract.Inferred,
		Source: "SPEC45 examples use the v1 key destination; reference/netsapiens.md §2.1, §3.1 (v2 accepting it is unverified)",
		Doc:    "The body uses the v1 key destination where v2 names call-term-user."}
)

// TrapRules lists the dialect's own rules, for docs and tests.
func TrapRules() []contract.Rule {
	return []contract.Rule{RuleTransferCallTermUser, RuleHoldByOrigCallID, RuleTransferByTermCallID, RuleAttendedWithoutHostname, RuleV1Destination}
}

var (
	hostnameFormat = &contract.Format{Name: "hostname", Valid: func(s string) bool {
		if s == "" || len(s) > 253 {
			return false
		}
		for _, label := range strings.Split(s, ".") {
			if label == "" || strings.Trim(label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
				return false
			}
		}
		return true
	}}
	urlFormat      = &contract.Format{Name: "http(s) URL", Valid: func(s string) bool { return checkPostURL(s) == nil }}
	datetimeFormat = &contract.Format{Name: "datetime YYYY-MM-DD HH:MM:SS", Valid: func(s string) bool {
		return len(s) == 19 && s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' && s[16] == ':'
	}}
	yesNoEnum = []string{"yes", "no"}
)

func str(name string) contract.Field {
	return contract.Field{Name: name, Kind: contract.String, NumberOK: true}
}

// destinationAlias flags the v1 key.
var destinationAlias = contract.Trap{Rule: RuleV1Destination, Match: func(b contract.Body, _ map[string]string) (string, bool) {
	return "field \"destination\" is the v1 name of call-term-user", b.Has("destination")
}}

var callActions = []contract.Field{str("call-term-user"), {Name: "hostname", Kind: contract.String, Format: hostnameFormat},
	str("call-destination-session-id"), str("destination")}

// nsOperations maps method and route-template suffix to a contract.
var nsOperations = []struct {
	method, suffix string
	op             contract.Operation
}{
	{http.MethodPatch, "/calls/{callid}/transfer", contract.Operation{Name: "PATCH .../calls/{call_id}/transfer", Source: "SPEC45 CallActions; reference/netsapiens.md §3.1",
		Fields: callActions, Traps: []contract.Trap{
			{Rule: RuleTransferCallTermUser, Match: func(b contract.Body, _ map[string]string) (string, bool) {
				if !b.Has("call-destination-session-id") && !b.Has("hostname") {
					return "", false
				}
				key := "call-term-user"
				if !b.Has(key) {
					key = "destination"
				}
				return "the attended transfer body carries " + key + " " + quoteValue(b.Str(key)) + "; send only hostname and call-destination-session-id",
					b.Has(key)
			}},
			{Rule: RuleAttendedWithoutHostname, Match: func(b contract.Body, _ map[string]string) (string, bool) {
				return "call-destination-session-id without hostname", b.Has("call-destination-session-id") && !b.Has("hostname")
			}},
			destinationAlias,
		}}},
	{http.MethodPatch, "/calls/{callid}/answer", contract.Operation{Name: "PATCH .../calls/{call_id}/answer", Source: "SPEC45 CallActions; GUIDE-ANSWER; reference/netsapiens.md §3.1",
		Fields: callActions}},
	{http.MethodPatch, "/calls/{callid}/hold", contract.Operation{Name: "PATCH .../calls/{call_id}/hold", Source: "SPEC45 (no request body); reference/netsapiens.md §2"}},
	{http.MethodPatch, "/calls/{callid}/unhold", contract.Operation{Name: "PATCH .../calls/{call_id}/unhold", Source: "SPEC45 (no request body); reference/netsapiens.md §2"}},
	{http.MethodDelete, "/calls/{callid}/reject", contract.Operation{Name: "DELETE .../calls/{call_id}/reject", Source: "SPEC45 (no request body); reference/netsapiens.md §2"}},
	{http.MethodDelete, "/calls/{callid}", contract.Operation{Name: "DELETE .../calls/{call_id}", Source: "SPEC45 (no request body); reference/netsapiens.md §2"}},
	{http.MethodPost, "/users/{user}/calls", contract.Operation{Name: "POST .../users/{user}/calls", Source: "SPEC45 CallRequest; reference/netsapiens.md §2.1",
		Fields: []contract.Field{
			{Name: "synchronous", Kind: contract.String, Enum: yesNoEnum},
			{Name: "call-id", Kind: contract.String, Required: true, NumberOK: true},
			{Name: "call-term-user", Kind: contract.String, Required: true, NumberOK: true},
			str("call-orig-user"), str("dial-rule-application"),
			{Name: "auto-answer-enabled", Kind: contract.String, Enum: yesNoEnum},
			str("caller-id-number"), str("callback-caller-id-number"), str("call-term-added-sip-header"), str("destination"),
		}, Traps: []contract.Trap{destinationAlias}}},
	{http.MethodPost, "/subscriptions", contract.Operation{Name: "POST .../subscriptions", Source: "SPEC45 Subscription; reference/netsapiens.md §6.1",
		Fields: subscriptionFields(true)}},
	{http.MethodPut, "/subscriptions/{id}", contract.Operation{Name: "PUT .../subscriptions/{id}", Source: "SPEC45 Subscription; reference/netsapiens.md §6.1",
		Fields: append(subscriptionFields(false), contract.Field{Name: "error-count", Kind: contract.Number}, contract.Field{Name: "posts-count", Kind: contract.Number})}},
	{http.MethodDelete, "/subscriptions/{id}", contract.Operation{Name: "DELETE .../subscriptions/{id}", Source: "reference/netsapiens.md §6.1 (body subscription_id, domain)",
		Fields: []contract.Field{str("subscription_id"), str("domain")}}},
	{http.MethodPost, "/tokens", contract.Operation{Name: "POST /tokens", Source: "SPEC45 AuthRequest; reference/netsapiens.md §4.2",
		Fields: []contract.Field{{Name: "grant_type", Kind: contract.String, Required: true, Enum: []string{"password", "refresh_token"}},
			str("client_id"), str("client_secret"), str("username"), str("password"), str("refresh_token"), str("scope")}}},
	{http.MethodPost, "/jwt", contract.Operation{Name: "POST /jwt", Source: "SPEC45 JWT request; reference/netsapiens.md §4.3",
		Fields: []contract.Field{{Name: "grant_type", Kind: contract.String, Enum: []string{"password", "refresh_token"}},
			str("client_id"), str("client_secret"), str("username"), str("password"), str("refresh_token")}}},
}

func subscriptionFields(create bool) []contract.Field {
	return []contract.Field{
		{Name: "model", Kind: contract.String, Required: create, Enum: []string{"agent", "auditlog", "auditlog_lite", "call", "call_origid", "cdr", "message", "messagesession", "subscriber", "presence", "voicemail"}},
		{Name: "post-url", Kind: contract.String, Required: create, Format: urlFormat},
		{Name: "subscription-geo-support", Kind: contract.String, Enum: yesNoEnum},
		str("reseller"), str("domain"), str("user"),
		{Name: "subscription-expires-datetime", Kind: contract.String, Format: datetimeFormat},
		str("preferred-server"),
	}
}

func quoteValue(s string) string {
	if s == "" {
		return "(empty)"
	}
	return `"` + s + `"`
}

// contracts lets readBody find the dialect (for the tenant's strictness).
func (d *Dialect) contracts(next http.Handler) http.Handler {
	return contract.Middleware(d)(next)
}

// operationOf finds the contract of the request's route.
func operationOf(r *http.Request) (contract.Operation, bool) {
	route := mux.CurrentRoute(r)
	if route == nil {
		return contract.Operation{}, false
	}
	tmpl, _ := route.GetPathTemplate()
	for _, o := range nsOperations {
		if r.Method == o.method && strings.HasSuffix(tmpl, o.suffix) {
			return o.op, true
		}
	}
	return contract.Operation{}, false
}

// strictness is the request's domain's contract-strictness.
func (d *Dialect) strictness(r *http.Request) contract.Strictness {
	domain := journalhttp.Tenant(r)
	if domain == "" {
		domain = mux.Vars(r)["domain"]
	}
	return contract.ParseStrictness(d.dir().profiles[domain].contracts)
}

// checkContract judges a body readBody has read (raw JSON, or the form
// it decoded) against its operation's contract.
func checkContract(r *http.Request, raw []byte, form body) *apiError {
	d, ok := contract.JudgeOf[*Dialect](r)
	if !ok {
		return nil
	}
	op, ok := operationOf(r)
	if !ok {
		return nil
	}
	if form != nil {
		raw, _ = json.Marshal(form)
	}
	return d.report(r, op.Check(raw, mux.Vars(r)))
}

// report notes findings in the journal, or refuses the first under refuse.
func (d *Dialect) report(r *http.Request, findings []contract.Finding) *apiError {
	if f := contract.Apply(d.strictness(r), findings, func(n string) { journalhttp.Finding(r, n) }); f != nil {
		return refuse(errInvalidRequest, "Request refused by contract rule %s: %s (%s=refuse)", f.Rule.Name, f.Detail, contract.StrictnessQuirk)
	}
	return nil
}

// checkCallIDContract springs the call-id traps of hold, unhold and
// transfer: which leg the path's call_id names needs the call.
func (d *Dialect) checkCallIDContract(r *http.Request, uc userCall, b body) *apiError {
	op, ok := operationOf(r)
	if !ok {
		return nil
	}
	named, own := uc.named.Attrs[AttrCallID], uc.own.Attrs[AttrCallID]
	var findings []contract.Finding
	add := func(rule contract.Rule, detail string) {
		findings = append(findings, contract.Finding{Rule: rule, Operation: op.Name, Field: "call_id", Detail: detail, Source: rule.Source})
	}
	switch action := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]; {
	case (action == "hold" || action == "unhold") && uc.named.ID != uc.own.ID:
		add(RuleHoldByOrigCallID, "call_id "+named+" is the other side's leg; "+action+" by the user's own leg "+own+" (call-term-call-id)")
	case action == "transfer" && uc.named.ID == uc.own.ID && b["call-destination-session-id"] != nil:
		far := ""
		for _, l := range uc.call.Legs {
			if l.ID != uc.own.ID && l.Attrs[AttrCallID] != "" {
				far = l.Attrs[AttrCallID]
				break
			}
		}
		add(RuleTransferByTermCallID, "call_id "+named+" is the user's own leg; the attended transfer names the party being transferred ("+far+", call-orig-call-id)")
	}
	return d.report(r, findings)
}
