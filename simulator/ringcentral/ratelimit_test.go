package ringcentral

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

func rateLimited(l RateLimits) *scenario.Scenario {
	sc := scenario.Default()
	SectionOf(sc).Accounts[0].RateLimits = &l
	return sc
}

func expectRate(t *testing.T, what string, r response, status int, group, limit, remaining string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, r.status, status, r.raw)
	}
	h := r.header
	if h.Get("X-Rate-Limit-Group") != group || h.Get("X-Rate-Limit-Limit") != limit ||
		h.Get("X-Rate-Limit-Remaining") != remaining || h.Get("X-Rate-Limit-Window") != "60" {
		t.Fatalf("%s: rate headers group %q limit %q remaining %q window %q, want %s %s %s 60",
			what, h.Get("X-Rate-Limit-Group"), h.Get("X-Rate-Limit-Limit"), h.Get("X-Rate-Limit-Remaining"), h.Get("X-Rate-Limit-Window"),
			group, limit, remaining)
	}
}

// Rule: per user per app per group, X-Rate-Limit-Group/-Limit/-Remaining/
// -Window on every response; past the limit 429 CMN-301 "Request rate
// exceeded" with Retry-After; every request during the 60 s penalty
// restarts it. Source: reference/ringcentral.md §3.3 (DOCS rate-limits.md,
// P-429), issue 6.
func TestRateLimitPenaltyRestarts(t *testing.T) {
	w := newWorld(t, rateLimited(RateLimits{Light: 3}), Options{})
	tok := w.login("jwt-102")
	ext := "/restapi/v1.0/account/~/extension/~"
	for i, rem := range []string{"2", "1", "0"} {
		expectRate(t, "light request "+string(rune('1'+i)), w.call(http.MethodGet, ext, tok, nil), 200, "light", "3", rem)
	}
	r := w.call(http.MethodGet, ext, tok, nil)
	expectRate(t, "4th light request", r, 429, "light", "3", "0")
	expectError(t, "4th light request", r, 429, "CMN-301", "", "Request rate exceeded")
	if r.header.Get("Retry-After") != "60" {
		t.Fatalf("Retry-After %q, want 60", r.header.Get("Retry-After"))
	}

	// Other groups and other users have their own counters.
	expectRate(t, "Medium group", w.call(http.MethodPost, "/restapi/v1.0/subscription", tok, map[string]any{}), 400, "medium", "40", "39")
	expectRate(t, "another user", w.call(http.MethodGet, ext, w.login("jwt-103"), nil), 200, "light", "3", "2")

	w.clk.Advance(59 * time.Second)
	expectRate(t, "during the penalty", w.call(http.MethodGet, ext, tok, nil), 429, "light", "3", "0")
	w.clk.Advance(59 * time.Second) // 118 s after the first 429: still penalised, because of the restart
	expectRate(t, "penalty restarted", w.call(http.MethodGet, ext, tok, nil), 429, "light", "3", "0")
	w.clk.Advance(60 * time.Second)
	expectRate(t, "after a quiet penalty", w.call(http.MethodGet, ext, tok, nil), 200, "light", "3", "2")

	// The window restarts after 60 s.
	w.clk.Advance(60 * time.Second)
	expectRate(t, "new window", w.call(http.MethodGet, ext, tok, nil), 200, "light", "3", "2")
}

// Rule: the "default" profile has RingCentral's documented limits (Light
// 50, Medium 40, Heavy 10, Auth 5 per minute); the OAuth token endpoint
// counts in Auth, call-out in Heavy, call control in Light.
// Source: reference/ringcentral.md §3.3.
func TestRateLimitDefaultProfileGroups(t *testing.T) {
	w := newWorld(t, rateLimited(RateLimits{Profile: "default"}), Options{})
	var tok string
	for i := 0; i < 5; i++ {
		r := w.form("/restapi/oauth/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"jwt-102"}})
		expectRate(t, "login", r, 200, "auth", "5", string(rune('4'-i)))
		tok = r.json.Get("access_token").String()
	}
	r := w.form("/restapi/oauth/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"jwt-102"}})
	expectRate(t, "6th login", r, 429, "auth", "5", "0")
	expectRate(t, "call-out", w.call(http.MethodPost, "/restapi/v1.0/account/~/telephony/call-out", tok, map[string]any{}), 400, "heavy", "10", "9")
	sid, op, _ := w.customerCalls("102")
	expectRate(t, "hold", w.call(http.MethodPost, partyPath(sid, op)+"/hold", tok, nil), 409, "light", "50", "49")
}

// Rule: rate limits are opt-in per account: without rateLimits there are
// no rate headers and no 429 (issue 6).
func TestRateLimitsAreOptIn(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	for i := 0; i < 60; i++ {
		r := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~", tok, nil)
		if r.status != 200 || r.header.Get("X-Rate-Limit-Group") != "" {
			t.Fatalf("request %d without rateLimits: %d, group header %q", i+1, r.status, r.header.Get("X-Rate-Limit-Group"))
		}
	}
}
