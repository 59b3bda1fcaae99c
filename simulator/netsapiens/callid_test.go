package netsapiens

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gorilla/mux"
)

// Rule: make call refuses a call-id that could not be addressed again
// (a NUL, a 900 KB one, "../../x", one with "/"), with a 400 in the NS
// shape and no call, timer or reservation left behind; the call-id
// formats real clients and devices use are accepted and can be read back.
// Source: issue 10 item 13; formats from reference/netsapiens.md §2.3,
// §2.5; the bounds are inferred (callid.go).
func TestMakeCallRefusesUnaddressableCallIDs(t *testing.T) {
	w := newWorld(t, nil)
	timers := w.clk.Pending()
	for _, bad := range []string{
		"a\x00b", strings.Repeat("x", 900<<10), strings.Repeat("x", maxCallIDLength+1), "../../x", "a/b", "a%2Fb",
		".", "..", "a b", "a?b", "a#b", "a@b@c", "@host", "local@", "é", "a\nb", "a\\b",
	} {
		for _, sync := range []string{"yes", "no"} {
			r := w.do("POST", "/domains/TEST/users/1000/calls", key1000,
				map[string]string{"call-id": bad, "call-term-user": "1010", "synchronous": sync})
			errorShape(t, r, http.StatusBadRequest)
			if len(r.body) > 1024 {
				t.Errorf("call-id of %d bytes: the refusal echoes it (%d bytes)", len(bad), len(r.body))
			}
		}
	}
	w.settle()
	if n := len(w.calls()); n != 0 || w.clk.Pending() != timers || len(w.d.reserved) != 0 {
		t.Fatalf("refused make-calls left %d calls, %d timers (want %d), %d reservations", n, w.clk.Pending(), timers, len(w.d.reserved))
	}

	for _, good := range []string{
		"0_1063160652@192.168.168.127", "my-random-unique-callid", "9f86d081884c7d659a2feaa0c55ad015",
		"20220119004825004745-8d8a5d555a2bdaa84182cb8f8d613b03", "a.b_c~d!e*f+g'h(i)j:k@[2001:db8::1]", strings.Repeat("x", maxCallIDLength),
	} {
		c := w.must(200, "POST", "/domains/TEST/users/1000/calls", key1000,
			map[string]string{"call-id": good, "call-term-user": "1010", "synchronous": "yes"})
		if got := c.Get("call-orig-call-id").String(); got != good {
			t.Fatalf("call-orig-call-id = %q, want %q", got, good)
		}
		path := "/domains/TEST/users/1000/calls/" + url.PathEscape(good)
		if got := w.must(200, "GET", path, key1000, nil).Get("call-orig-call-id").String(); got != good {
			t.Fatalf("GET %s read call-id %q", path, got)
		}
		w.must(200, "DELETE", path, key1000, nil)
		w.settle()
	}
}

// FuzzCallID: a call-id checkCallID accepts travels in one path segment
// and comes back unchanged through the router; anything else is a 400.
func FuzzCallID(f *testing.F) {
	for _, s := range []string{"0_1063160652@192.168.168.127", "../../x", "a/b", "a%2Fb", ".", "x@y@z", "a\x00"} {
		f.Add(s)
	}
	r := mux.NewRouter().SkipClean(true)
	r.HandleFunc("/calls/{callid}", func(http.ResponseWriter, *http.Request) {})
	f.Fuzz(func(t *testing.T, id string) {
		if err := checkCallID(id); err != nil {
			if err.Status != http.StatusBadRequest {
				t.Fatalf("call-id %q: %+v, want a 400", id, err)
			}
			return
		}
		req := httptest.NewRequest(http.MethodGet, "/calls/"+url.PathEscape(id), nil)
		var m mux.RouteMatch
		if !r.Match(req, &m) {
			t.Fatalf("accepted call-id %q does not route", id)
		}
		if got := m.Vars["callid"]; got != id {
			t.Fatalf("accepted call-id %q routes as %q", id, got)
		}
	})
}
