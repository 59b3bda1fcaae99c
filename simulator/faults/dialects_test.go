package faults

import (
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// Two made-up dialects: "alpha" answers after applying and has sockets to
// cut, "beta" answers first and applies later.
var testDialects = Dialects{{Name: "alpha", Disconnect: true}, {Name: "beta", ApplyPhase: true}}

// Rule: the engine knows no vendor; whether a rule fits a dialect comes
// from what the dialect declares (apply rules only for an apply-phase
// dialect, disconnect only for one with sockets, match.dialect one that
// is served).
// Source: issue 11 item 2 (a vendor is a plug-in); docs/faults.md.
func TestRulesCheckedAgainstDeclaredDialects(t *testing.T) {
	bad := map[string]struct {
		r    Rule
		want string
	}{
		"apply on a dialect that applies first": {Rule{On: OnApply, Match: Match{Dialect: "alpha"}, Action: Action{Drop: true}}, "apply rules are for beta (alpha applies changes before it answers)"},
		"disconnect without sockets": {Rule{On: OnNotification, Match: Match{Dialect: "beta", Transport: TransportWebSocket},
			Action: Action{Disconnect: DisconnectRecoverable}}, "action.disconnect needs a dialect with notification sockets (alpha), not beta"},
		"unknown dialect": {Rule{Match: Match{Dialect: "gamma"}, Action: Action{Drop: true}}, `match.dialect must be alpha or beta, not "gamma"`},
	}
	for name, c := range bad {
		if err := c.r.ValidateFor(testDialects); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want %q", name, err, c.want)
		}
		if _, err := New(Options{Dialects: testDialects}).Add(c.r); err == nil {
			t.Errorf("%s: Engine.Add accepted it", name)
		}
	}
	good := []Rule{
		{On: OnApply, Match: Match{Dialect: "beta"}, Action: Action{Delay: Duration(time.Second)}},
		{On: OnApply, Match: Match{Tenant: "T"}, Action: Action{Drop: true}},
		{On: OnNotification, Match: Match{Dialect: "alpha", Transport: TransportWebSocket}, Action: Action{Disconnect: DisconnectUnrecoverable}},
		{Match: Match{Dialect: "gamma"}, Action: Action{Drop: true}}, // no dialects declared: any name
	}
	for i, r := range good {
		ds := testDialects
		if i == len(good)-1 {
			ds = nil
		}
		if err := r.ValidateFor(ds); err != nil {
			t.Errorf("ValidateFor(%+v): %v", r, err)
		}
	}
}

// Rule: a rule's match.operation must be an operation its dialect (or,
// without match.dialect, some dialect) declares: a misspelt operation
// would make a rule that never fires, so it is refused with the list.
// Source: issue 11 item 2 (fault operations built from each route table).
func TestOperationMustBeDeclared(t *testing.T) {
	ds := Dialects{
		{Name: "alpha", Operations: Operations{{Method: "POST", Path: "/a/*/hold", Name: "hold"}}.Compile()},
		{Name: "beta", Operations: Operations{{Method: "GET", Path: "/b/calls", Name: "list-calls"}}.Compile()},
	}
	for _, r := range []Rule{
		{Match: Match{Dialect: "alpha", Operation: "hold"}, Action: Action{Drop: true}},
		{Match: Match{Operation: "list-calls"}, Action: Action{Drop: true}},
	} {
		if err := r.ValidateFor(ds); err != nil {
			t.Errorf("%+v: %v", r.Match, err)
		}
	}
	for want, r := range map[string]Rule{
		`match.operation "list-calls" is no operation of alpha (operations: hold)`:             {Match: Match{Dialect: "alpha", Operation: "list-calls"}, Action: Action{Drop: true}},
		`match.operation "hodl" is no operation of any dialect (operations: hold, list-calls)`: {Match: Match{Operation: "hodl"}, Action: Action{Drop: true}},
	} {
		if err := r.ValidateFor(ds); err == nil || err.Error() != want {
			t.Errorf("%+v: %v; want %q", r.Match, err, want)
		}
	}
}

// Rule: a rule's delay follows the scenario files' one duration rule: a
// number is seconds.
// Source: issue 11 item 5; docs/faults.md.
func TestDelayInSeconds(t *testing.T) {
	var r Rule
	if err := yamlRule("on: notification\naction: {delay: 30}\n", &r); err != nil || r.Action.Delay.D() != 30*time.Second {
		t.Fatalf("delay: 30 = %v, %v", r.Action.Delay.D(), err)
	}
}

func yamlRule(s string, r *Rule) error { return yaml.Unmarshal([]byte(s), r) }
