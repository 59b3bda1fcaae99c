package ringcentral

import (
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

func withAccountLines(extra string) []byte {
	return []byte(strings.Replace(string(scenario.DefaultYAML()), "    - id: \"684349005\"\n", "    - id: \"684349005\"\n"+extra, 1))
}

// Rule: rate limits are opt-in per account and validated at load.
// Source: issue 6: "an opt-in profile with the real defaults ... limits
// configurable per scenario"; the defaults are reference ringcentral.md §3.3.
func TestRateLimitsInScenario(t *testing.T) {
	sc, err := scenario.Parse("rl.yaml", withAccountLines("      rateLimits: {profile: default, heavy: 3}\n"))
	if err != nil {
		t.Fatal(err)
	}
	l := SectionOf(sc).Accounts[0].RateLimits.Resolved()
	if l.Light != 50 || l.Medium != 40 || l.Heavy != 3 || l.Auth != 5 || l.Window.D() != time.Minute || l.Penalty.D() != time.Minute {
		t.Fatalf("resolved limits %+v", l)
	}
	if SectionOf(scenario.Default()).Accounts[0].RateLimits != nil {
		t.Fatal("the built-in scenario must not rate-limit (opt-in)")
	}
	for extra, want := range map[string]string{
		"      rateLimits: {profile: strict}\n": `rate-limit profile must be "default"`,
		"      rateLimits: {light: -1}\n":       "light must be between 1 and 1000000",
		"      rateLimits: {window: 10ms}\n":    "window must be at least 1s",
	} {
		_, err := scenario.Parse("rl.yaml", withAccountLines(extra))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "rl.yaml:") {
			t.Errorf("%q: error %v, want one with a line number mentioning %q", extra, err, want)
		}
	}
}
