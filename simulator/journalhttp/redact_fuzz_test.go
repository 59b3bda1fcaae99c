package journalhttp

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// FuzzRedact: redaction never panics on any body, and a string under a
// secret key of a JSON object never survives it. Source: issue 10 item 4
// (the journal keeps no secret) and item 1 (no input takes pbxsim down).
func FuzzRedact(f *testing.F) {
	f.Add(`{"access_token":"abcd"}`, "abcdefgh")
	f.Add(`{"a":[{"Refresh":"x"}]}`, "zzzzzzzz")
	f.Add(`token=1&code=2`, "s3cr3t-v")
	f.Add(`{"token":"`, "http://u:p@h/")
	f.Fuzz(func(t *testing.T, body, secret string) {
		_ = redactJSONOrText([]byte(body))
		_ = redactForm(body)
		_ = simulator.StripURLUserinfo(body)
		if len(secret) < 8 || strings.Contains(`{"n":1,"outer":{"Access_Token":"[redacted]"}}`, secret) {
			return
		}
		doc, _ := json.Marshal(map[string]any{"outer": map[string]any{"Access_Token": secret}, "n": 1})
		if out := string(redactResponse(doc)); strings.Contains(out, secret) {
			t.Fatalf("secret %q kept: %s", secret, out)
		}
	})
}
