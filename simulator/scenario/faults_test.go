package scenario_test

import (
	"strings"
	"testing"

	. "github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Rule: fault rules in a scenario file are validated with the rule's own
// words and the line of the rule.
// Source: docs/faults.md (a bad rule stops pbxsim with the file, line and reason).
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
