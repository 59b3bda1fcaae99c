package simulator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Rule: the table of core commands is one vocabulary for every surface:
// each command has a unique name, a doc line and documented arguments,
// and names no vendor.
// Source: issue 11 item 5; ../shared/DESIGN.md ("The core knows no vendor").
func TestCommandTableIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range simulator.Commands() {
		if c.Name == "" || seen[c.Name] {
			t.Errorf("command %q: empty or duplicate name", c.Name)
		}
		seen[c.Name] = true
		if got, ok := simulator.LookupCommand(c.Name); !ok || got.Name != c.Name {
			t.Errorf("LookupCommand(%q) = %q, %v", c.Name, got.Name, ok)
		}
		if c.Doc == "" {
			t.Errorf("command %q has no doc line", c.Name)
		}
		args := map[string]bool{}
		for _, a := range c.Args {
			if a.Name == "" || a.Kind == "" || a.Doc == "" || args[a.Name] {
				t.Errorf("command %q: argument %+v needs a unique name, a kind and a doc", c.Name, a)
			}
			args[a.Name] = true
		}
		text := strings.ToLower(c.Name + " " + c.Doc)
		for _, a := range c.Args {
			text += " " + strings.ToLower(a.Name+" "+a.Doc)
		}
		for _, vendor := range []string{"ringcentral", "netsapiens", "click-to-call", "call-out", "party", "telephony"} {
			if strings.Contains(text, vendor) {
				t.Errorf("command %q names a vendor's word %q", c.Name, vendor)
			}
		}
	}
	if _, ok := simulator.LookupCommand("click-to-call"); ok {
		t.Error("a vendor's verb is a core command")
	}
}

func newCommandSim(t *testing.T, clk simulator.Clock) *simulator.Sim {
	t.Helper()
	sim := simulator.New(simulator.Options{Clock: clk, Seed: 1})
	if err := scenario.Default().Apply(sim); err != nil {
		t.Fatal(err)
	}
	return sim
}

// Rule: a command refuses missing, unknown and malformed arguments with
// the core's invalid code before it changes anything; the operation's own
// refusals keep their codes.
// Source: simulator/errors.go (the core's error vocabulary).
func TestCommandRunChecksArguments(t *testing.T) {
	sim := newCommandSim(t, simulator.NewManualClock(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)))
	run := func(name string, args simulator.Args) (simulator.Result, error) {
		t.Helper()
		c, ok := simulator.LookupCommand(name)
		if !ok {
			t.Fatalf("no command %q", name)
		}
		return c.Run(sim, args)
	}
	for _, tc := range []struct {
		name string
		args simulator.Args
		want simulator.ErrorCode
		msg  string
	}{
		{"originate", simulator.Args{"from": "101"}, simulator.ErrInvalid, `argument "to" (address) is required`},
		{"originate", simulator.Args{"from": "101", "to": "102", "colour": "red"}, simulator.ErrInvalid, `no argument "colour"`},
		{"originate", simulator.Args{"from": "101", "to": "102", "caller-rings-first": "yes please"}, simulator.ErrInvalid, "must be true or false"},
		{"originate", simulator.Args{"from": "nobody at all", "to": "102"}, simulator.ErrNotFound, "from: "},
		{"advance", simulator.Args{"by": "-1s"}, simulator.ErrInvalid, "non-negative duration"},
		{"answer-policy", simulator.Args{"user": "102", "mode": "sing"}, simulator.ErrInvalid, "manual, answer or reject"},
		{"answer-policy", simulator.Args{"user": "+15550001111", "mode": "answer"}, simulator.ErrInvalid, "is not a user"},
		{"answer", simulator.Args{"leg": "L99"}, simulator.ErrNotFound, "not found"},
		{"hangup-call", simulator.Args{"call": "C99"}, simulator.ErrNotFound, "not found"},
	} {
		_, err := run(tc.name, tc.args)
		if simulator.CodeOf(err) != tc.want || err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s %v = %v (code %q), want %s containing %q", tc.name, tc.args, err, simulator.CodeOf(err), tc.want, tc.msg)
		}
	}
	if n := len(sim.Calls()); n != 0 {
		t.Fatalf("refused commands placed %d calls", n)
	}
	res, err := run("originate", simulator.Args{"from": "101", "to": "102"})
	if err != nil || len(res.Call.Legs) != 2 {
		t.Fatalf("originate = %+v, %v", res, err)
	}
	res, err = run("answer", simulator.Args{"leg": res.Call.Legs[1].ID})
	if err != nil || res.Call.Legs[1].State != simulator.LegAnswered {
		t.Fatalf("answer = %+v, %v", res, err)
	}
	res, err = run("blind-transfer", simulator.Args{"leg": res.Call.Legs[1].ID, "to": "103"})
	if err != nil || res.Leg.Endpoint.Name != "Agent K" || res.Leg.CallID != res.Call.ID {
		t.Fatalf("blind-transfer = %+v, %v", res, err)
	}
}

// Rule: only a manual clock can be moved; with a real clock advance is
// refused as wrong_state (the control API answers 409).
// Source: docs/control-api.md, POST /sim/v1/clock/advance.
func TestAdvanceNeedsAManualClock(t *testing.T) {
	sim := newCommandSim(t, simulator.RealClock{})
	c, _ := simulator.LookupCommand("advance")
	if _, err := c.Run(sim, simulator.Args{"by": "1s"}); simulator.CodeOf(err) != simulator.ErrWrongState {
		t.Fatalf("advance on a real clock = %v", err)
	}
}
