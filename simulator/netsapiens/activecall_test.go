package netsapiens

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/tidwall/gjson"
)

var (
	sessionIDFormat  = regexp.MustCompile(`^[0-9]{20}$`)
	termCallIDFormat = regexp.MustCompile(`^([0-9]{20})-[0-9a-f]{32}$`)
)

// Source: SPEC45 ActiveCall schema and reference §8.4: the v2 hyphenated
// names, in the schema's order, with both spellings of the term info by
// default (testdata/netsapiens/activecall-keys.json).
func TestActiveCallFieldNames(t *testing.T) {
	w := newWorld(t, nil)
	w.inboundCall()
	calls := w.calls()
	if len(calls) != 1 {
		t.Fatalf("want one call, got %v", calls)
	}
	var got []string
	calls[0].ForEach(func(k, _ gjson.Result) bool {
		got = append(got, k.String())
		return true
	})
	var want []string
	for _, k := range fixture(t, "activecall-keys.json").Get("keys").Array() {
		want = append(want, k.String())
	}
	if len(got) != len(want) {
		t.Fatalf("keys = %v\nwant   %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("key %d = %q, want %q\n got %v", i, got[i], want[i], got)
		}
	}
	for _, k := range want {
		if calls[0].Get(regexp.QuoteMeta(k)).Type != gjson.String {
			t.Errorf("%s should be a JSON string: %s", k, calls[0].Raw)
		}
	}
}

// Source: reference §2.5 (captures): session ids are 20 digits,
// YYYYMMDDhhmmss + 6; term call-ids <20 digits>-<32 hex>, the first one
// numbered one above the session; an inbound call's orig call-id is the
// caller's SIP Call-ID (something@host).
func TestActiveCallIDFormats(t *testing.T) {
	w := newWorld(t, nil)
	w.inboundCall()
	c := w.calls()[0]
	session := c.Get("call-session-id").String()
	if !sessionIDFormat.MatchString(session) {
		t.Fatalf("call-session-id %q is not 20 digits", session)
	}
	if want := w.sc.StartAt().UTC().Format("20060102150405"); session[:14] != want {
		t.Fatalf("call-session-id %q should start with the sim time %s", session, want)
	}
	m := termCallIDFormat.FindStringSubmatch(c.Get("call-term-call-id").String())
	if m == nil {
		t.Fatalf("call-term-call-id %q is not <20 digits>-<32 hex>", c.Get("call-term-call-id").String())
	}
	// 20 digits overflow uint64: compare the time part and the counter.
	s, _ := strconv.Atoi(session[14:])
	if n, _ := strconv.Atoi(m[1][14:]); m[1][:14] != session[:14] || n != s+1 {
		t.Fatalf("term call-id number %s should be session %s + 1", m[1], session)
	}
	if orig := c.Get("call-orig-call-id").String(); !regexp.MustCompile(`^[^@\s]+@[^@\s]+$`).MatchString(orig) {
		t.Fatalf("call-orig-call-id %q should look like a SIP Call-ID (something@host)", orig)
	}
	for k, want := range map[string]string{
		"core-server": coreHost, "call-orig-user": "", "caller-id-number": "15555555555",
		"call-dialed-number": "11111111111", "call-term-user": "1000", "call-term-domain": "TEST",
		"call-term-uri": "sip:1000@TEST", "call-orig-info": "active", "term-orig-info": "active",
		"call-start-datetime": "2026-01-01T00:00:00+00:00", "call-answer-datetime": "2026-01-01T00:00:00+00:00",
	} {
		if got := c.Get(k).String(); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

// Source: reference §2 (GUIDE-V1V2): lists are arrays even with one
// result, a single call is an object, /count is {"total":N}.
func TestListsAreArraysAndOneCallIsAnObject(t *testing.T) {
	w := newWorld(t, nil)
	if raw := w.must(200, "GET", "/domains/TEST/calls", keyOM, nil).Raw; raw != "[]" {
		t.Fatalf("no calls should be [] not %s", raw)
	}
	w.inboundCall()
	if n := w.must(200, "GET", "/domains/TEST/calls/count", keyOM, nil); n.Raw != `{"total":1}` {
		t.Fatalf("count = %s", n.Raw)
	}
	list := w.must(200, "GET", "/domains/~/users/~/calls", key1000, nil)
	if !list.IsArray() || len(list.Array()) != 1 {
		t.Fatalf("user calls should be an array of one: %s", list.Raw)
	}
	id := list.Array()[0].Get("call-term-call-id").String()
	one := w.must(200, "GET", "/domains/TEST/users/1000/calls/"+id, key1000, nil)
	if !one.IsObject() || one.Get("call-term-call-id").String() != id {
		t.Fatalf("one call should be an object: %s", one.Raw)
	}
	// Either call-id of the call reads it.
	orig := one.Get("call-orig-call-id").String()
	if got := w.must(200, "GET", "/domains/TEST/users/1000/calls/"+orig, key1000, nil); got.Get("call-session-id").String() != one.Get("call-session-id").String() {
		t.Fatalf("reading by call-orig-call-id gave %s", got.Raw)
	}
	if n := w.must(200, "GET", "/domains/TEST/users/1010/calls/count", keyOM, nil); n.Raw != `{"total":0}` {
		t.Fatalf("1010 count = %s", n.Raw)
	}
}

// Source: reference §2.3, §8.3 (SPEC45 CallRequest): click-to-call uses the
// client's call-id as the orig call-id with call-by-action CallRequest;
// synchronous yes answers 200 with the ActiveCall. With auto-answer-enabled
// yes the user's own leg is active at once and the term user rings (issue
// 13 item 8; without it the user's phone rings first, see
// TestSeedAttendedTransferEndToEnd).
func TestClickToCall(t *testing.T) {
	w := newWorld(t, nil)
	c := w.must(200, "POST", "/domains/TEST/users/1000/calls", key1000,
		map[string]string{"synchronous": "yes", "call-id": "my-random-unique-callid", "call-term-user": "1010", "auto-answer-enabled": "yes"})
	for k, want := range map[string]string{
		"call-orig-call-id": "my-random-unique-callid", "call-by-call-id": "my-random-unique-callid",
		"call-by-action": "CallRequest", "call-by-user": "1000", "call-by-domain": "TEST",
		"call-orig-user": "1000", "call-term-user": "1010", "call-dialed-number": "1010",
		"call-orig-info": "active", "call-term-info": "alerting",
	} {
		if got := c.Get(k).String(); got != want {
			t.Errorf("%s = %q, want %q (%s)", k, got, want, c.Raw)
		}
	}
	// The same call-id again is refused while the call lives.
	r := w.do("POST", "/domains/TEST/users/1000/calls", key1000, map[string]string{"call-id": "my-random-unique-callid", "call-term-user": "1099"})
	errorShape(t, r, 409)
	// An outside number in the 11-digit national form dials out.
	w.must(202, "POST", "/domains/TEST/users/1010/calls", key1010, map[string]string{"call-id": "out-1", "call-term-user": "15555555555", "auto-answer-enabled": "yes"})
	w.settle()
	out := w.must(200, "GET", "/domains/TEST/users/1010/calls/out-1", key1010, nil)
	if out.Get("call-term-domain").String() != "*" || out.Get("call-term-uri").String() != "sip:15555555555@"+trunkHost {
		t.Fatalf("an outside term leg reads domain * and a trunk uri: %s", out.Raw)
	}
}

// Source: quirks term-info-field, held-call-info, user-field-type and
// datetime-format (docs/quirks.md).
func TestActiveCallQuirkProfiles(t *testing.T) {
	w := newWorld(t, withQuirks(map[string]string{
		QuirkTermInfoField: "term-orig-info", QuirkHeldCallInfo: "active",
		QuirkUserFieldType: "number", QuirkDatetimeFormat: "sql",
	}))
	w.inboundCall()
	c := w.calls()[0]
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+c.Get("call-term-call-id").String()+"/hold", key1000, nil)
	w.settle()
	c = w.calls()[0]
	if c.Get("call-term-info").Exists() || c.Get("term-orig-info").String() != "active" {
		t.Fatalf("term-orig-info only, and a held side reading active: %s", c.Raw)
	}
	if u := c.Get("call-term-user"); u.Type != gjson.Number || u.Int() != 1000 {
		t.Fatalf("call-term-user should be the number 1000: %s", c.Raw)
	}
	if c.Get("call-start-datetime").String() != "2026-01-01 00:00:00" {
		t.Fatalf("sql datetime expected: %s", c.Raw)
	}

	w2 := newWorld(t, withQuirks(map[string]string{QuirkTermInfoField: "call-term-info"}))
	w2.inboundCall()
	if c := w2.calls()[0]; c.Get("term-orig-info").Exists() || c.Get("call-term-info").String() != "active" {
		t.Fatalf("call-term-info only: %s", c.Raw)
	}
}

// Rule: call-start-datetime is an ISO 8601 date-time by default (the
// decision, from a v2 client parsing it with new Date()); the schema's
// literal format "date" is the quirk value date, which keeps the day only
// and leaves the answer time ISO 8601.
// Source: issue 13 item 7; SPEC45 ActiveCall (call-start-datetime format
// date, call-answer-datetime no format); reference/netsapiens.md §2.5.
func TestCallStartDatetimeDecisionAndDateProfile(t *testing.T) {
	w := newWorld(t, nil)
	w.inboundCall()
	c := w.calls()[0]
	if got := c.Get("call-start-datetime").String(); got != "2026-01-01T00:00:00+00:00" {
		t.Fatalf("default call-start-datetime %q, want ISO 8601 date-time: %s", got, c.Raw)
	}
	wd := newWorld(t, withQuirks(map[string]string{QuirkDatetimeFormat: "date"}))
	wd.inboundCall()
	c = wd.calls()[0]
	if got := c.Get("call-start-datetime").String(); got != "2026-01-01" {
		t.Fatalf("date profile call-start-datetime %q, want 2026-01-01: %s", got, c.Raw)
	}
	if got := c.Get("call-answer-datetime").String(); got != "2026-01-01T00:00:00+00:00" {
		t.Fatalf("date profile call-answer-datetime %q, want ISO 8601: %s", got, c.Raw)
	}
}
