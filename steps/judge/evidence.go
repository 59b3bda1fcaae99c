package judge

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// Evidence is what the checks judge an integration by: the PBX's state
// after it ran, the vendor-API requests it sent (pbxsim's journal since the
// hand-over), how its run ended, and who plays which role. Checks read
// nothing else, so they are plain functions, tested on made-up evidence.
type Evidence struct {
	Vendor string
	// Roles names who a leg belongs to ("customer", "operator",
	// "consult" or ""): the vendor knows its roles from its facts.
	Roles func(control.Leg) string
	// Budget is the vendor's: its read budget and default Retry-After.
	Budget Budget
	// Original is the customer's call as pbxsim shows it now.
	Original control.Call
	// Calls is every call pbxsim holds now, the original among them.
	Calls []control.Call
	// Journal is the integration's requests, oldest first.
	Journal []control.JournalEntry
	Result  Result
	// ViaHTTP says the integration is an HTTP endpoint (its Code is an
	// HTTP status, not an exit status).
	ViaHTTP bool
	// AllowFindings lists the contract findings the user accepts
	// ("RULE" or "RULE@OPERATION"; --allow-finding).
	AllowFindings []string
}

// Budget is what a vendor allows an integration for one warm transfer.
type Budget struct {
	// Reads is how many reads (GET) an integration may make before they
	// count as needless: several times what the reference client needs
	// with a paced poll (docs/integrations.md); 0: no budget.
	Reads int
	// RetryAfter is the wait after a 429 that names none (the vendor's
	// documented default); 0 means 1s.
	RetryAfter time.Duration
}

// Role names who a leg belongs to: customer, operator, consult, or "".
func (e Evidence) Role(l control.Leg) string {
	if e.Roles == nil {
		return ""
	}
	return e.Roles(l)
}

// liveStates are the leg states of someone still in a call.
var liveStates = map[string]bool{"setup": true, "proceeding": true, "answered": true, "held": true, "parked": true}

// DescribeCalls renders the calls by role for failure messages.
func (e Evidence) DescribeCalls() string {
	var parts []string
	for _, c := range e.Calls {
		var legs []string
		for _, l := range c.Legs {
			who := e.Role(l)
			if who == "" {
				who = LegName(l)
			}
			legs = append(legs, who+" "+l.State+reasonSuffix(l.Reason))
		}
		parts = append(parts, fmt.Sprintf("call %s %s [%s]", c.ID, c.State, strings.Join(legs, ", ")))
	}
	if len(parts) == 0 {
		return "pbxsim holds no call"
	}
	return strings.Join(parts, "; ")
}

// LegID returns a vendor ID of the role's leg in a call ("" if none).
func (e Evidence) LegID(c control.Call, role, key string) string {
	for _, l := range c.Legs {
		if e.Role(l) == role {
			return l.Vendor[e.Vendor][key]
		}
	}
	return ""
}

// RoleOfVendorID finds whose leg carries a vendor ID (key in the leg's
// vendor attributes) in any call.
func (e Evidence) RoleOfVendorID(key, id string) (role string, call control.Call, ok bool) {
	for _, c := range e.Calls {
		for _, l := range c.Legs {
			if id != "" && l.Vendor[e.Vendor][key] == id {
				return e.Role(l), c, true
			}
		}
	}
	return "", control.Call{}, false
}

// DescribeEntry renders a journal entry on one line.
func DescribeEntry(j control.JournalEntry) string {
	p := j.Path
	if j.Query != "" {
		p += "?" + j.Query
	}
	s := fmt.Sprintf("#%d %s %s %s -> %d", j.Seq, j.Time.Format("15:04:05.000"), j.Method, p, j.Status)
	if j.Body != "" {
		s += " body " + oneLine(j.Body, 200)
	}
	if j.Note != "" {
		s += " [" + j.Note + "]"
	}
	for _, f := range j.Findings {
		s += " [" + f + "]"
	}
	return target.Redact(s)
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// PathParts splits a journal path into its segments (unescaped).
func PathParts(p string) []string {
	var out []string
	for _, s := range strings.Split(strings.Trim(p, "/"), "/") {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		out = append(out, s)
	}
	return out
}

// after says how long after a the entry b came.
func after(a, b control.JournalEntry) time.Duration { return b.Time.Sub(a.Time) }

// LegName names a leg by its endpoint: its name, else its number.
func LegName(l control.Leg) string {
	if l.Endpoint.Name != "" {
		return l.Endpoint.Name
	}
	return l.Endpoint.Number
}

func reasonSuffix(r string) string {
	if r == "" {
		return ""
	}
	return "/" + r
}
