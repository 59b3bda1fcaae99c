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
	Facts  target.Facts
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

// Role names who a leg belongs to: customer, operator, consult, or "".
func (e Evidence) Role(l control.Leg) string {
	ep := l.Endpoint
	switch {
	case e.Vendor == "ringcentral" && e.Facts.RingCentral != nil:
		f := e.Facts.RingCentral
		for role, p := range map[string]target.Person{"customer": f.Customer, "operator": f.Operator, "consult": f.Consult} {
			if ep.UserID != "" && ep.UserID == p.ID {
				return role
			}
		}
	case e.Vendor == "netsapiens" && e.Facts.NetSapiens != nil:
		f := e.Facts.NetSapiens
		switch {
		case ep.UserID != "" && ep.UserID == f.Operator.ID:
			return "operator"
		case ep.UserID != "" && ep.UserID == f.Consult.ID:
			return "consult"
		case ep.UserID == "" && ep.Number == f.OutsideCaller:
			return "customer"
		}
	}
	return ""
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

// legIDs returns a vendor ID of the role's leg in a call ("" if none).
func (e Evidence) legID(c control.Call, role, key string) string {
	for _, l := range c.Legs {
		if e.Role(l) == role {
			return l.Vendor[e.Vendor][key]
		}
	}
	return ""
}

// roleOfVendorID finds whose leg carries a vendor ID (a RingCentral
// partyId, a NetSapiens call-id) in any call.
func (e Evidence) roleOfVendorID(key, id string) (role string, call control.Call, ok bool) {
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

// pathParts splits a journal path into its segments (unescaped).
func pathParts(p string) []string {
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

// NetSapiensSession is the call-session-id pbxsim shows for a NetSapiens
// call: the call's, else its first leg's that has one.
func NetSapiensSession(c control.Call) string {
	if s := c.Vendor["netsapiens"]["call-session-id"]; s != "" {
		return s
	}
	for _, l := range c.Legs {
		if s := l.Vendor["netsapiens"]["call-session-id"]; s != "" {
			return s
		}
	}
	return ""
}
