package isolation

import (
	"net/http"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/test/world"
)

// foreignVsUnknown sends the same request twice with the same credentials:
// once naming another tenant's ID, once an ID of the same form that
// exists nowhere. The answers must be equal once the two IDs are swapped,
// so a foreign ID does not reveal that it exists; and nothing may change.
func foreignVsUnknown(t *testing.T, w *world.World, name string, req world.Request, foreign, unknown string, status int) {
	t.Helper()
	before := w.Snapshot()
	swap := func(r world.Request) world.Request {
		r.Path = strings.ReplaceAll(r.Path, foreign, unknown)
		r.Body = []byte(strings.ReplaceAll(string(r.Body), foreign, unknown))
		return r
	}
	got, err := w.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	ghost, err := w.Do(swap(req))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if got.Status != status {
		t.Errorf("%s: the foreign ID answered %s, want %d", name, got, status)
	}
	if strings.ReplaceAll(string(got.Body), foreign, unknown) != string(ghost.Body) || got.Status != ghost.Status {
		t.Errorf("%s: a foreign ID answers unlike an unknown one:\nforeign %s\nunknown %s", name, got, ghost)
	}
	if d := before.Diff(w.Snapshot(), world.Sent{Method: req.Method, Path: req.Path}, world.Sent{Method: req.Method, Path: swap(req).Path}); d != "" {
		t.Errorf("%s: the state changed:\n%s", name, d)
	}
}

// Rule (issue 7): a token of one RingCentral account never reads or
// changes another's sessions, parties, subscriptions or directory; a
// foreign ID answers 404 CMN-102 exactly as an unknown one.
// Source: reference/ringcentral.md §3.1 (CMN-102 shape); the issue text.
func TestRingCentralForeignIDsAnswerLikeUnknownOnes(t *testing.T) {
	w := world.New(t)
	a, b := w.RC["A"], w.RC["B"]
	ghostHex := strings.Repeat("0", 32)
	hexOf := func(session string) string { return strings.TrimPrefix(session, "s-") }
	sess := "/restapi/v1.0/account/~/telephony/sessions/" + a.Session
	party := sess + "/parties/" + a.OperatorParty
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   string
	}{
		{"read session", "GET", sess, ""},
		{"drop session", "DELETE", sess, ""},
		{"read party", "GET", party, ""},
		{"mute party", "PATCH", party, `{"muted":true}`},
		{"drop party", "DELETE", party, ""},
		{"hold", "POST", party + "/hold", ""},
		{"unhold", "POST", party + "/unhold", ""},
		{"answer", "POST", party + "/answer", ""},
		{"reject", "POST", party + "/reject", ""},
		{"transfer", "POST", party + "/transfer", `{"extensionNumber":"201"}`},
		{"park", "POST", party + "/park", ""},
		{"record", "POST", party + "/recordings", ""},
		{"bridge from A's session", "POST", party + "/bridge", `{"telephonySessionId":"` + b.Session + `","partyId":"` + b.OperatorParty + `"}`},
	} {
		req := world.Request{Method: tc.method, Path: tc.path, Token: b.Token}
		if tc.body != "" {
			req.Body, req.Header = []byte(tc.body), map[string]string{"Content-Type": "application/json"}
		}
		foreignVsUnknown(t, w, "B "+tc.name, req, hexOf(a.Session), ghostHex, http.StatusNotFound)
	}
	// B's own operator bridges into A's call: the body names A's IDs.
	bParty := "/restapi/v1.0/account/~/telephony/sessions/" + b.Session + "/parties/" + b.OperatorParty
	foreignVsUnknown(t, w, "B bridges into A's session", world.Request{Method: "POST", Path: bParty + "/bridge", Token: b.Token,
		Header: map[string]string{"Content-Type": "application/json"},
		Body:   []byte(`{"telephonySessionId":"` + a.Session + `","partyId":"` + a.OperatorParty + `"}`)}, hexOf(a.Session), ghostHex, http.StatusNotFound)

	ghostSub := strings.Repeat("0", 8) + a.Subscription[8:]
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		foreignVsUnknown(t, w, "B "+m+" A's subscription", world.Request{Method: m, Path: "/restapi/v1.0/subscription/" + a.Subscription, Token: b.Token}, a.Subscription, ghostSub, http.StatusNotFound)
	}
	foreignVsUnknown(t, w, "B renews A's subscription", world.Request{Method: "POST", Path: "/restapi/v1.0/subscription/" + a.Subscription + "/renew", Token: b.Token}, a.Subscription, ghostSub, http.StatusNotFound)
	foreignVsUnknown(t, w, "B names A's account", world.Request{Method: "GET", Path: "/restapi/v1.0/account/" + a.Account + "/extension/~", Token: b.Token}, a.Account, "999999999", http.StatusNotFound)
	foreignVsUnknown(t, w, "B reads A's extension", world.Request{Method: "GET", Path: "/restapi/v1.0/account/~/extension/" + a.Extension, Token: b.Token}, a.Extension, "999999999", http.StatusNotFound)
	foreignVsUnknown(t, w, "B reads A's devices", world.Request{Method: "GET", Path: "/restapi/v1.0/account/~/extension/" + a.Extension + "/device", Token: b.Token}, a.Extension, "999999999", http.StatusNotFound)

	// B's subscription list holds B's subscription only.
	list := w.MustJSON(200, world.Request{Method: "GET", Path: "/restapi/v1.0/subscription", Token: b.Token})
	if ids := list.Get("records.#.id").Array(); len(ids) != 1 || ids[0].String() != b.Subscription {
		t.Errorf("B's subscriptions: %s, want only %s", list.Raw, b.Subscription)
	}
}

// Rule (issue 7): a key or token of one NetSapiens domain never reads or
// changes another's calls or subscriptions; another domain answers 403
// "Domain not found or access denied" exactly like one that does not
// exist, a foreign call-id or subscription id like an unknown one.
// Source: reference/netsapiens.md (SPEC45 403 message); the issue text.
func TestNetSapiensForeignIDsAnswerLikeUnknownOnes(t *testing.T) {
	w := world.New(t)
	a, b := w.NS["A"], w.NS["B"]
	for _, cred := range []struct{ name, key string }{{"office-manager key", b.OMKey}, {"user key", b.UserKey}, {"access token", b.Token}, {"JWT", b.JWT}} {
		for _, p := range []struct{ method, path string }{
			{"GET", "/ns-api/v2/domains/TEST/calls"},
			{"GET", "/ns-api/v2/domains/TEST/calls/count"},
			{"GET", "/ns-api/v2/domains/TEST/users/1000/calls"},
			{"POST", "/ns-api/v2/domains/TEST/users/1000/calls"},
			{"GET", "/ns-api/v2/domains/TEST/users/1000/calls/" + a.TermCall},
			{"PATCH", "/ns-api/v2/domains/TEST/users/1000/calls/" + a.TermCall + "/hold"},
			{"DELETE", "/ns-api/v2/domains/TEST/users/1000/calls/" + a.TermCall},
			{"GET", "/ns-api/v2/domains/TEST/subscriptions"},
			{"DELETE", "/ns-api/v2/domains/TEST/subscriptions/" + a.Subscription},
		} {
			req := world.Request{Method: p.method, Path: p.path, Token: cred.key, JSON: map[string]string{"call-id": "iso-1", "call-term-user": "1010"}}
			foreignVsUnknown(t, w, "OTHER's "+cred.name+" "+p.method+" "+p.path, req, "/TEST/", "/NOPE/", http.StatusForbidden)
		}
	}
	own := "/ns-api/v2/domains/OTHER/users/2000/calls/"
	for _, action := range []struct{ method, suffix string }{{"GET", ""}, {"DELETE", ""}, {"PATCH", "/hold"}, {"PATCH", "/unhold"}, {"PATCH", "/answer"}, {"DELETE", "/reject"}} {
		foreignVsUnknown(t, w, "OTHER's user names TEST's call-id "+action.method+action.suffix,
			world.Request{Method: action.method, Path: own + a.TermCall + action.suffix, Token: b.UserKey}, a.TermCall, "no-such-call-id", http.StatusNotFound)
	}
	foreignVsUnknown(t, w, "OTHER's user transfers TEST's call", world.Request{Method: "PATCH", Path: own + a.OrigCall + "/transfer", Token: b.UserKey,
		JSON: map[string]string{"call-destination-session-id": b.Session, "hostname": "core1-pbxsim.netsapiens.test"}}, a.OrigCall, "no-such-call-id", http.StatusNotFound)
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		foreignVsUnknown(t, w, "OTHER "+m+" TEST's subscription", world.Request{Method: m, Path: "/ns-api/v2/subscriptions/" + a.Subscription, Token: b.OMKey,
			JSON: map[string]string{"post-url": "https://example.test/stolen"}}, a.Subscription, "no-such-subscription", http.StatusNotFound)
	}
	list := w.MustJSON(200, world.Request{Method: "GET", Path: "/ns-api/v2/subscriptions", Token: b.OMKey})
	if ids := list.Get("#.id").Array(); len(ids) != 1 || ids[0].String() != b.Subscription {
		t.Errorf("OTHER's subscriptions: %s, want only %s", list.Raw, b.Subscription)
	}
	calls := w.MustJSON(200, world.Request{Method: "GET", Path: "/ns-api/v2/domains/~/calls", Token: b.OMKey})
	if strings.Contains(calls.Raw, a.TermCall) || strings.Contains(calls.Raw, a.Session) || len(calls.Array()) != 1 {
		t.Errorf("OTHER's calls show TEST's: %s", calls.Raw)
	}
}
