package netsapiens

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// trunkHost is where outside numbers come from and go to.
const trunkHost = "gw1.pbxsim.test"

// object is a JSON object that keeps its keys in the vendor's order, so
// what a client (or a person reading a capture) sees matches the docs.
type object []field

type field struct {
	key string
	val any
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(f.val)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// callView is the NetSapiens picture of a core call: one orig side and one
// term side. Legs that left by a transfer or forward are passed over, so
// after an attended transfer the surviving call reads orig = customer,
// term = consult, and after a blind transfer orig = caller, term = the new
// target. A leg that hung up stays in the picture until the call ends.
type callView struct {
	call       simulator.Call
	orig, term simulator.Leg
	hasTerm    bool
}

func viewOf(c simulator.Call) callView {
	v := callView{call: c}
	var sides []simulator.Leg
	for _, l := range c.Legs {
		if !movedAway(l) {
			sides = append(sides, l)
		}
	}
	if len(sides) == 0 {
		sides = c.Legs // an ended call that was merged away: first and last
	}
	if len(sides) == 0 {
		return v
	}
	v.orig = sides[0]
	for _, l := range sides[1:] {
		if !v.hasTerm || l.State.Live() || !v.term.State.Live() {
			v.term, v.hasTerm = l, true
		}
	}
	return v
}

// movedAway reports whether a leg left its call for somewhere else.
func movedAway(l simulator.Leg) bool {
	switch l.Reason {
	case simulator.ReasonBlindTransfer, simulator.ReasonAttendedTransfer, simulator.ReasonForwarded,
		"call-flip": // another dialect's blind transfer to the user's other device

		return true
	}
	return l.State == simulator.LegGone
}

// side is how a leg's endpoint reads in NS fields.
type side struct {
	user, domain, uri, match, name, number string
}

func sideOf(l simulator.Leg, isTerm bool) side {
	e := l.Endpoint
	if e.IsUser() {
		uri := "sip:" + e.UserID + "@" + e.TenantID
		return side{user: e.UserID, domain: e.TenantID, uri: uri, match: uri, name: e.Name, number: e.UserID}
	}
	num := strings.TrimPrefix(e.Number, "+")
	s := side{uri: "sip:" + num + "@" + trunkHost, match: "sip:*@" + trunkHost, name: e.Name, number: num}
	if isTerm {
		// Captures show an outside term leg in domain "*" and an outside
		// orig leg with an empty domain.
		s.domain = "*"
	}
	return s
}

// info is the call-info of one side.
func info(l simulator.Leg, isTerm bool, p profile) string {
	switch {
	case l.State == simulator.LegHeld || l.State == simulator.LegParked:
		return p.heldCallInfo
	case l.State.Ringing() || (!l.State.Live() && l.Answered.IsZero()):
		if isTerm {
			return "alerting"
		}
		return "progressing"
	default:
		return "active"
	}
}

// origInfo is the orig side's call-info. The core connects a caller as
// soon as a user's phone rings for it (the RingCentral order); NetSapiens
// reports the orig side "progressing" until the call is connected (v1 doc:
// reference/netsapiens.md §ActiveCall "orig_call_info"), so a caller nobody
// has answered yet still reads progressing. A click-to-call's orig side is
// the user's own phone, which answered: active.
func (v callView) origInfo(p profile) string {
	if v.orig.State == simulator.LegAnswered && v.call.Origin != "click-to-call" {
		connected := false
		for _, l := range v.call.Legs {
			if l.ID != v.orig.ID && !l.Answered.IsZero() {
				connected = true
			}
		}
		if !connected {
			return "progressing"
		}
	}
	return info(v.orig, false, p)
}

func (v callView) dialed() string {
	if len(v.call.Legs) > 1 {
		return strings.TrimPrefix(v.call.Legs[1].To.Number, "+")
	}
	return ""
}

func (v callView) byFields() (action, user, domain, callID string) {
	a := v.call.Attrs
	if a[AttrByAction] == "" {
		return "", "", "", ""
	}
	u, d, _ := strings.Cut(a[AttrByUser], "@")
	return a[AttrByAction], u, d, a[AttrByCallID]
}

func v2Time(t time.Time, p profile) string {
	if t.IsZero() {
		return ""
	}
	if p.datetimeFormat == "sql" {
		return sqlTime(t)
	}
	return t.UTC().Format("2006-01-02T15:04:05+00:00")
}

// v2StartTime writes call-start-datetime; the date profile keeps only the
// day, as the schema's format "date" says (quirk datetime-format).
func v2StartTime(t time.Time, p profile) string {
	if p.datetimeFormat == "date" && !t.IsZero() {
		return t.UTC().Format("2006-01-02")
	}
	return v2Time(t, p)
}

func sqlTime(t time.Time) string {
	if t.IsZero() {
		return "0000-00-00 00:00:00"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func userValue(id string, p profile) any {
	if p.userFieldType == "number" && isDigits(id) {
		return json.Number(id)
	}
	return id
}

// activeCall renders a call as the v2 ActiveCall object (SPEC45 order).
func activeCall(c simulator.Call, core string, p profile) object {
	v := viewOf(c)
	o := sideOf(v.orig, false)
	var t side
	var termCallID, termInfo string
	var answered time.Time
	if v.hasTerm {
		t = sideOf(v.term, true)
		termCallID = v.term.Attrs[AttrCallID]
		termInfo = info(v.term, true, p)
		answered = v.term.Answered
	}
	byAction, byUser, byDomain, byCallID := v.byFields()
	obj := object{
		{"core-server", core},
		{"call-session-id", c.Attrs[AttrSessionID]},
		{"call-orig-call-id", v.orig.Attrs[AttrCallID]},
		{"call-orig-match-uri", o.match},
		{"call-orig-user", userValue(o.user, p)},
		{"call-orig-domain", o.domain},
		{"call-orig-uri", o.uri},
		{"call-orig-name", o.name},
		{"caller-id-number", o.number},
		{"call-dialed-number", v.dialed()},
		{"call-by-action", byAction},
		{"call-by-user", userValue(byUser, p)},
		{"call-by-domain", byDomain},
		{"call-by-call-id", byCallID},
		{"call-term-call-id", termCallID},
		{"call-term-user", userValue(t.user, p)},
		{"call-term-domain", t.domain},
		{"call-term-uri", t.uri},
		{"call-start-datetime", v2StartTime(c.Created, p)},
		{"call-answer-datetime", v2Time(answered, p)},
		{"call-orig-info", v.origInfo(p)},
	}
	switch p.termInfoField {
	case "term-orig-info":
		obj = append(obj, field{"term-orig-info", termInfo})
	case "call-term-info":
		obj = append(obj, field{"call-term-info", termInfo})
	default:
		obj = append(obj, field{"term-orig-info", termInfo}, field{"call-term-info", termInfo})
	}
	return append(obj, field{"call-audio-codec", "PCMU"})
}

// legacyCall renders a call as the underscore object that event
// subscriptions post (model "call"); ended marks the final post.
func legacyCall(c simulator.Call, core string, p profile, ended bool) object {
	v := viewOf(c)
	o := sideOf(v.orig, false)
	var t side
	var termCallID, termInfo string
	var answered time.Time
	if v.hasTerm {
		t = sideOf(v.term, true)
		termCallID = v.term.Attrs[AttrCallID]
		termInfo = info(v.term, true, p)
		answered = v.term.Answered
	}
	origCallID := v.orig.Attrs[AttrCallID]
	byAction, byUser, byDomain, byCallID := v.byFields()
	start := sqlTime(c.Created)
	obj := object{
		{"hostname", core},
		{"sessionId", c.Attrs[AttrSessionID]},
		{"orig_callid", origCallID},
		{"orig_match", o.match},
		{"orig_sub", o.user},
		{"orig_domain", o.domain},
		{"orig_from_uri", o.uri},
		{"orig_from_name", o.name},
		{"orig_from_user", o.number},
		{"orig_to_user", v.dialed()},
		{"by_action", byAction},
		{"by_sub", byUser},
		{"by_domain", byDomain},
		{"by_callid", byCallID},
		{"term_callid", termCallID},
		{"term_match", t.match},
		{"term_sub", t.user},
		{"term_domain", t.domain},
		{"term_to_uri", t.uri},
		{"time_start", start},
		{"time_answer", sqlTime(answered)},
		{"orig_id", o.number},
		{"term_id", t.number},
		{"orig_call_info", v.origInfo(p)},
		{"term_call_info", termInfo},
		{"media", "PCMU"},
		{"time_begin", start},
		{"term_uri", t.uri},
		{"dnis", v.dialed()},
		{"orig_name", o.name},
		{"ani", o.number},
		{"orig_user", o.user},
		{"term_user", t.user},
		{"acr_id", origCallID + "_" + termCallID + "_" + t.number},
	}
	if ended {
		obj = append(obj, field{"remove", "yes"})
	}
	return obj
}

// legacyOrigID renders the reduced object of model "call_origid".
func legacyOrigID(c simulator.Call, p profile, ended bool) object {
	v := viewOf(c)
	o := sideOf(v.orig, false)
	var t side
	var termInfo string
	var answered time.Time
	if v.hasTerm {
		t = sideOf(v.term, true)
		termInfo = info(v.term, true, p)
		answered = v.term.Answered
	}
	_, byUser, byDomain, _ := v.byFields()
	obj := object{
		{"orig_callid", v.orig.Attrs[AttrCallID]},
		{"orig_from_uri", o.uri},
		{"orig_from_name", o.name},
		{"orig_to_user", v.dialed()},
		{"orig_user", o.user},
		{"orig_domain", o.domain},
		{"by_user", byUser},
		{"by_domain", byDomain},
		{"term_user", t.user},
		{"term_domain", t.domain},
		{"term_to_uri", t.uri},
		{"orig_call_info", v.origInfo(p)},
		{"term_call_info", termInfo},
		{"time_answer", sqlTime(answered)},
		{"time_start", sqlTime(c.Created)},
	}
	if ended {
		obj = append(obj, field{"remove", "yes"})
	}
	return obj
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
