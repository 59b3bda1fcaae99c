package faults

import (
	"strings"
	"testing"
)

// Rule: a pathRegex that compiles alone but not anchored as ^(?:…)$ (\Q
// quotes the closing parenthesis) is refused with an error naming the
// field; Add does not panic. Source: issue 10 item 12.
func TestPathRegexIsValidatedAnchored(t *testing.T) {
	e := New(Options{})
	for _, expr := range []string{`/restapi/\Q.`, `(`} {
		r := Rule{Match: Match{PathRegex: expr}, Action: Action{Status: 503}}
		if err := r.Validate(); err == nil || !strings.Contains(err.Error(), "match.pathRegex") {
			t.Errorf("Validate(%q) = %v, want an error naming match.pathRegex", expr, err)
		}
		if _, err := e.Add(r); err == nil {
			t.Errorf("Add(%q) accepted the rule", expr)
		}
	}
	if _, err := e.Add(Rule{Match: Match{PathRegex: `/restapi/.*/bridge`}, Action: Action{Status: 503}}); err != nil {
		t.Errorf("a good pathRegex was refused: %v", err)
	}
}
