package model

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/control"
)

// weight is how often the model picks each command of the core's table,
// against weight 2 for a command not named here: a command added to the
// table is generated without an edit here.
var weight = map[string]int{
	"originate": 18, "answer": 20, "hangup": 8, "advance": 12,
	"hold": 2, "unhold": 2, "mute": 1, "unmute": 1, "answer-policy": 1,
}

// world generates one command of the core's table with arguments fit for
// the calls there are, and runs it: through the control API when the
// control API serves the command with those arguments (ctlRequest), else
// on the core through the table.
func (m *model) world(calls []simulator.Call) string {
	cmds := simulator.Commands()
	total := 0
	for _, c := range cmds {
		total += weightOf(c.Name)
	}
	k := m.rnd.Intn(total)
	var cmd simulator.Command
	for _, c := range cmds {
		if k -= weightOf(c.Name); k < 0 {
			cmd = c
			break
		}
	}
	args, ok := m.argsFor(cmd, calls)
	if !ok {
		return "nothing to do for " + cmd.Name
	}
	m.ran[cmd.Name]++
	if method, path, body, ok := ctlRequest(cmd.Name, args, calls); ok {
		st, _ := m.ctl(method, path, body)
		return fmt.Sprintf("ctl %s %s: %d", cmd.Name, describeArgs(args), st)
	}
	_, err := cmd.Run(m.sim, args)
	outcome := "ok"
	if err != nil {
		outcome = string(simulator.CodeOf(err))
		if outcome == "" {
			m.t.Fatalf("core %s %s: an error outside the core's vocabulary: %v", cmd.Name, describeArgs(args), err)
		}
	}
	return fmt.Sprintf("core %s %s: %s", cmd.Name, describeArgs(args), outcome)
}

func weightOf(name string) int {
	if w, ok := weight[name]; ok {
		return w
	}
	return 2
}

// legFilter is the legs each command is usually tried on, so most tries
// do something; the others are refused, which the model also checks.
var legFilter = map[string]func(simulator.Leg) bool{
	"answer":         func(l simulator.Leg) bool { return l.State.Ringing() },
	"reject":         func(l simulator.Leg) bool { return l.State.Ringing() },
	"forward":        func(l simulator.Leg) bool { return l.Direction == simulator.Inbound && l.State.Ringing() },
	"hold":           func(l simulator.Leg) bool { return l.State.Connected() },
	"unhold":         func(l simulator.Leg) bool { return l.State.Connected() },
	"mute":           func(l simulator.Leg) bool { return l.State.Connected() },
	"unmute":         func(l simulator.Leg) bool { return l.State.Connected() },
	"park":           func(l simulator.Leg) bool { return l.State.Connected() },
	"blind-transfer": func(l simulator.Leg) bool { return l.State.Connected() },
}

// argsFor picks arguments for cmd, one per argument kind; false when the
// calls there are give it nothing to act on.
func (m *model) argsFor(cmd simulator.Command, calls []simulator.Call) (simulator.Args, bool) {
	if cmd.Name == "attended-transfer" {
		return m.attendedArgs(calls)
	}
	args := simulator.Args{}
	parties := rcParties
	if m.rnd.Intn(2) == 0 {
		parties = nsParties
	}
	for _, a := range cmd.Args {
		switch a.Kind {
		case simulator.ArgLeg:
			ok := legFilter[cmd.Name]
			if ok == nil {
				ok = func(l simulator.Leg) bool { return l.State.Live() }
			}
			l, _, found := m.pick(calls, ok)
			if !found {
				return nil, false
			}
			args[a.Name] = l.ID
			if l.Endpoint.TenantID == nsDomain {
				parties = nsParties
			} else if l.Endpoint.TenantID != "" {
				parties = rcParties
			}
		case simulator.ArgCall:
			var active []simulator.Call
			for _, c := range calls {
				if c.Active() {
					active = append(active, c)
				}
			}
			if len(active) == 0 {
				return nil, false
			}
			args[a.Name] = active[m.rnd.Intn(len(active))].ID
		case simulator.ArgAddress:
			p := parties
			if a.Name == "user" {
				p = p[:len(p)-1] // the users, not the outside number
			}
			args[a.Name] = p[m.rnd.Intn(len(p))]
		case simulator.ArgTenant:
			// Left out: the addresses the model uses are unique.
		case simulator.ArgFlag:
			if m.rnd.Intn(6) == 0 {
				args[a.Name] = "true"
			}
		case simulator.ArgDuration:
			args[a.Name] = (time.Duration(m.rnd.Intn(1500)) * time.Millisecond).String()
		case simulator.ArgAnswerMode:
			args[a.Name] = []string{"manual", "manual", "answer", "reject"}[m.rnd.Intn(4)]
		case simulator.ArgText:
			args[a.Name] = fmt.Sprintf("*8%02d", 1+m.rnd.Intn(3))
		default:
			m.t.Fatalf("the model cannot generate a %s argument (%s of %s): teach argsFor", a.Kind, a.Name, cmd.Name)
		}
	}
	return args, true
}

// attendedArgs picks a user's connected legs in two calls, when there are
// such.
func (m *model) attendedArgs(calls []simulator.Call) (simulator.Args, bool) {
	byUser := map[string][]string{}
	var users []string
	for _, c := range calls {
		for _, l := range c.Legs {
			if l.Endpoint.IsUser() && l.State.Connected() {
				k := l.Endpoint.TenantID + "/" + l.Endpoint.UserID
				if byUser[k] == nil {
					users = append(users, k)
				}
				byUser[k] = append(byUser[k], l.ID)
			}
		}
	}
	sort.Strings(users)
	for _, u := range users {
		if ls := byUser[u]; len(ls) >= 2 {
			return simulator.Args{"leg": ls[0], "consult": ls[1]}, true
		}
	}
	return nil, false
}

// ctlRequest is the control API request that runs a table command, when
// the control API serves it with these arguments (docs/control-api.md).
func ctlRequest(name string, args simulator.Args, calls []simulator.Call) (method, path, body string, ok bool) {
	callOf := func(legID string) string {
		for _, c := range calls {
			if _, ok := c.Leg(legID); ok {
				return c.ID
			}
		}
		return ""
	}
	cmd, _ := simulator.LookupCommand(name)
	switch {
	case name == "originate" && args["caller-rings-first"] == "" && args["caller-connected"] == "":
		b, _ := json.Marshal(map[string]string{"from": args["from"], "to": args["to"]})
		return "POST", control.Prefix + "/calls", string(b), true
	case name == "hangup-call":
		return "DELETE", control.Prefix + "/calls/" + args["call"], "", true
	case name == "advance":
		return "POST", control.Prefix + "/clock/advance", fmt.Sprintf(`{"by":%q}`, args["by"]), true
	case cmd.LegOnly():
		return "POST", control.Prefix + "/calls/" + callOf(args["leg"]) + "/legs/" + args["leg"] + "/" + name, "", true
	}
	return "", "", "", false
}

func describeArgs(args simulator.Args) string {
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s ", k, args[k])
	}
	return strings.TrimSpace(b.String())
}

// TestEveryTableCommandIsGenerated runs the model until it has generated
// every command of the core's table, checking the invariants after every
// step.
//
// Rule: the control API, the golden runner and the model test share one
// table of core commands; the model generates every command in it, and
// serves through the control API every command the control API runs.
// Source: issue 11 item 5.
func TestEveryTableCommandIsGenerated(t *testing.T) {
	m := newModel(t, 7)
	for i := 0; i < 3000 && !t.Failed() && len(m.ran) < len(simulator.Commands()); i++ {
		m.log = append(m.log, fmt.Sprintf("#%d %s", i, m.step()))
		m.checkCore(t)
	}
	for _, c := range simulator.Commands() {
		if m.ran[c.Name] == 0 {
			t.Errorf("the model never generated %q in %d steps", c.Name, len(m.log))
		}
	}
	// Every command a control world route runs is sent through it.
	for _, rt := range control.WorldRoutes() {
		for _, name := range rt.Commands {
			args := simulator.Args{"leg": "L1", "call": "C1", "from": "101", "to": "102", "by": "1s"}
			cmd, _ := simulator.LookupCommand(name)
			sent := simulator.Args{}
			for _, a := range cmd.Args {
				if v, ok := args[a.Name]; ok {
					sent[a.Name] = v
				}
			}
			method, path, _, ok := ctlRequest(name, sent, nil)
			if !ok || method != rt.Method {
				t.Errorf("the model does not send %q through %s %s (got %s %s)", name, rt.Method, rt.Path, method, path)
			}
		}
	}
	if t.Failed() {
		t.Logf("last operations:\n  %s", strings.Join(m.tail(), "\n  "))
	}
}

// TestGoldenTranscriptsSpeakTheTable: the golden transcripts use every
// command of the core's table, and only those.
//
// Rule: one table of core commands, shared by the golden runner
// (simulator/golden_test.go replays the transcripts).
// Source: issue 11 item 5.
func TestGoldenTranscriptsSpeakTheTable(t *testing.T) {
	used := map[string]bool{}
	files, _ := filepath.Glob("../../testdata/golden/*.txt")
	if len(files) == 0 {
		t.Fatal("no golden transcripts")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cmds, _, _ := strings.Cut(string(b), "----\n")
		for _, line := range strings.Split(cmds, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			verb := strings.Fields(line)[0]
			if _, ok := simulator.LookupCommand(verb); !ok {
				t.Errorf("%s: %q is not a command of the core's table", f, verb)
			}
			used[verb] = true
		}
	}
	for _, c := range simulator.Commands() {
		if !used[c.Name] {
			t.Errorf("no golden transcript uses %q", c.Name)
		}
	}
}
