package scenario

import (
	"strings"
	"testing"
	"time"
)

func withAccountLines(extra string) []byte {
	return []byte(strings.Replace(string(DefaultYAML()), "    - id: \"684349005\"\n", "    - id: \"684349005\"\n"+extra, 1))
}

// Issue 6: "an opt-in profile with the real defaults ... limits
// configurable per scenario"; the defaults are reference ringcentral.md §3.3.
func TestRateLimitsInScenario(t *testing.T) {
	sc, err := Parse("rl.yaml", withAccountLines("      rateLimits: {profile: default, heavy: 3}\n"))
	if err != nil {
		t.Fatal(err)
	}
	l := sc.RingCentral.Accounts[0].RateLimits.Resolved()
	if l.Light != 50 || l.Medium != 40 || l.Heavy != 3 || l.Auth != 5 || l.Window.D() != time.Minute || l.Penalty.D() != time.Minute {
		t.Fatalf("resolved limits %+v", l)
	}
	if Default().RingCentral.Accounts[0].RateLimits != nil {
		t.Fatal("the built-in scenario must not rate-limit (opt-in)")
	}
	for extra, want := range map[string]string{
		"      rateLimits: {profile: strict}\n": `rate-limit profile must be "default"`,
		"      rateLimits: {light: -1}\n":       "light must be between 1 and 1000000",
		"      rateLimits: {window: 10ms}\n":    "window must be at least 1s",
	} {
		_, err := Parse("rl.yaml", withAccountLines(extra))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "rl.yaml:") {
			t.Errorf("%q: error %v, want one with a line number mentioning %q", extra, err, want)
		}
	}
}

// Fault rules in a scenario file are validated with the rule's own words
// and the line of the rule.
func TestFaultsInScenario(t *testing.T) {
	good := string(DefaultYAML()) + "faults:\n  - id: a\n    match: {operation: bridge}\n    action: {status: 503}\n    times: once\n"
	sc, err := Parse("f.yaml", []byte(good))
	if err != nil || len(sc.Faults) != 1 || sc.Faults[0].Times != 1 {
		t.Fatalf("Parse: %v %+v", err, sc)
	}
	bad := string(DefaultYAML()) + "faults:\n  - id: a\n    action: {status: 503, drop: true}\n"
	_, err = Parse("f.yaml", []byte(bad))
	if err == nil || !strings.Contains(err.Error(), "fault rule a: an http rule answers with at most one of status, drop and timeout") {
		t.Fatalf("bad rule: %v", err)
	}
	dup := string(DefaultYAML()) + "faults:\n  - {id: a, action: {drop: true}}\n  - {id: a, action: {drop: true}}\n"
	if _, err := Parse("f.yaml", []byte(dup)); err == nil || !strings.Contains(err.Error(), `"a" appears twice`) {
		t.Fatalf("duplicate id: %v", err)
	}
}
