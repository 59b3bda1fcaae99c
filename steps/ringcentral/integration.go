package ringcentral

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/judge"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// RingCentral in @integration scenarios (steps.Integrated): the hand-over,
// the reference transfer and the checks of the RingCentral guide.

// Title is "RingCentral".
func (Vendor) Title() string { return "RingCentral" }

func integrationFacts(w *steps.World) (*Facts, error) {
	if FactsOf(w) == nil {
		return nil, fmt.Errorf("target %s has no RingCentral account", w.Target.Name())
	}
	return FactsOf(w), nil
}

// IntegrationCall: the customer's extension calls the operator's.
func (Vendor) IntegrationCall(w *steps.World) (steps.IntegrationCall, error) {
	f, err := integrationFacts(w)
	if err != nil {
		return steps.IntegrationCall{}, err
	}
	return steps.IntegrationCall{From: f.Customer.Extension + "@" + f.AccountID, To: f.Operator.Extension + "@" + f.AccountID,
		Operator: f.Operator.ID, Consult: f.Consult.ID}, nil
}

// Handover is RingCentral's variables (docs/integrations.md).
func (Vendor) Handover(w *steps.World, original control.Call) (map[string]string, []string, error) {
	f := FactsOf(w)
	if f == nil {
		return nil, nil, fmt.Errorf("%w: the target has no RingCentral account", target.ErrHarness)
	}
	vars := map[string]string{
		"PBX_URL":                 f.ServerURL,
		"RC_SERVER_URL":           f.ServerURL,
		"RC_CLIENT_ID":            f.ClientID,
		"RC_CLIENT_SECRET":        f.ClientSecret,
		"RC_JWT":                  f.Operator.JWT,
		"RC_ACCOUNT_ID":           f.AccountID,
		"XFER_CUSTOMER":           f.Customer.Extension,
		"XFER_CUSTOMER_NUMBER":    f.Customer.Number,
		"XFER_OPERATOR":           f.Operator.Extension,
		"XFER_OPERATOR_ID":        f.Operator.ID,
		"XFER_OPERATOR_DEVICE_ID": f.Operator.DeviceID,
		"XFER_CONSULT":            f.Consult.Extension,
		"XFER_CONSULT_ID":         f.Consult.ID,
		"XFER_CONSULT_NUMBER":     f.Consult.Number,
		"XFER_SESSION_ID":         original.Vendor[Name]["telephonySessionId"],
	}
	return vars, []string{f.ClientSecret, f.Operator.JWT}, nil
}

// Checks are the RingCentral guide's checks.
func (Vendor) Checks() []judge.Check {
	return []judge.Check{
		{Name: "customer held before the consult call", Vendor: Name, Rule: "the operator's party in the customer's call is held (POST …/parties/{party}/hold) before the call-out to the consult (RingCentral guide \"Managing warm transfers\")", Judge: checkRCHeldFirst},
		{Name: "bridge IDs not swapped", Vendor: Name, Rule: "POST …/sessions/{customer's s-…}/parties/{operator's p-…-n}/bridge with body {telephonySessionId: consult call's s-…, partyId: operator's p-…-n in it} (RingCentral guide; ID formats s- and p-…-n)", Judge: checkRCBridgeIDs},
	}
}

// budget: 40 reads; a 429 without Retry-After means at least 30 s (the
// RingCentral guide).
var budget = judge.Budget{Reads: 40, RetryAfter: 30 * time.Second}

// Judging: the roles are the three extensions.
func (Vendor) Judging(w *steps.World) (func(control.Leg) string, judge.Budget) {
	return roles(FactsOf(w)), budget
}

func roles(f *Facts) func(control.Leg) string {
	return func(l control.Leg) string {
		if f == nil {
			return ""
		}
		ep := l.Endpoint
		for role, p := range map[string]target.Person{"customer": f.Customer, "operator": f.Operator, "consult": f.Consult} {
			if ep.UserID != "" && ep.UserID == p.ID {
				return role
			}
		}
		return ""
	}
}

// rcPartyRequest is a RingCentral Call Control request on a party.
type rcPartyRequest struct {
	entry          control.JournalEntry
	session, party string
	action         string
	bodySession    string
	bodyParty      string
}

// rcPartyRequests finds POST …/telephony/sessions/{s}/parties/{p}/{action}.
func rcPartyRequests(e judge.Evidence, action string) []rcPartyRequest {
	var out []rcPartyRequest
	for _, j := range e.Journal {
		parts := judge.PathParts(j.Path)
		for i := 0; i+4 < len(parts); i++ {
			if parts[i] == "sessions" && parts[i+2] == "parties" && parts[i+4] == action && j.Method == "POST" {
				r := rcPartyRequest{entry: j, session: parts[i+1], party: parts[i+3], action: action}
				var body struct {
					TelephonySessionID string `json:"telephonySessionId"`
					PartyID            string `json:"partyId"`
				}
				if json.Unmarshal([]byte(j.Body), &body) == nil {
					r.bodySession, r.bodyParty = body.TelephonySessionID, body.PartyID
				}
				out = append(out, r)
			}
		}
	}
	return out
}

func checkRCHeldFirst(e judge.Evidence) error {
	opParty := e.LegID(e.Original, "operator", "partyId")
	var callOut *control.JournalEntry
	for i, j := range e.Journal {
		if j.Method == "POST" && strings.HasSuffix(j.Path, "/telephony/call-out") && j.Status/100 == 2 {
			callOut = &e.Journal[i]
			break
		}
	}
	if callOut == nil {
		return errors.New("the integration never called the consult (POST …/telephony/call-out answered 2xx)")
	}
	var wrong []string
	for _, h := range rcPartyRequests(e, "hold") {
		if h.entry.Seq > callOut.Seq || h.entry.Status/100 != 2 {
			continue
		}
		if h.party == opParty {
			return nil
		}
		role, _, _ := e.RoleOfVendorID("partyId", h.party)
		wrong = append(wrong, fmt.Sprintf("held party %s (the %s's) instead of the operator's party %s in the customer's call", h.party, orUnknown(role), opParty))
	}
	if len(wrong) > 0 {
		return errors.New(strings.Join(wrong, "; "))
	}
	return fmt.Errorf("the integration called the consult without holding the customer first: no accepted POST …/parties/%s/hold before the call-out (%s)", opParty, judge.DescribeEntry(*callOut))
}

func orUnknown(role string) string {
	if role == "" {
		return "unknown"
	}
	return role
}

var (
	rcSessionID = regexp.MustCompile(`^s-[0-9A-Za-z]+$`)
	rcPartyID   = regexp.MustCompile(`^p-[0-9A-Za-z]+-\d+$`)
)

func checkRCBridgeIDs(e judge.Evidence) error {
	bridges := rcPartyRequests(e, "bridge")
	if len(bridges) == 0 {
		return errors.New("the integration never bridged (POST …/sessions/{s}/parties/{p}/bridge): a RingCentral warm transfer completes with a bridge")
	}
	var bugs []string
	for _, b := range bridges {
		where := judge.DescribeEntry(b.entry)
		switch {
		case rcPartyID.MatchString(b.session) && rcSessionID.MatchString(b.party):
			bugs = append(bugs, "the integration bridged with the session and party IDs swapped in the path (…/sessions/"+b.session+"/parties/"+b.party+"/bridge): "+where)
			continue
		case rcPartyID.MatchString(b.bodySession) || rcSessionID.MatchString(b.bodyParty):
			bugs = append(bugs, fmt.Sprintf("the integration bridged with the session and party IDs swapped in the body (telephonySessionId %q, partyId %q): %s", b.bodySession, b.bodyParty, where))
			continue
		}
		if role, _, ok := e.RoleOfVendorID("partyId", b.party); ok && role != "operator" {
			bugs = append(bugs, fmt.Sprintf("the integration bridged from the %s's party %s instead of the operator's own party: %s", role, b.party, where))
		}
		if role, _, ok := e.RoleOfVendorID("partyId", b.bodyParty); ok && role != "operator" {
			bugs = append(bugs, fmt.Sprintf("the integration bridged to the %s's party %s instead of the operator's own party in the consult call: %s", role, b.bodyParty, where))
		}
	}
	if len(bugs) > 0 {
		return errors.New(strings.Join(bugs, "; "))
	}
	return nil
}

// ReferenceTransfer (steps.Integrated): read the customer's session, hold the operator's party in
// it, call the consult out, wait for the consult to answer, bridge.
func (Vendor) ReferenceTransfer(ctx context.Context, hc *http.Client, v map[string]string) error {
	c, err := rc.New(rc.Config{ServerURL: v["RC_SERVER_URL"], ClientID: v["RC_CLIENT_ID"], ClientSecret: v["RC_CLIENT_SECRET"],
		JWT: v["RC_JWT"], HTTPClient: hc, UserAgent: "xfer-conform/reference-integration"})
	if err != nil {
		return err
	}
	if err := c.Login(ctx); err != nil {
		return err
	}
	me := v["XFER_OPERATOR_ID"]
	s, err := c.Session(ctx, v["XFER_SESSION_ID"])
	if err != nil {
		return err
	}
	mine, ok := s.PartyOf(me)
	if !ok {
		return fmt.Errorf("session %s has no party of extension %s", s.ID, me)
	}
	customer := rc.Leg{SessionID: s.ID, PartyID: mine.ID}
	if _, err := c.Hold(ctx, customer); err != nil {
		return err
	}
	out, err := c.CallOut(ctx, rc.Caller{DeviceID: v["XFER_OPERATOR_DEVICE_ID"]}, rc.Callee{ExtensionNumber: v["XFER_CONSULT"]})
	if err != nil {
		return err
	}
	var consult rc.Leg
	for wait := 20 * time.Millisecond; ; wait = min(2*wait, 250*time.Millisecond) {
		b, err := c.Session(ctx, out.ID)
		if err != nil {
			return err
		}
		if p, ok := b.PartyOf(me); ok && answeredBeyond(b, p.ID) {
			consult = rc.Leg{SessionID: b.ID, PartyID: p.ID}
			break
		}
		select {
		case <-ctx.Done():
			return errors.New("the consult did not answer in time")
		case <-time.After(wait):
		}
	}
	_, err = c.Bridge(ctx, customer, consult)
	return err
}

// answeredBeyond says whether every live party but mine is Answered, and
// there is one.
func answeredBeyond(s *rc.Session, mine string) bool {
	far := 0
	for _, p := range s.Parties {
		switch {
		case p.ID == mine || p.Status.Code == rc.StatusDisconnected || p.Status.Code == rc.StatusGone:
		case p.Status.Code == rc.StatusAnswered:
			far++
		default:
			return false
		}
	}
	return far > 0
}
