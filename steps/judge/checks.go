package judge

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
)

// Check is one named judgement of an integration's warm transfer. Its
// error names the bug, in the words an integrator would search for.
type Check struct {
	Name string
	// Vendor limits the check to one vendor's integrations ("" for all).
	Vendor string
	// Rule says what must hold and where the rule comes from.
	Rule  string
	Judge func(Evidence) error
}

// checks is every check, in the order the docs list them.
var checks = []Check{
	{Name: "integration finished", Rule: "the integration ends within its deadline and reports success (exit status 0, or a 2xx answer)", Judge: checkFinished},
	{Name: "customer talks to consult", Rule: "after the transfer the customer and the consult are answered in one active call (issue 5; both vendors' guides)", Judge: checkCustomerMeetsConsult},
	{Name: "operator left both calls", Rule: "the operator has no live leg left in any call: a warm transfer drops the operator out of both calls", Judge: checkOperatorGone},
	{Name: "customer held before the consult call", Vendor: "ringcentral", Rule: "the operator's party in the customer's call is held (POST …/parties/{party}/hold) before the call-out to the consult (RingCentral guide \"Managing warm transfers\")", Judge: checkRCHeldFirst},
	{Name: "bridge IDs not swapped", Vendor: "ringcentral", Rule: "POST …/sessions/{customer's s-…}/parties/{operator's p-…-n}/bridge with body {telephonySessionId: consult call's s-…, partyId: operator's p-…-n in it} (RingCentral guide; ID formats s- and p-…-n)", Judge: checkRCBridgeIDs},
	{Name: "hold by call-term-call-id", Vendor: "netsapiens", Rule: "the original call is held by its call-term-call-id, the operator's own leg (NetSapiens \"Attended Transfer via API\": \"For holding the call: Use call-term-call-id\")", Judge: checkNSHoldByTerm},
	{Name: "transfer on call-orig-call-id", Vendor: "netsapiens", Rule: "the attended transfer is sent on the original call's call-orig-call-id with the consult call's hostname and call-destination-session-id (guide: \"For the final transfer: Use call-orig-call-id\")", Judge: checkNSTransferOnOrig},
	{Name: "no call-term-user in the transfer", Vendor: "netsapiens", Rule: "the attended transfer body has no call-term-user (guide: \"Do NOT include call-term-user in your transfer request\")", Judge: checkNSNoTermUser},
	{Name: "request contracts kept", Rule: "no request breaks the vendor's request contract (docs/contracts.md): each finding pbxsim notes is reported by its rule and source, unless --allow-finding accepts it", Judge: checkContracts},
	{Name: "no needless requests", Rule: "one sign-in, no write repeated after it was accepted, reads within the budget (see docs/integrations.md)", Judge: checkNoNeedlessRequests},
	{Name: "Retry-After honoured", Rule: "after a 429 the integration waits the Retry-After (RingCentral: at least 30s when the header is absent) before its next request (RingCentral API rate limits)", Judge: checkRetryAfter},
}

// Checks returns every check.
func Checks() []Check { return append([]Check(nil), checks...) }

// LookupCheck finds a check by name, ignoring case.
func LookupCheck(name string) (Check, bool) {
	for _, c := range checks {
		if strings.EqualFold(c.Name, strings.TrimSpace(name)) {
			return c, true
		}
	}
	return Check{}, false
}

// CheckNames lists the checks' names.
func CheckNames() []string {
	out := make([]string, len(checks))
	for i, c := range checks {
		out[i] = c.Name
	}
	return out
}

func checkFinished(e Evidence) error {
	r := e.Result
	out := ""
	if strings.TrimSpace(r.Output) != "" {
		out = "; its last output:\n      " + strings.ReplaceAll(TailLines(r.Output, 12), "\n", "\n      ")
	}
	switch {
	case !r.Finished:
		return fmt.Errorf("the integration did not finish within its deadline and was stopped after %s%s", r.Elapsed.Round(time.Millisecond), out)
	case e.ViaHTTP && (r.Code < 200 || r.Code > 299):
		return fmt.Errorf("the integration endpoint answered %d, not 2xx, after %s%s", r.Code, r.Elapsed.Round(time.Millisecond), out)
	case !e.ViaHTTP && r.Code != 0:
		return fmt.Errorf("the integration exited with status %d after %s%s", r.Code, r.Elapsed.Round(time.Millisecond), out)
	}
	return nil
}

func checkCustomerMeetsConsult(e Evidence) error {
	for _, c := range e.Calls {
		var customer, consult bool
		for _, l := range c.Legs {
			switch e.Role(l) {
			case "customer":
				customer = customer || l.State == "answered"
			case "consult":
				consult = consult || l.State == "answered"
			}
		}
		if c.State == "active" && customer && consult {
			return nil
		}
	}
	// Name the likely bug from what the PBX shows.
	for _, c := range e.Calls {
		var customer, consultRings bool
		for _, l := range c.Legs {
			customer = customer || (e.Role(l) == "customer" && liveStates[l.State])
			consultRings = consultRings || (e.Role(l) == "consult" && (l.State == "proceeding" || l.State == "setup"))
		}
		if customer && consultRings {
			return fmt.Errorf("the customer's call rings the consult afresh: a blind transfer, not a warm one (the consult already talking to the operator was not joined); pbxsim shows: %s", e.DescribeCalls())
		}
	}
	return fmt.Errorf("the customer is not talking to the consult; pbxsim shows: %s", e.DescribeCalls())
}

func checkOperatorGone(e Evidence) error {
	var still []string
	for _, c := range e.Calls {
		for _, l := range c.Legs {
			if e.Role(l) == "operator" && liveStates[l.State] {
				still = append(still, fmt.Sprintf("call %s (leg %s %s)", c.ID, l.ID, l.State))
			}
		}
	}
	if len(still) > 0 {
		return fmt.Errorf("the operator is still in %s; pbxsim shows: %s", strings.Join(still, " and "), e.DescribeCalls())
	}
	return nil
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
func rcPartyRequests(e Evidence, action string) []rcPartyRequest {
	var out []rcPartyRequest
	for _, j := range e.Journal {
		parts := pathParts(j.Path)
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

func checkRCHeldFirst(e Evidence) error {
	opParty := e.legID(e.Original, "operator", "partyId")
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
		role, _, _ := e.roleOfVendorID("partyId", h.party)
		wrong = append(wrong, fmt.Sprintf("held party %s (the %s's) instead of the operator's party %s in the customer's call", h.party, orUnknown(role), opParty))
	}
	if len(wrong) > 0 {
		return errors.New(strings.Join(wrong, "; "))
	}
	return fmt.Errorf("the integration called the consult without holding the customer first: no accepted POST …/parties/%s/hold before the call-out (%s)", opParty, DescribeEntry(*callOut))
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

func checkRCBridgeIDs(e Evidence) error {
	bridges := rcPartyRequests(e, "bridge")
	if len(bridges) == 0 {
		return errors.New("the integration never bridged (POST …/sessions/{s}/parties/{p}/bridge): a RingCentral warm transfer completes with a bridge")
	}
	var bugs []string
	for _, b := range bridges {
		where := DescribeEntry(b.entry)
		switch {
		case rcPartyID.MatchString(b.session) && rcSessionID.MatchString(b.party):
			bugs = append(bugs, "the integration bridged with the session and party IDs swapped in the path (…/sessions/"+b.session+"/parties/"+b.party+"/bridge): "+where)
			continue
		case rcPartyID.MatchString(b.bodySession) || rcSessionID.MatchString(b.bodyParty):
			bugs = append(bugs, fmt.Sprintf("the integration bridged with the session and party IDs swapped in the body (telephonySessionId %q, partyId %q): %s", b.bodySession, b.bodyParty, where))
			continue
		}
		if role, _, ok := e.roleOfVendorID("partyId", b.party); ok && role != "operator" {
			bugs = append(bugs, fmt.Sprintf("the integration bridged from the %s's party %s instead of the operator's own party: %s", role, b.party, where))
		}
		if role, _, ok := e.roleOfVendorID("partyId", b.bodyParty); ok && role != "operator" {
			bugs = append(bugs, fmt.Sprintf("the integration bridged to the %s's party %s instead of the operator's own party in the consult call: %s", role, b.bodyParty, where))
		}
	}
	if len(bugs) > 0 {
		return errors.New(strings.Join(bugs, "; "))
	}
	return nil
}

// nsCallAction finds PATCH …/calls/{call-id}/{verb} requests.
func nsCallAction(e Evidence, verb string) []struct {
	entry  control.JournalEntry
	callID string
} {
	var out []struct {
		entry  control.JournalEntry
		callID string
	}
	for _, j := range e.Journal {
		parts := pathParts(j.Path)
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
func nsOriginalIDs(e Evidence) (orig, term string) {
	return e.legID(e.Original, "customer", "call-id"), e.legID(e.Original, "operator", "call-id")
}

func checkNSHoldByTerm(e Evidence) error {
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
			return fmt.Errorf("held by call-orig-call-id instead of call-term-call-id: PATCH …/calls/%s/hold names the caller's leg, so nothing is held (the operator's own leg is call-term-call-id %s): %s", orig, term, DescribeEntry(h.entry))
		default:
			return fmt.Errorf("held call-id %s, which is neither of the original call's ids (call-term-call-id %s, call-orig-call-id %s): %s", h.callID, term, orig, DescribeEntry(h.entry))
		}
	}
	return nil
}

func checkNSTransferOnOrig(e Evidence) error {
	orig, term := nsOriginalIDs(e)
	transfers := nsCallAction(e, "transfer")
	if len(transfers) == 0 {
		return fmt.Errorf("the integration never sent the attended transfer (PATCH …/calls/%s/transfer)", orig)
	}
	for _, t := range transfers {
		switch t.callID {
		case orig:
		case term:
			return fmt.Errorf("transferred on call-term-call-id instead of call-orig-call-id: PATCH …/calls/%s/transfer merges nothing (the original call's call-orig-call-id is %s): %s", term, orig, DescribeEntry(t.entry))
		default:
			return fmt.Errorf("transferred call-id %s, not the original call's call-orig-call-id %s: %s", t.callID, orig, DescribeEntry(t.entry))
		}
		var body map[string]any
		_ = json.Unmarshal([]byte(t.entry.Body), &body)
		if body["call-destination-session-id"] == nil || body["hostname"] == nil {
			return fmt.Errorf("the transfer body lacks hostname or call-destination-session-id, so it is not an attended transfer: %s", DescribeEntry(t.entry))
		}
	}
	return nil
}

func checkNSNoTermUser(e Evidence) error {
	for _, t := range nsCallAction(e, "transfer") {
		var body map[string]any
		if json.Unmarshal([]byte(t.entry.Body), &body) == nil && body["call-term-user"] != nil {
			return fmt.Errorf("sent call-term-user in the attended transfer body: NetSapiens then blind-transfers instead of joining the consult call: %s", DescribeEntry(t.entry))
		}
	}
	return nil
}

// ReadBudget is how many reads (GET) an integration may make for one warm
// transfer before they count as needless: several times what the
// reference client needs with a paced poll (docs/integrations.md).
var ReadBudget = map[string]int{"ringcentral": 40, "netsapiens": 60}

func checkNoNeedlessRequests(e Evidence) error {
	var why []string
	needless := 0
	// Sign-ins: one token serves a whole transfer (RingCentral's Auth
	// group allows 5 a minute).
	signIns := 0
	for _, j := range e.Journal {
		if j.Method == "POST" && (strings.HasSuffix(j.Path, "/oauth/token") || strings.HasSuffix(j.Path, "/tokens")) {
			signIns++
		}
	}
	if signIns > 1 {
		needless += signIns - 1
		why = append(why, fmt.Sprintf("signed in %d times (one token serves the whole transfer)", signIns))
	}
	// A write repeated after it was accepted changes nothing.
	accepted := map[string]int{}
	repeated := map[string]int{}
	var order []string
	for _, j := range e.Journal {
		if j.Method == "GET" || strings.HasSuffix(j.Path, "/oauth/token") || strings.HasSuffix(j.Path, "/tokens") {
			continue
		}
		key := j.Method + " " + j.Path + " " + j.Body
		if accepted[key] > 0 {
			if repeated[key] == 0 {
				order = append(order, key)
			}
			repeated[key]++
			needless++
		}
		if j.Status/100 == 2 {
			accepted[key]++
		}
	}
	for _, k := range order {
		why = append(why, fmt.Sprintf("repeated %s %d time(s) after it was accepted", oneLine(k, 160), repeated[k]))
	}
	reads := 0
	for _, j := range e.Journal {
		if j.Method == "GET" {
			reads++
		}
	}
	if b := ReadBudget[e.Vendor]; b > 0 && reads > b {
		needless += reads - b
		why = append(why, fmt.Sprintf("%d reads, %d more than the budget of %d (poll with a pause, or follow notifications)", reads, reads-b, b))
	}
	if needless > 0 {
		return fmt.Errorf("made %d needless requests: %s", needless, strings.Join(why, "; "))
	}
	return nil
}

// retryAfterNote reads "Retry-After: N" (seconds) from a journal entry's
// note, where pbxsim records the header of a 429 it served.
var retryAfterNote = regexp.MustCompile(`(?i)retry-after[:=]\s*(\d+)`)

// penaltyNote reads pbxsim's RingCentral rate-limit note ("… exceeded;
// penalty 1m0s"): the penalty is what Retry-After announced.
var penaltyNote = regexp.MustCompile(`penalty ([0-9][0-9hms.]*)`)

// defaultRetryAfter is the wait when a 429 names none: RingCentral's
// guide says at least 30 s; NetSapiens documents no 429 at all.
var defaultRetryAfter = map[string]time.Duration{"ringcentral": 30 * time.Second, "netsapiens": time.Second}

func checkRetryAfter(e Evidence) error {
	for i, j := range e.Journal {
		if j.Status != 429 {
			continue
		}
		wait, ok := defaultRetryAfter[e.Vendor]
		if !ok {
			wait = time.Second
		}
		if m := retryAfterNote.FindStringSubmatch(j.Note + " " + j.Response); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil {
				wait = time.Duration(n) * time.Second
			}
		} else if m := penaltyNote.FindStringSubmatch(j.Note); m != nil {
			if d, err := time.ParseDuration(m[1]); err == nil {
				wait = d
			}
		}
		if i+1 < len(e.Journal) {
			next := e.Journal[i+1]
			if gap := after(j, next); gap < wait {
				return fmt.Errorf("did not honour Retry-After: after a 429 on %s %s it sent %s %s %s later (Retry-After %s): %s",
					j.Method, j.Path, next.Method, next.Path, gap.Round(time.Millisecond), wait, DescribeEntry(next))
			}
		}
	}
	return nil
}
