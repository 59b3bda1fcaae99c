package control_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/control"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// Rule: two Authorization headers are refused with 400 in the control
// API's error shape, with or without a control token: the first one no
// longer wins. Source: issue 10 item 7.
func TestTwoAuthorizationHeadersAreRefused(t *testing.T) {
	for _, token := range []string{"", "t0ken"} {
		srv, _ := newServer(t, control.Options{Token: token})
		req, _ := http.NewRequest("GET", srv.URL+"/sim/v1/health", nil)
		req.Header.Add("Authorization", "Bearer t0ken")
		req.Header.Add("Authorization", "Bearer other")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		ct := resp.Header.Get("Content-Type")
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(ct, "application/json") {
			t.Errorf("token %q: two Authorization headers -> %d %s, want 400 JSON", token, resp.StatusCode, ct)
		}
	}
}

// Rule: one GET /sim/v1/journal answer is bounded: 1,000 entries unless a
// limit is given, at most 10,000, and "more" says when to page on with
// after. Source: issue 10 item 10 (a 268 MiB journal answer).
func TestJournalAnswerIsBounded(t *testing.T) {
	srv, sim := newServer(t, control.Options{})
	for i := 0; i < 1500; i++ {
		sim.Journal().Record(simulator.JournalEntry{Dialect: "ringcentral", Method: "GET", Path: "/restapi/v1.0/x"})
	}
	st, body := do(t, "GET", srv.URL+"/sim/v1/journal", "")
	if st != 200 || len(body.Get("entries").Array()) != 1000 || !body.Get("more").Bool() || body.Get("last").Uint() != 1000 {
		t.Fatalf("default page: %d, %d entries, more %v, last %v", st, len(body.Get("entries").Array()), body.Get("more"), body.Get("last"))
	}
	st, body = do(t, "GET", srv.URL+"/sim/v1/journal?after=1000", "")
	if st != 200 || len(body.Get("entries").Array()) != 500 || body.Get("more").Bool() {
		t.Fatalf("second page: %d, %d entries, more %v", st, len(body.Get("entries").Array()), body.Get("more"))
	}
	st, body = do(t, "GET", srv.URL+"/sim/v1/journal?limit=10001", "")
	if st != 400 || body.Get("error.code").String() != "invalid" {
		t.Fatalf("limit above the maximum: %d %s", st, body.Raw)
	}
}

// Rule: a fault rule whose pathRegex fails once anchored gets a 400 that
// names the field, not a dropped connection. Source: issue 10 item 12.
func TestBadPathRegexIsA400(t *testing.T) {
	eng := faults.New(faults.Options{})
	srv, _ := newServer(t, control.Options{Faults: eng})
	st, body := do(t, "POST", srv.URL+"/sim/v1/faults", `{"match":{"pathRegex":"/restapi/\\Q."},"action":{"status":503}}`)
	if st != 400 || !strings.Contains(body.Get("error.message").String(), "match.pathRegex") {
		t.Fatalf("bad pathRegex: %d %s", st, body.Raw)
	}
	if n := len(eng.Rules()); n != 0 {
		t.Fatalf("a refused rule was added: %d rules", n)
	}
}

// Rule: an events page is bounded by limit (at most 10,000) and says when
// more events follow. Source: issue 10 item 10.
func TestEventsAnswerIsBounded(t *testing.T) {
	srv, _ := newServer(t, control.Options{})
	for i := 0; i < 3; i++ {
		if st, body := do(t, "POST", srv.URL+"/sim/v1/calls", `{"from":"+15555555555","to":"1000@TEST"}`); st != 201 {
			t.Fatalf("create call: %d %s", st, body.Raw)
		}
	}
	st, body := do(t, "GET", srv.URL+"/sim/v1/events?limit=2", "")
	if st != 200 || len(body.Get("events").Array()) != 2 || !body.Get("more").Bool() {
		t.Fatalf("limit 2: %d %s", st, body.Raw)
	}
	if st, body = do(t, "GET", srv.URL+"/sim/v1/events?limit=10001", ""); st != 400 {
		t.Fatalf("limit above the maximum: %d %s", st, body.Raw)
	}
}
