package netsapiens

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Fuzz targets for what this dialect parses from clients: request bodies
// (JSON or form) and JWTs. Seeds live in testdata/fuzz/<FuzzName>; the CI
// runs each briefly (.ci/run). Rule (issue 7): no input panics, and every
// refusal is a 4xx in the NS shape.

// FuzzReadBody: any body with any content type reads as fields or is a
// 400; every field reads as text or is a 400.
func FuzzReadBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, contentType string, raw []byte) {
		r := httptest.NewRequest(http.MethodPatch, "/ns-api/v2/domains/TEST/users/1000/calls/x/transfer", strings.NewReader(string(raw)))
		r.Header.Set("Content-Type", contentType)
		b, err := readBody(r)
		if err != nil {
			if err.Status != http.StatusBadRequest || err.Message == "" {
				t.Fatalf("body %q (%s): %+v, want a 400", raw, contentType, err)
			}
			return
		}
		for k := range b {
			if _, err := b.optional(k); err != nil && err.Status != http.StatusBadRequest {
				t.Fatalf("field %q of %q: %+v", k, raw, err)
			}
		}
	})
}

// FuzzJWT: a bearer that looks like a JWT is either one this dialect
// signed or a 401; a forged or mangled token never authenticates.
func FuzzJWT(f *testing.F) {
	d := &Dialect{creds: newCredentials(scenario.Default(), []byte("fuzz-secret-0123456789abcdef0123")), core: "core1"}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// A token this dialect signed, so the fuzzer mutates real ones too.
	f.Add(d.signJWT(jwtClaims{Aud: "ns", Exp: now.Add(time.Hour).Unix(), Domain: "TEST", User: "1000", UserScope: "Basic User"}))
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := d.parseJWT(tok, now)
		if err != nil {
			if err.Status != http.StatusUnauthorized {
				t.Fatalf("jwt %q: %+v, want a 401", tok, err)
			}
			return
		}
		if !signedHere(d, tok) {
			t.Fatalf("jwt %q authenticated without being signed here: %+v", tok, c)
		}
	})
}

// signedHere reports whether tok's last part is exactly this dialect's
// signature of its first two.
func signedHere(d *Dialect, tok string) bool {
	i := strings.LastIndex(tok, ".")
	mac := hmac.New(sha256.New, d.creds.secret)
	mac.Write([]byte(tok[:i]))
	return tok[i+1:] == base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// Rule: a JWT is accepted only as pbxsim signed it, character for
// character: a signature whose last character differs only in the bits
// base64url leaves unused decodes to the same bytes and must still be
// refused with a 401. Source: FuzzJWT (found in CI), RFC 7515 §2
// (base64url without padding).
func TestJWTSignatureWithOtherUnusedBitsIsRefused(t *testing.T) {
	d := &Dialect{creds: newCredentials(scenario.Default(), []byte("fuzz-secret-0123456789abcdef0123")), core: "core1"}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tok := d.signJWT(jwtClaims{Aud: "ns", Exp: now.Add(time.Hour).Unix(), Domain: "TEST", User: "1000", UserScope: "Basic User"})
	if _, err := d.parseJWT(tok, now); err != nil {
		t.Fatalf("the token as signed is refused: %+v", err)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, tok[len(tok)-1])
	forged := tok[:len(tok)-1] + string(alphabet[last^1]) // a 32-byte MAC leaves the last character's low 4 bits unused
	if _, err := d.parseJWT(forged, now); err == nil || err.Status != http.StatusUnauthorized {
		t.Fatalf("a signature re-spelt in its unused bits was accepted: %+v", err)
	}
}
