package netsapiens

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/rand"
	"net/http"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Rule: tokens and the JWT signing key come from crypto/rand, not from
// the public seed; only a scenario that asks for reproducibleSecrets gets
// the same secrets on every run. Source: issue 10 item 2.
func TestSecretsAreNotDerivedFromTheSeed(t *testing.T) {
	login := func(w *world) (access, refresh, jwt string) {
		tok := w.must(200, "POST", "/tokens", "", map[string]string{"grant_type": "password",
			"client_id": "pbxsim-ns-client", "client_secret": "pbxsim-ns-secret", "username": "1000@TEST", "password": "pbxsim"})
		j := w.must(200, "POST", "/jwt", "", map[string]string{"username": "1000@TEST", "password": "pbxsim"})
		return tok.Get("access_token").String(), tok.Get("refresh_token").String(), j.Get("token").String()
	}

	a, b := newWorld(t, nil), newWorld(t, nil)
	aAccess, aRefresh, aJWT := login(a)
	bAccess, bRefresh, bJWT := login(b)
	if aAccess == bAccess || aRefresh == bRefresh || aJWT == bJWT {
		t.Fatalf("two pbxsims built from one scenario issued the same secrets:\n%s %s\n%s %s", aAccess, aRefresh, bAccess, bRefresh)
	}
	if len(aAccess) != 32 || len(aRefresh) != 32 {
		t.Fatalf("tokens should stay 32 hex digits: %q %q", aAccess, aRefresh)
	}
	// A's JWT is A's: B's key does not verify it.
	errorShape(t, b.do("GET", "/jwt", aJWT, nil), http.StatusUnauthorized)
	a.must(200, "GET", "/jwt", aJWT, nil)

	// The forgery of issue 10: the first 32 bytes of math/rand seeded with
	// the scenario's seed, signing a Super User JWT.
	key := make([]byte, 32)
	rand.New(rand.NewSource(a.sc.Seed)).Read(key)
	forged := forgeJWT(t, key, jwtClaims{Aud: "ns", Exp: a.clk.Now().Unix() + 3600, Iat: a.clk.Now().Unix(),
		Jti: "forged", Sub: "1000@TEST", Domain: "TEST", User: "1000", UserScope: scopeSuperUser})
	errorShape(t, a.do("GET", "/domains/TEST/calls", forged, nil), http.StatusUnauthorized)

	// Asked for, the secrets repeat with the seed.
	reproducible := func(sc *scenario.Scenario) { sc.ReproducibleSecrets = true }
	c, d := newWorld(t, reproducible), newWorld(t, reproducible)
	cAccess, cRefresh, cJWT := login(c)
	dAccess, dRefresh, dJWT := login(d)
	if cAccess != dAccess || cRefresh != dRefresh || cJWT != dJWT {
		t.Fatalf("reproducibleSecrets: want the same secrets, got\n%s %s %s\n%s %s %s", cAccess, cRefresh, cJWT, dAccess, dRefresh, dJWT)
	}
	d.must(200, "GET", "/jwt", cJWT, nil)
}

func forgeJWT(t *testing.T, key []byte, c jwtClaims) string {
	t.Helper()
	body, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	msg := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(body)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msg))
	return msg + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
