package ringcentral

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// firstTokens logs in once in a new world and returns the access, refresh
// and ws tokens it was issued, and the (seeded) session id.
func firstTokens(t *testing.T, reproducible bool) (at, rt, ws, session string) {
	sc := scenario.Default()
	sc.ReproducibleSecrets = reproducible
	w := newWorld(t, sc, Options{})
	r := w.form("/restapi/oauth/token", jwtGrant("jwt-102"))
	expect(t, "login", r, http.StatusOK)
	at, rt, session = r.json.Get("access_token").String(), r.json.Get("refresh_token").String(), r.json.Get("session_id").String()
	ws = w.wsToken(at).Get("ws_access_token").String()
	return at, rt, ws, session
}

// Rule: tokens come from crypto/rand, so two pbxsims with the same
// (public) seed issue different tokens; IDs stay seeded. A scenario that
// sets reproducibleSecrets gets the same tokens on every run.
// Source: issue 10 item 2 (every default pbxsim issued rcsim-at-a9fc8a5e…).
func TestTokensAreNotDerivedFromTheSeed(t *testing.T) {
	at1, rt1, ws1, s1 := firstTokens(t, false)
	at2, rt2, ws2, s2 := firstTokens(t, false)
	if at1 == at2 || rt1 == rt2 || ws1 == ws2 {
		t.Fatalf("two pbxsims with the same seed issued the same tokens: %s %s %s", at1, rt1, ws1)
	}
	if s1 != s2 {
		t.Fatalf("session ids are seeded and must not change: %s vs %s", s1, s2)
	}
	for _, tok := range []string{at1, rt1, ws1} {
		if len(tok) != len("rcsim-at-")+40 {
			t.Fatalf("token %q: want a 9-character prefix and 40 hex digits", tok)
		}
	}
	rat1, rrt1, rws1, rs1 := firstTokens(t, true)
	rat2, rrt2, rws2, _ := firstTokens(t, true)
	if rat1 != rat2 || rrt1 != rrt2 || rws1 != rws2 {
		t.Fatalf("reproducibleSecrets: tokens differ between runs: %s/%s %s/%s %s/%s", rat1, rat2, rrt1, rrt2, rws1, rws2)
	}
	if rs1 != s1 {
		t.Fatalf("reproducibleSecrets must not change the seeded ids: %s vs %s", rs1, s1)
	}
}

func jwtGrant(jwt string) url.Values {
	return url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {jwt}}
}
