package isolation

import (
	"testing"

	"github.com/xfer-conform/xfer-conform/test/world"
)

// Rule (issue 7): the control API can be protected with a token
// (--control-token): every route then answers 401 without it, with the
// control API's error body, and nothing changes.
// Source: the issue text; docs/control-api.md.
func TestControlAPITokenProtectsEveryRoute(t *testing.T) {
	w := world.New(t)
	before := w.Snapshot()
	var sent []world.Sent
	call := "/sim/v1/calls/" + w.RC["A"].CallID
	for _, r := range []struct{ method, path string }{
		{"GET", "/sim/v1/health"}, {"GET", "/sim/v1/scenario"}, {"GET", "/sim/v1/quirks"},
		{"POST", "/sim/v1/calls"}, {"GET", "/sim/v1/calls"}, {"GET", call}, {"DELETE", call},
		{"POST", call + "/legs/2/hangup"}, {"GET", "/sim/v1/journal"}, {"GET", "/sim/v1/events"},
		{"POST", "/sim/v1/reset"}, {"GET", "/sim/v1/clock"}, {"POST", "/sim/v1/clock/advance"},
	} {
		for _, cred := range []string{"", "wrong", w.RC["A"].Token, w.NS["A"].OMKey} {
			resp, err := w.Do(world.Request{Method: r.method, Path: r.path, Token: cred, JSON: map[string]string{"by": "1h"}})
			if err != nil {
				t.Fatal(err)
			}
			sent = append(sent, world.Sent{Method: r.method, Path: r.path})
			j := resp.JSON()
			if resp.Status != 401 || j.Get("error.code").String() != "unauthorized" || resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with credential %.6q: %s, want 401 unauthorized with WWW-Authenticate", r.method, r.path, cred, resp)
			}
		}
	}
	if d := before.Diff(w.Snapshot(), sent...); d != "" {
		t.Fatalf("unauthenticated control requests changed the state:\n%s", d)
	}
}
