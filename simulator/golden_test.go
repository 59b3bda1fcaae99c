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
// hold/unhold, blind transfer and the attended (warm) transfer.
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
// default scenario on a manual clock and returns the output.
//
//	originate FROM TO as NAME   place a call, remembered as NAME
//	click-to-call FROM TO as NAME  the same, ringing FROM's own phone first
//	answer|reject|hangup|hold|unhold|mute|unmute NAME.N
//	blind NAME.N TO             blind-transfer from leg N
//	attended NAME.N OTHER.M     join the two calls of one user's legs
//	policy ADDRESS MODE DELAY   set a user's answer policy
//	advance DURATION            move the clock
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
	leg := func(ref string) (string, error) {
		name, idx, ok := strings.Cut(ref, ".")
		if !ok {
			return "", fmt.Errorf("leg reference %q: want NAME.N", ref)
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
		f := strings.Fields(line)
		var err error
		switch f[0] {
		case "originate", "click-to-call":
			var from, to simulator.Endpoint
			if from, err = sim.Resolve(f[1], ""); err == nil {
				if to, err = sim.Resolve(f[2], from.TenantID); err == nil {
					var c simulator.Call
					req := simulator.OriginateRequest{From: from, To: to, CallerRingsFirst: f[0] == "click-to-call"}
					if c, err = sim.Originate(req); err == nil {
						calls[f[4]] = c.ID
					}
				}
			}
		case "answer", "reject", "hangup", "hold", "unhold", "mute", "unmute":
			var id string
			if id, err = leg(f[1]); err == nil {
				err = map[string]func(string) error{
					"answer": sim.Answer, "reject": sim.Reject, "hangup": sim.Hangup,
					"hold": sim.Hold, "unhold": sim.Unhold,
					"mute":   func(id string) error { return sim.Mute(id, true) },
					"unmute": func(id string) error { return sim.Mute(id, false) },
				}[f[0]](id)
			}
		case "blind":
			var id string
			var to simulator.Endpoint
			if id, err = leg(f[1]); err == nil {
				if to, err = sim.Resolve(f[2], ""); err == nil {
					_, err = sim.BlindTransfer(id, to, nil, "")
				}
			}
		case "attended":
			var a, b string
			if a, err = leg(f[1]); err == nil {
				if b, err = leg(f[2]); err == nil {
					err = sim.AttendedTransfer(a, b)
				}
			}
		case "policy":
			var ep simulator.Endpoint
			if ep, err = sim.Resolve(f[1], ""); err == nil {
				var d time.Duration
				if d, err = time.ParseDuration(f[3]); err == nil {
					err = sim.SetAnswerPolicy(ep.TenantID, ep.UserID, simulator.AnswerPolicy{Mode: simulator.AnswerMode(f[2]), Delay: d})
				}
			}
		case "advance":
			var d time.Duration
			if d, err = time.ParseDuration(f[1]); err == nil {
				clk.Advance(d)
			}
		default:
			t.Fatalf("unknown command %q", line)
		}
		drain()
		if err != nil {
			fmt.Fprintf(&out, "error %s: %v\n", simulator.CodeOf(err), err)
		}
	}
	return out.String()
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
