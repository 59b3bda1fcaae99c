package replay

import (
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Rule: the credentials a recording redacts come back from the scenario:
// a client secret by client ID, a JWT by the answer's owner_id, a
// password by login name (RC extension number, phone number or ID; NS
// user or user@domain).
// Source: issue 15 item 3 ("re-authenticate during replay and substitute
// tokens, since secrets are redacted").
func TestCredentialsComeFromTheScenario(t *testing.T) {
	c := creds{scenario.Default()}
	for _, tc := range []struct {
		name string
		got  func() (string, bool)
		want string
	}{
		{"RC client", func() (string, bool) { return c.clientSecret("pbxsim-client") }, "pbxsim-secret"},
		{"NS client", func() (string, bool) { return c.clientSecret("pbxsim-ns-client") }, "pbxsim-ns-secret"},
		{"RC JWT by owner", func() (string, bool) { return c.jwt("684351005") }, "jwt-102"},
		{"RC password by number", func() (string, bool) { return c.password("103", "") }, "pbxsim"},
		{"RC password by phone", func() (string, bool) { return c.password("+19293831896", "") }, "pbxsim"},
		{"NS password by user@domain", func() (string, bool) { return c.password("1010@TEST", "") }, "pbxsim"},
	} {
		if got, ok := tc.got(); !ok || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, ok, tc.want)
		}
	}
	if _, ok := c.clientSecret("nobody"); ok {
		t.Error("an unknown client has a secret")
	}
	if _, ok := c.password("1000@ELSEWHERE", ""); ok {
		t.Error("a user of another domain has a password")
	}
}
