package simulator_test

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden call-flow transcripts in testdata/golden")

// TestGoldenCallFlows replays each transcript in testdata/golden: commands
// in, expected events out. Run with -rewrite to regenerate them, then
// review the diff. The flows follow the seed documents: basic call,
// hold/unhold, blind transfer and the attended (warm) transfer; then the
// ring timers, the party state order, a caller ringing first, forward and
// park. Each transcript's header names its rule and source.
//
// Rule: the core's call flows, written in the core's command table.
// Source: each transcript's header; issue 11 item 5 (one table).
func TestGoldenCallFlows(t *testing.T) {
	files, err := filepath.Glob("../testdata/golden/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden transcripts found: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			cmds, want := splitGolden(string(b))
			got := runFlow(t, cmds)
			if *rewrite {
				if err := os.WriteFile(f, []byte(cmds+"----\n"+got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != want {
				t.Errorf("transcript differs (run go test ./simulator -run TestGoldenCallFlows -rewrite and review the diff)\n--- want\n%s--- got\n%s", want, got)
			}
		})
	}
}

func splitGolden(s string) (cmds, want string) {
	i := strings.Index(s, "----\n")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i+len("----\n"):]
}

// runFlow executes a transcript's commands against a Sim loaded with the
// default scenario on a manual clock and returns the output. Each line is
// one command of the core's table (simulator.Commands):
//
//	VERB ARG... [FLAG...] [name=value...] [as NAME]
//
// Arguments other than flags come in the table's order; a leg is written
// NAME.N (leg N of the call named NAME), a call NAME; a flag is its name
// alone; "as NAME" names the call the command placed.
//
//	originate 101 102 as A
//	originate 1000 1010 caller-rings-first as B
//	answer A.2
//	blind-transfer A.2 103
//	advance 30s
func runFlow(t *testing.T, cmds string) string {
	t.Helper()
	clk := simulator.NewManualClock(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	sim := simulator.New(simulator.Options{Clock: clk, Seed: 1, RingTimeout: 30 * time.Second})
	if err := scenario.Default().Apply(sim); err != nil {
		t.Fatal(err)
	}
	sub := sim.Subscribe(simulator.SubscribeOptions{Buffer: 1000})
	defer sub.Close()
	calls := map[string]string{}
	var out strings.Builder
	drain := func() {
		for {
			select {
			case e := <-sub.C:
				out.WriteString(formatEvent(e, calls))
			default:
				return
			}
		}
	}
	sc := bufio.NewScanner(strings.NewReader(cmds))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out.WriteString("> " + line + "\n")
		cmd, args, name, err := parseLine(sim, calls, line)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		var res simulator.Result
		if res, err = cmd.Run(sim, args); err == nil && name != "" {
			calls[name] = res.Call.ID
		}
		drain()
		if err != nil {
			fmt.Fprintf(&out, "error %s: %v\n", simulator.CodeOf(err), err)
		}
	}
	return out.String()
}

// parseLine turns a transcript line into a table command and its
// arguments; name is the NAME of "as NAME". A line the table does not
// know fails the test: a transcript only speaks the core's commands.
func parseLine(sim *simulator.Sim, calls map[string]string, line string) (cmd simulator.Command, args simulator.Args, name string, err error) {
	f := strings.Fields(line)
	cmd, ok := simulator.LookupCommand(f[0])
	if !ok {
		return cmd, nil, "", fmt.Errorf("unknown command %q (the table has %s)", f[0], commandNames())
	}
	f = f[1:]
	if n := len(f); n >= 2 && f[n-2] == "as" {
		name, f = f[n-1], f[:n-2]
	}
	args = simulator.Args{}
	byName := map[string]simulator.Arg{}
	var positional []simulator.Arg // every argument but the flags, in the table's order
	for _, a := range cmd.Args {
		byName[a.Name] = a
		if a.Kind != simulator.ArgFlag {
			positional = append(positional, a)
		}
	}
	for _, w := range f {
		var a simulator.Arg
		var v string
		if k, val, ok := strings.Cut(w, "="); ok && byName[k].Name != "" {
			a, v = byName[k], val
		} else if fa := byName[w]; fa.Kind == simulator.ArgFlag {
			a, v = fa, "true"
		} else if len(positional) > 0 {
			a, v, positional = positional[0], w, positional[1:]
		} else {
			return cmd, nil, "", fmt.Errorf("%s: too many arguments at %q", cmd.Name, w)
		}
		if v, err = transcriptValue(sim, calls, a, v); err != nil {
			return cmd, nil, "", err
		}
		args[a.Name] = v
	}
	return cmd, args, name, nil
}

// transcriptValue turns a transcript's call and leg names into the core's
// ids; other arguments pass as written.
func transcriptValue(sim *simulator.Sim, calls map[string]string, a simulator.Arg, v string) (string, error) {
	switch a.Kind {
	case simulator.ArgCall:
		if id, ok := calls[v]; ok {
			return id, nil
		}
		return "", fmt.Errorf("%s: no call named %q", a.Name, v)
	case simulator.ArgLeg:
		name, idx, ok := strings.Cut(v, ".")
		if !ok {
			return "", fmt.Errorf("leg reference %q: want NAME.N", v)
		}
		c, err := sim.Call(calls[name])
		if err != nil {
			return "", err
		}
		for _, l := range c.Legs {
			if fmt.Sprint(l.Index) == idx {
				return l.ID, nil
			}
		}
		return "", fmt.Errorf("call %s has no leg %s", name, idx)
	}
	return v, nil
}

func commandNames() string {
	var names []string
	for _, c := range simulator.Commands() {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

func formatEvent(e *simulator.Event, names map[string]string) string {
	callName := e.Call.ID
	for n, id := range names {
		if id == e.Call.ID {
			callName = n
		}
	}
	l := e.Leg
	who := l.Endpoint.Name
	if who == "" {
		who = l.Endpoint.Number
	}
	s := fmt.Sprintf("  %s#%d %s.%d %-14s %-8s %-10s", callName, e.CallSeq, callName, l.Index, who, l.Direction, l.State)
	if l.Reason != "" {
		s += " reason=" + string(l.Reason)
	}
	if l.Peer != nil {
		s += " peer=" + refName(*l.Peer, e, names)
	}
	if l.MovedFrom != nil {
		s += " movedFrom=" + refName(*l.MovedFrom, e, names)
	}
	if l.ParkOrbit != "" {
		s += " orbit=" + l.ParkOrbit
	}
	if l.Muted {
		s += " muted"
	}
	s += fmt.Sprintf(" cause=%s t=%s", e.Cause, e.Time.Format("15:04:05"))
	if e.CallEnded {
		s += " [call ended]"
	}
	return s + "\n"
}

func refName(r simulator.LegRef, e *simulator.Event, names map[string]string) string {
	for n, id := range names {
		if id == r.CallID {
			return n + ":" + r.LegID
		}
	}
	return r.CallID + ":" + r.LegID
}
