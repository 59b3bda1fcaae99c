package hostile

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/test/world"
)

// NetSapiens hardening (issue 10), judged against a full pbxsim: each
// request is refused with the NS error body and changes nothing.

// Rule: two pbxsims started from one scenario issue different tokens: the
// seed is public, secrets are not. Source: issue 10 item 2.
func TestNSTokensDifferBetweenRuns(t *testing.T) {
	a, b := world.New(t), world.New(t)
	if a.NS["A"].Token == b.NS["A"].Token || a.NS["A"].JWT == b.NS["A"].JWT {
		t.Fatalf("two pbxsims issued the same first NS token %q / JWT", a.NS["A"].Token)
	}
	r, err := b.Do(world.Request{Method: "GET", Path: "/ns-api/v2/jwt", Token: a.NS["A"].JWT})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("one pbxsim's JWT is good on another: %s", r)
	}
}

// Rule: a request with two Authorization headers is a 400 in the NS
// shape, whichever header is valid. Source: issue 10 item 7.
func TestNSTwoAuthorizationHeaders(t *testing.T) {
	w := world.New(t)
	ns := w.NS["A"]
	path := "/ns-api/v2/domains/" + ns.Domain + "/users/" + ns.User + "/calls/" + ns.TermCall + "/hold"
	for _, pair := range [][2]string{{ns.UserKey, "nope"}, {"nope", ns.UserKey}} {
		before := w.Snapshot()
		req, err := http.NewRequest(http.MethodPatch, w.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Add("Authorization", "Bearer "+pair[0])
		req.Header.Add("Authorization", "Bearer "+pair[1])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got := world.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
		if got.Status != http.StatusBadRequest {
			t.Fatalf("two Authorization headers: %s, want 400", got)
		}
		if why := checkShape("netsapiens", got); why != "" {
			t.Fatalf("not the NS shape: %s: %s", why, got)
		}
		w.Advance(time.Second) // past the apply delay
		if d := before.Diff(w.Snapshot(), world.Sent{Method: http.MethodPatch, Path: path}); d != "" {
			t.Fatalf("the state changed:\n%s", d)
		}
	}
}

// Rule: make call refuses call-ids that could not be addressed again, and
// a subscription whose post-url is outside the delivery allow-list, with
// the NS body, and nothing changes. Source: issue 10 items 13 and 17.
func TestNSRefusesUnaddressableCallIDsAndForeignHooks(t *testing.T) {
	w := world.New(t)
	ns := w.NS["A"]
	calls := "/ns-api/v2/domains/" + ns.Domain + "/users/" + ns.User + "/calls"
	cases := []world.Request{
		{Method: "POST", Path: calls, Token: ns.UserKey, JSON: map[string]string{"call-id": "../../x", "call-term-user": ns.Consult}},
		{Method: "POST", Path: calls, Token: ns.UserKey, JSON: map[string]string{"call-id": "a\x00b", "call-term-user": ns.Consult}},
		{Method: "POST", Path: calls, Token: ns.UserKey, JSON: map[string]string{"call-id": strings.Repeat("x", 900<<10), "call-term-user": ns.Consult, "synchronous": "yes"}},
		{Method: "POST", Path: "/ns-api/v2/subscriptions", Token: ns.OMKey, JSON: map[string]string{"model": "call", "post-url": "http://10.1.2.3:9000/hook"}},
		{Method: "POST", Path: "/ns-api/v2/subscriptions", Token: ns.OMKey, JSON: map[string]string{"model": "call", "post-url": "http://u:p@127.0.0.1:9/hook"}},
		{Method: "PUT", Path: "/ns-api/v2/subscriptions/" + ns.Subscription, Token: ns.OMKey, JSON: map[string]string{"post-url": "https://attacker.example/x"}},
	}
	for _, req := range cases {
		before := w.Snapshot()
		got := w.Must(http.StatusBadRequest, req)
		if why := checkShape("netsapiens", got); why != "" {
			t.Fatalf("%s %s: not the NS shape: %s: %s", req.Method, req.Path, why, got)
		}
		w.Advance(time.Second) // past the apply delay
		if d := before.Diff(w.Snapshot(), world.Sent{Method: req.Method, Path: req.Path}); d != "" {
			t.Fatalf("%s %s: the state changed:\n%s", req.Method, req.Path, d)
		}
	}
}
