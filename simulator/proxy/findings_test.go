package proxy_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator/proxy"
)

// Rule: a request body sent through the proxy is judged against its
// operation's contract; each finding is printed on stderr (one line,
// Finding.Note) and kept in the recorded exchange, and the traffic is not
// changed: the upstream's answer reaches the client as it was.
// Source: issue 15 item 3 ("reports contract findings for live traffic");
// traps from issue 15 item 1 (docs/contracts.md).
func TestTrapThroughTheProxyYieldsItsNamedFinding(t *testing.T) {
	up := upstream(t, "../scenario/default.yaml")
	for _, tc := range []struct {
		name, method, path, body, rule string
	}{
		{"NS transfer with call-term-user", http.MethodPatch, "/ns-api/v2/domains/TEST/users/1000/calls/abc/transfer",
			`{"hostname":"core1-pbxsim.netsapiens.test","call-destination-session-id":"20251117144112012345-deadbeef","call-term-user":"1010"}`,
			"ns-transfer-call-term-user"},
		{"RC bridge with swapped IDs", http.MethodPost, "/restapi/v1.0/account/~/telephony/sessions/s-a1/parties/p-a1-2/bridge",
			`{"telephonySessionId":"p-b2-2","partyId":"s-b2"}`, "rc-party-id-as-session-id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startProxy(t, up.URL(), proxy.SessionInfo{}, proxy.Config{})
			direct := send(t, up.URL(), tc.method, tc.path, tc.body)
			via := send(t, r.server.URL, tc.method, tc.path, tc.body)
			if via.status != direct.status || via.body != direct.body {
				t.Errorf("through the proxy: %d %s; directly: %d %s", via.status, via.body, direct.status, direct.body)
			}
			note := "contract finding " + tc.rule + " on "
			if !strings.Contains(r.findings.String(), note) {
				t.Fatalf("stderr has no %q:\n%s", note, r.findings.String())
			}
			for _, line := range strings.Split(strings.TrimSpace(r.findings.String()), "\n") {
				if !strings.HasPrefix(line, "contract finding ") || !strings.Contains(line, "(source: ") {
					t.Errorf("finding line %q is not a Finding.Note", line)
				}
			}
			var recorded bool
			for _, e := range r.entries(t) {
				for _, f := range e.Findings {
					recorded = recorded || strings.HasPrefix(f, note)
				}
			}
			if !recorded {
				t.Fatalf("the recording keeps no finding %s", tc.rule)
			}
		})
	}
}
