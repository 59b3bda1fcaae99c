package netsapiens

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Text is a JSON string that also accepts a bare number. The vendor's own
// guide shows "call-term-user": 1000 although the schema says string.
type Text string

// UnmarshalJSON accepts a string, a number or null.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*t = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("netsapiens: want string or number, got %s", b)
		}
		*t = Text(n.String())
	}
	return nil
}

// Call-info values. The v1 doc spells them capitalised; real payloads use
// lowercase. Compare with strings.EqualFold.
const (
	InfoActive      = "active"
	InfoAlerting    = "alerting"
	InfoProgressing = "progressing"
	InfoHeld        = "held"
)

// ActiveCall is one row of GET .../calls, with the v2 hyphenated names.
type ActiveCall struct {
	CoreServer     Text `json:"core-server"`
	SessionID      Text `json:"call-session-id"`
	OrigCallID     Text `json:"call-orig-call-id"`
	OrigMatchURI   Text `json:"call-orig-match-uri"`
	OrigUser       Text `json:"call-orig-user"`
	OrigDomain     Text `json:"call-orig-domain"`
	OrigURI        Text `json:"call-orig-uri"`
	OrigName       Text `json:"call-orig-name"`
	CallerIDNumber Text `json:"caller-id-number"`
	DialedNumber   Text `json:"call-dialed-number"`
	ByAction       Text `json:"call-by-action"`
	ByUser         Text `json:"call-by-user"`
	ByDomain       Text `json:"call-by-domain"`
	ByCallID       Text `json:"call-by-call-id"`
	TermCallID     Text `json:"call-term-call-id"`
	TermUser       Text `json:"call-term-user"`
	TermDomain     Text `json:"call-term-domain"`
	TermURI        Text `json:"call-term-uri"`
	StartDatetime  Text `json:"call-start-datetime"`
	AnswerDatetime Text `json:"call-answer-datetime"`
	OrigInfo       Text `json:"call-orig-info"`
	TermOrigInfo   Text `json:"term-orig-info"` // the schema's spelling
	TermInfoAlt    Text `json:"call-term-info"` // the guide's spelling
	AudioCodec     Text `json:"call-audio-codec"`
}

// TermInfo is the term side's call-info under either spelling the vendor
// uses: the schema says term-orig-info, the attended-transfer guide shows
// call-term-info.
func (c ActiveCall) TermInfo() string {
	if c.TermInfoAlt != "" {
		return string(c.TermInfoAlt)
	}
	return string(c.TermOrigInfo)
}

// BothActive reports whether both sides of the call are connected, the
// guide's precondition for the transfer ("verify all calls are in active
// state before proceeding").
func (c ActiveCall) BothActive() bool {
	return strings.EqualFold(string(c.OrigInfo), InfoActive) && strings.EqualFold(c.TermInfo(), InfoActive)
}

// Involves reports whether user takes part in the call on either side, in
// the given domain ("" matches any domain).
func (c ActiveCall) Involves(domain, user string) bool {
	return c.IsOrig(domain, user) || c.IsTerm(domain, user)
}

// IsOrig reports whether user is the call's orig side.
func (c ActiveCall) IsOrig(domain, user string) bool {
	return string(c.OrigUser) == user && (domain == "" || strings.EqualFold(string(c.OrigDomain), domain))
}

// IsTerm reports whether user is the call's term side.
func (c ActiveCall) IsTerm(domain, user string) bool {
	return string(c.TermUser) == user && (domain == "" || strings.EqualFold(string(c.TermDomain), domain))
}

// String is a one-line summary used in traces and time-out reports.
func (c ActiveCall) String() string {
	return fmt.Sprintf("session=%s orig=%s@%s(%s, callid=%s) term=%s@%s(%s, callid=%s) by=%s",
		c.SessionID, c.OrigUser, c.OrigDomain, c.OrigInfo, c.OrigCallID,
		c.TermUser, c.TermDomain, c.TermInfo(), c.TermCallID, c.ByAction)
}

// Summarize renders a list of calls on one line.
func Summarize(calls []ActiveCall) string {
	if len(calls) == 0 {
		return "[]"
	}
	parts := make([]string, len(calls))
	for i, c := range calls {
		parts[i] = "{" + c.String() + "}"
	}
	return "[" + strings.Join(parts, " ") + "]"
}
