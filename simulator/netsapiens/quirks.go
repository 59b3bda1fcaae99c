package netsapiens

import (
	"github.com/xfer-conform/xfer-conform/simulator/contract"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Quirk names a scenario selects per domain under "quirks:". Each one is a
// behaviour the public NetSapiens sources leave open or get wrong; the
// values, their reasons and sources are written up in docs/quirks.md.
const (
	// QuirkCallTermUser: what a /transfer does when its body carries
	// call-term-user (or destination) beside the attended-transfer fields.
	QuirkCallTermUser = "call-term-user"
	// QuirkTermInfoField: which key carries the term side's call-info.
	QuirkTermInfoField = "term-info-field"
	// QuirkHeldCallInfo: the call-info value shown for a held side.
	QuirkHeldCallInfo = "held-call-info"
	// QuirkHoldCallID: which call-id hold and unhold accept.
	QuirkHoldCallID = "hold-call-id"
	// QuirkTransferCallID: which call-id an attended transfer accepts.
	QuirkTransferCallID = "transfer-call-id"
	// QuirkTransferHostname: whether the transfer's hostname must name the
	// core server.
	QuirkTransferHostname = "transfer-hostname"
	// QuirkUserFieldType: whether numeric user fields are JSON strings or numbers.
	QuirkUserFieldType = "user-field-type"
	// QuirkDatetimeFormat: how ActiveCall datetimes are written.
	QuirkDatetimeFormat = "datetime-format"
)

const vendor = "netsapiens"

func init() {
	for _, q := range []scenario.Quirk{
		{
			Name:    QuirkCallTermUser,
			Values:  []string{"blind-transfer", "refused", "ignored"},
			Default: "blind-transfer",
			Doc: "A /transfer body with call-term-user (or its v1 alias destination) beside hostname/call-destination-session-id. " +
				"blind-transfer: 202, then the caller is blind-transferred to that user and nothing is merged; " +
				"refused: 400 at once; ignored: the field is dropped and the attended transfer completes.",
			Source:     "docs.ns-api.com Attended Transfer Guide, 'API Documentation Correction' (44.2); reference/netsapiens.md §3.4",
			Confidence: "inferred",
		},
		{
			Name:       QuirkTermInfoField,
			Values:     []string{"both", "term-orig-info", "call-term-info"},
			Default:    "both",
			Doc:        "The term side's call-info key in ActiveCall: both keys, only the schema's term-orig-info, or only the guide's call-term-info.",
			Source:     "SPEC45 ActiveCall schema (term-orig-info) vs Attended Transfer Guide step 5 (call-term-info); reference/netsapiens.md §2.2",
			Confidence: "inferred",
		},
		{
			Name:       QuirkHeldCallInfo,
			Values:     []string{"held", "active"},
			Default:    "held",
			Doc:        "The call-info of the side that put the call on hold: held, or active (hold not visible in call-info).",
			Source:     "reference/netsapiens.md §2.4: no source gives the value for a held call",
			Confidence: "inferred",
		},
		{
			Name:       QuirkHoldCallID,
			Values:     []string{"own-leg", "any"},
			Default:    "own-leg",
			Doc:        "own-leg: hold/unhold act only when call_id is the acting user's own leg (call-term-call-id for a call the user received); the other side's id answers 202 and nothing happens. any: either id holds the user's leg.",
			Source:     "Attended Transfer Guide 'Call ID Reference Guide': hold uses call-term-call-id",
			Confidence: "inferred",
		},
		{
			Name:       QuirkTransferCallID,
			Values:     []string{"far-party", "any"},
			Default:    "far-party",
			Doc:        "far-party: an attended transfer merges only when call_id is the leg of the party being transferred (call-orig-call-id for a call the user received); the user's own id answers 202 and nothing is merged. any: either id works.",
			Source:     "Attended Transfer Guide 'Call ID Reference Guide': the final transfer uses call-orig-call-id",
			Confidence: "inferred",
		},
		{
			Name:       QuirkTransferHostname,
			Values:     []string{"must-match", "ignored"},
			Default:    "must-match",
			Doc:        "must-match: an attended transfer whose hostname is missing or is not the core server answers 202 and merges nothing (the switch looks for the session on the wrong core). ignored: hostname is not checked.",
			Source:     "SPEC45 CallActions.hostname ('hostname where the call currently resides'); v1 xfer hostname",
			Confidence: "inferred",
		},
		{
			Name:       QuirkUserFieldType,
			Values:     []string{"string", "number"},
			Default:    "string",
			Doc:        "string: call-orig-user/call-term-user are JSON strings as the schema says; number: numeric user ids are JSON numbers as the guide's excerpts show.",
			Source:     "SPEC45 ActiveCall (all string) vs Attended Transfer Guide steps 2 and 5 (\"call-term-user\": 1000)",
			Confidence: "documented",
		},
		{
			Name:    QuirkDatetimeFormat,
			Values:  []string{"iso8601", "date", "sql"},
			Default: "iso8601",
			Doc: "ActiveCall call-start-datetime/call-answer-datetime: iso8601 (2026-01-01T00:00:00+00:00, the decision: a start *datetime*, " +
				"parsed with new Date() by a v2 client, and ISO 8601 as other v2 objects); date (call-start-datetime as the schema's literal " +
				"format: date, 2026-01-01; the answer time stays ISO 8601, the schema gives it no format); sql (2026-01-01 00:00:00, as the legacy payloads).",
			Source:     "SPEC45 ActiveCall call-start-datetime format \"date\", call-answer-datetime no format; reference/netsapiens.md §2.5 (HORIZON parses v2 call-start-datetime with new Date); issue 13 item 7",
			Confidence: "inferred",
		},
	} {
		q.Vendor = vendor
		scenario.RegisterQuirk(q)
	}
}

// profile is one domain's quirk selection, resolved once at start.
type profile struct {
	callTermUser     string
	termInfoField    string
	heldCallInfo     string
	holdCallID       string
	transferCallID   string
	transferHostname string
	userFieldType    string
	datetimeFormat   string
	subDatetime      string // datetimes.go
	contracts        string // contracts.go
}

func newProfile(selected map[string]string) profile {
	v := func(name string) string { return scenario.QuirkValue(selected, vendor, name) }
	return profile{
		callTermUser:     v(QuirkCallTermUser),
		termInfoField:    v(QuirkTermInfoField),
		heldCallInfo:     v(QuirkHeldCallInfo),
		holdCallID:       v(QuirkHoldCallID),
		transferCallID:   v(QuirkTransferCallID),
		transferHostname: v(QuirkTransferHostname),
		userFieldType:    v(QuirkUserFieldType),
		datetimeFormat:   v(QuirkDatetimeFormat),
		subDatetime:      v(QuirkSubscriptionDatetimeFormat),
		contracts:        v(contract.StrictnessQuirk),
	}
}
