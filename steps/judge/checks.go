package judge

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
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

// outcomeChecks judge what the transfer came to, requestChecks how the
// integration asked for it; a vendor's own checks (Catalogue) come
// between them, in the order the docs list them.
var outcomeChecks = []Check{
	{Name: "integration finished", Rule: "the integration ends within its deadline and reports success (exit status 0, or a 2xx answer)", Judge: checkFinished},
	{Name: "customer talks to consult", Rule: "after the transfer the customer and the consult are answered in one active call (issue 5; both vendors' guides)", Judge: checkCustomerMeetsConsult},
	{Name: "operator left both calls", Rule: "the operator has no live leg left in any call: a warm transfer drops the operator out of both calls", Judge: checkOperatorGone},
}

var requestChecks = []Check{
	{Name: "request contracts kept", Rule: "no request breaks the vendor's request contract (docs/contracts.md): each finding pbxsim notes is reported by its rule and source, unless --allow-finding accepts it", Judge: checkContracts},
	{Name: "no needless requests", Rule: "one sign-in, no write repeated after it was accepted, reads within the budget (see docs/integrations.md)", Judge: checkNoNeedlessRequests},
	{Name: "Retry-After honoured", Rule: "after a 429 the integration waits the Retry-After (without the header: the vendor's documented default, Budget.RetryAfter) before its next request (the vendors' API rate limits)", Judge: checkRetryAfter},
}

// Catalogue is every check of a run: the outcome checks, the vendors'
// own (each with its Vendor set), then the request checks.
func Catalogue(vendorChecks ...Check) []Check {
	out := append([]Check(nil), outcomeChecks...)
	out = append(out, vendorChecks...)
	return append(out, requestChecks...)
}

// Find finds a check of checks by name, ignoring case.
func Find(checks []Check, name string) (Check, bool) {
	for _, c := range checks {
		if strings.EqualFold(c.Name, strings.TrimSpace(name)) {
			return c, true
		}
	}
	return Check{}, false
}

// Names lists the checks' names.
func Names(checks []Check) []string {
	out := make([]string, len(checks))
	for i, c := range checks {
		out[i] = c.Name
	}
	return out
}

// Checks returns the checks every vendor shares (Catalogue adds a
// vendor's own).
func Checks() []Check { return Catalogue() }

// LookupCheck finds a shared check by name, ignoring case.
func LookupCheck(name string) (Check, bool) { return Find(Checks(), name) }

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

func checkNoNeedlessRequests(e Evidence) error {
	var why []string
	needless := 0
	// Sign-ins: one token serves a whole transfer (a vendor's sign-in
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
	if b := e.Budget.Reads; b > 0 && reads > b {
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

// penaltyNote reads pbxsim's rate-limit note ("… exceeded; penalty
// 1m0s"): the penalty is what Retry-After announced.
var penaltyNote = regexp.MustCompile(`penalty ([0-9][0-9hms.]*)`)

func checkRetryAfter(e Evidence) error {
	for i, j := range e.Journal {
		if j.Status != 429 {
			continue
		}
		wait := e.Budget.RetryAfter
		if wait <= 0 {
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
