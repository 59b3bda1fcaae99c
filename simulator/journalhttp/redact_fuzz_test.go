package journalhttp

import (
	"bytes"
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

// mayHoldLowered is mayHold as it was: lower-case the whole body, then
// look for each root. mayHold must agree with it on every input.
func mayHoldLowered(b []byte, roots []string) bool {
	lower := bytes.ToLower(b)
	for _, root := range roots {
		if bytes.Contains(lower, []byte(root)) {
			return true
		}
	}
	return false
}

// FuzzMayHold: the one-pass test of a body for secret roots answers as
// lower-casing the body and searching it did, whatever the case, the
// position or the bytes around (a Kelvin sign lowers to an ASCII k).
// Source: issue 10 item 4 (no secret reaches the journal), issue 16 (cheaper).
func FuzzMayHold(f *testing.F) {
	for _, s := range []string{"", "tok", "TOKEN", "xToKeN", "to\u212Aen", "ap\u0130key", "pas", "PASS", "a_code", "\xffjwt", "refres", "{\"id\":\"s-1\"}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, set := range []*rootSet{secretRootSet, formSecretRootSet} {
			want := mayHoldLowered([]byte(s), set.roots)
			if got := mayHold([]byte(s), set); got != want {
				t.Fatalf("mayHold(%q, %v) = %v, lowering says %v", s, set.roots, got, want)
			}
			if got := mayHold(s, set); got != want {
				t.Fatalf("mayHold(string %q, %v) = %v, lowering says %v", s, set.roots, got, want)
			}
		}
	})
}
