package netsapiens

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/client/netsapiens"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/judge"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// NetSapiens in @integration scenarios (steps.Integrated): the hand-over,
// the reference transfer and the checks of "Attended Transfer via API".

// Title is "NetSapiens".
func (Vendor) Title() string { return "NetSapiens" }

// IntegrationCall: the outside caller calls the inbound number.
func (Vendor) IntegrationCall(w *steps.World) (steps.IntegrationCall, error) {
	f := FactsOf(w)
	if f == nil {
		return steps.IntegrationCall{}, fmt.Errorf("target %s has no NetSapiens domain", w.Target.Name())
	}
	return steps.IntegrationCall{From: f.OutsideCaller, To: f.InboundNumber, Operator: f.Operator.ID, Consult: f.Consult.ID}, nil
}

// Handover is NetSapiens' variables (docs/integrations.md).
func (Vendor) Handover(w *steps.World, original control.Call) (map[string]string, []string, error) {
	f := FactsOf(w)
	if f == nil {
		return nil, nil, fmt.Errorf("%w: the target has no NetSapiens domain", target.ErrHarness)
	}
	vars := map[string]string{
		"PBX_URL":              f.ServerURL,
		"NS_API_URL":           strings.TrimRight(f.ServerURL, "/") + "/ns-api/v2",
		"NS_API_KEY":           f.DomainKey,
		"NS_DOMAIN":            f.Domain,
		"XFER_CUSTOMER":        f.OutsideCaller,
		"XFER_CUSTOMER_NUMBER": f.OutsideCaller,
		"XFER_OPERATOR":        f.Operator.ID,
		"XFER_OPERATOR_NUMBER": f.Operator.Number,
		"XFER_CONSULT":         f.Consult.ID,
		"XFER_CONSULT_NUMBER":  f.Consult.Number,
		"XFER_SESSION_ID":      Session(original),
	}
	return vars, []string{f.DomainKey}, nil
}

// Checks are the checks of NetSapiens' "Attended Transfer via API".
func (Vendor) Checks() []judge.Check {
	return []judge.Check{
		{Name: "hold by call-term-call-id", Vendor: Name, Rule: "the original call is held by its call-term-call-id, the operator's own leg (NetSapiens \"Attended Transfer via API\": \"For holding the call: Use call-term-call-id\")", Judge: checkNSHoldByTerm},
		{Name: "transfer on call-orig-call-id", Vendor: Name, Rule: "the attended transfer is sent on the original call's call-orig-call-id with the consult call's hostname and call-destination-session-id (guide: \"For the final transfer: Use call-orig-call-id\")", Judge: checkNSTransferOnOrig},
		{Name: "no call-term-user in the transfer", Vendor: Name, Rule: "the attended transfer body has no call-term-user (guide: \"Do NOT include call-term-user in your transfer request\")", Judge: checkNSNoTermUser},
	}
}

// budget: 60 reads; NetSapiens documents no 429, so 1 s.
var budget = judge.Budget{Reads: 60, RetryAfter: time.Second}

// Judging: the operator and the consult are users, the customer the
// outside caller's number.
func (Vendor) Judging(w *steps.World) (func(control.Leg) string, judge.Budget) {
	return roles(FactsOf(w)), budget
}

func roles(f *Facts) func(control.Leg) string {
	return func(l control.Leg) string {
		if f == nil {
			return ""
		}
		ep := l.Endpoint
		switch {
		case ep.UserID != "" && ep.UserID == f.Operator.ID:
			return "operator"
		case ep.UserID != "" && ep.UserID == f.Consult.ID:
			return "consult"
		case ep.UserID == "" && ep.Number == f.OutsideCaller:
			return "customer"
		}
		return ""
	}
}

// Settle waits until every change the integration sent is applied:
// NetSapiens answers a write 202 and applies it later (its journal entry
// carries the outcome note then).
func (Vendor) Settle(w *steps.World, read func() ([]control.JournalEntry, error)) error {
	return w.Await("every change the integration sent to be applied (a note on each accepted write)", func() (bool, string, error) {
		journal, err := read()
		if err != nil {
			return false, "", err
		}
		var pending []string
		for _, e := range journal {
			if e.Method != "GET" && e.Status == 202 && e.Note == "" {
				pending = append(pending, fmt.Sprintf("#%d %s %s", e.Seq, e.Method, e.Path))
			}
		}
		return len(pending) == 0, "pending: " + strings.Join(pending, ", "), nil
	})
}

// nsCallAction finds PATCH …/calls/{call-id}/{verb} requests.
func nsCallAction(e judge.Evidence, verb string) []struct {
	entry  control.JournalEntry
	callID string
} {
	var out []struct {
		entry  control.JournalEntry
		callID string
	}
	for _, j := range e.Journal {
		parts := judge.PathParts(j.Path)
		n := len(parts)
		if j.Method == "PATCH" && n >= 3 && parts[n-1] == verb && parts[n-3] == "calls" {
			out = append(out, struct {
				entry  control.JournalEntry
				callID string
			}{j, parts[n-2]})
		}
	}
	return out
}

// nsOriginalIDs are the original call's call-ids: orig (the caller's
// leg) and term (the operator's own leg).
func nsOriginalIDs(e judge.Evidence) (orig, term string) {
	return e.LegID(e.Original, "customer", "call-id"), e.LegID(e.Original, "operator", "call-id")
}

func checkNSHoldByTerm(e judge.Evidence) error {
	orig, term := nsOriginalIDs(e)
	holds := nsCallAction(e, "hold")
	if len(holds) == 0 {
		return fmt.Errorf("the integration never held the caller (PATCH …/calls/%s/hold) before consulting", term)
	}
	for _, h := range holds {
		switch h.callID {
		case term:
			continue
		case orig:
			return fmt.Errorf("held by call-orig-call-id instead of call-term-call-id: PATCH …/calls/%s/hold names the caller's leg, so nothing is held (the operator's own leg is call-term-call-id %s): %s", orig, term, judge.DescribeEntry(h.entry))
		default:
			return fmt.Errorf("held call-id %s, which is neither of the original call's ids (call-term-call-id %s, call-orig-call-id %s): %s", h.callID, term, orig, judge.DescribeEntry(h.entry))
		}
	}
	return nil
}

func checkNSTransferOnOrig(e judge.Evidence) error {
	orig, term := nsOriginalIDs(e)
	transfers := nsCallAction(e, "transfer")
	if len(transfers) == 0 {
		return fmt.Errorf("the integration never sent the attended transfer (PATCH …/calls/%s/transfer)", orig)
	}
	for _, t := range transfers {
		switch t.callID {
		case orig:
		case term:
			return fmt.Errorf("transferred on call-term-call-id instead of call-orig-call-id: PATCH …/calls/%s/transfer merges nothing (the original call's call-orig-call-id is %s): %s", term, orig, judge.DescribeEntry(t.entry))
		default:
			return fmt.Errorf("transferred call-id %s, not the original call's call-orig-call-id %s: %s", t.callID, orig, judge.DescribeEntry(t.entry))
		}
		var body map[string]any
		_ = json.Unmarshal([]byte(t.entry.Body), &body)
		if body["call-destination-session-id"] == nil || body["hostname"] == nil {
			return fmt.Errorf("the transfer body lacks hostname or call-destination-session-id, so it is not an attended transfer: %s", judge.DescribeEntry(t.entry))
		}
	}
	return nil
}

func checkNSNoTermUser(e judge.Evidence) error {
	for _, t := range nsCallAction(e, "transfer") {
		var body map[string]any
		if json.Unmarshal([]byte(t.entry.Body), &body) == nil && body["call-term-user"] != nil {
			return fmt.Errorf("sent call-term-user in the attended transfer body: NetSapiens then blind-transfers instead of joining the consult call: %s", judge.DescribeEntry(t.entry))
		}
	}
	return nil
}

// ReferenceTransfer (steps.Integrated) walks the vendor's attended-transfer guide with the reference
// client.
func (Vendor) ReferenceTransfer(ctx context.Context, hc *http.Client, v map[string]string) error {
	c, err := netsapiens.New(netsapiens.Config{BaseURL: v["PBX_URL"], Domain: v["NS_DOMAIN"], Auth: netsapiens.APIKey(v["NS_API_KEY"]),
		HTTPClient: hc, Poll: netsapiens.PollPolicy{Max: judge.PollMax}})
	if err != nil {
		return err
	}
	return c.NewWarmTransfer(v["XFER_OPERATOR"], v["XFER_CONSULT"]).Run(ctx)
}

// Session is the call-session-id pbxsim shows for a NetSapiens
// call: the call's, else its first leg's that has one.
func Session(c control.Call) string {
	if s := c.Vendor[Name]["call-session-id"]; s != "" {
		return s
	}
	for _, l := range c.Legs {
		if s := l.Vendor[Name]["call-session-id"]; s != "" {
			return s
		}
	}
	return ""
}
