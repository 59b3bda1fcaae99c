package judge

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/steps/target"
)

// An Integration is the user's code under test: once the harness has set
// the world up (the customer's call answered by the operator, the consult
// reachable), it performs the warm transfer through the vendor API. The
// harness then judges the outcome from pbxsim's state and journal, not from
// anything the integration says about itself.
//
// Run returns an error only for harness errors (the command cannot be
// started, the endpoint cannot be reached, the process was killed by a
// signal); an integration that exits non-zero or runs past its deadline
// returns a Result, and the checks say what it did wrong.
type Integration interface {
	// Name says what runs, for messages: the command line or the URL.
	Name() string
	Run(ctx context.Context, h Handover) (Result, error)
}

// Handover is what the integration is given: the vendor, where the PBX is,
// credentials and the scenario's facts, as environment variables (a
// command gets them in its environment, an HTTP endpoint in its request
// body). docs/integrations.md lists them.
type Handover struct {
	Vendor  string
	Vars    map[string]string
	Timeout time.Duration
	// secrets are values that must never appear in output.
	secrets []string
}

// Names returns the variable names, sorted, for messages.
func (h Handover) Names() []string {
	out := make([]string, 0, len(h.Vars))
	for k := range h.Vars {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Mask replaces the handover's secret values in s, then applies Redact.
func (h Handover) Mask(s string) string {
	for _, v := range h.secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return target.Redact(s)
}

// Result is how the integration's run ended.
type Result struct {
	// Finished is false when the integration ran past its deadline and
	// was stopped.
	Finished bool
	// Code is the exit status of a command, or the HTTP status of an
	// endpoint's answer.
	Code int
	// Output is the end of what the integration printed (or answered),
	// secrets masked.
	Output  string
	Elapsed time.Duration
}

// OK says whether the integration reported success.
func (r Result) OK(http bool) bool {
	if !r.Finished {
		return false
	}
	if http {
		return r.Code >= 200 && r.Code < 300
	}
	return r.Code == 0
}

// NewHandover builds the integration's hand-over: the vendor's variables
// (docs/integrations.md; empty values left out) with PBX_VENDOR and
// XFER_TIMEOUT, and the values among them that are secrets.
func NewHandover(vendor string, vars map[string]string, secrets []string, timeout time.Duration) Handover {
	h := Handover{Vendor: vendor, Timeout: timeout, Vars: map[string]string{
		"PBX_VENDOR":   vendor,
		"XFER_TIMEOUT": timeout.String(),
	}}
	for k, v := range vars {
		if v != "" {
			h.Vars[k] = v
		}
	}
	for _, v := range secrets {
		if v != "" {
			h.secrets = append(h.secrets, v)
		}
	}
	return h
}

// TailLines keeps the last n lines of s.
func TailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("…(%d earlier lines)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// Judge runs the checks on the evidence and reports every one that
// failed, each by name, then the integration's last requests and the last
// events (lastEvents, read only on failure) around them. trace hears each
// check's outcome. The error is a *ChecksFailed.
func Judge(ev Evidence, checks []Check, integration string, lastEvents func() []string, trace func(format string, args ...any)) error {
	// The checks that name a vendor-specific bug come first: they say why
	// the outcome checks below them failed.
	var named, outcome, namedShort, outcomeShort []string
	for _, c := range checks {
		var findings findingsError
		if err := c.Judge(ev); errors.As(err, &findings) {
			// Each finding is a named check of its own, with its source.
			for _, f := range findings.findings {
				short := fmt.Sprintf("%s: %s", c.Name, f)
				named, namedShort = append(named, "✗ "+short), append(namedShort, short)
				trace("judge: %s: FAILED: %s", c.Name, f)
			}
			continue
		} else if err != nil {
			short := fmt.Sprintf("%s: %v", c.Name, err)
			line := "✗ " + short
			if c.Vendor != "" {
				named, namedShort = append(named, line), append(namedShort, short)
			} else {
				outcome, outcomeShort = append(outcome, line), append(outcomeShort, short)
			}
			trace("judge: %s: FAILED: %v", c.Name, err)
			continue
		}
		trace("judge: %s: ok", c.Name)
	}
	failed := append(named, outcome...)
	if len(failed) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the integration %q failed %d of %d checks:\n  %s", integration, len(failed), len(checks), strings.Join(failed, "\n  "))
	b.WriteString("\n  the integration's last requests (pbxsim journal):")
	for _, e := range lastN(ev.Journal, 10) {
		b.WriteString("\n    " + DescribeEntry(e))
	}
	if len(ev.Journal) == 0 {
		b.WriteString("\n    (none: the integration sent no request to the vendor API)")
	}
	if evs := lastEvents(); len(evs) > 0 {
		b.WriteString("\n  the last events:")
		for _, e := range evs {
			b.WriteString("\n    " + e)
		}
	}
	return &ChecksFailed{Failed: append(namedShort, outcomeShort...), Total: len(checks), report: b.String()}
}

// ChecksFailed is the error of an integration that failed named checks:
// Failed holds "check name: why" for each, the bug-naming checks first,
// so a report's headline can start with the failing check.
type ChecksFailed struct {
	Failed []string
	Total  int
	report string
}

func (e *ChecksFailed) Error() string { return e.report }

func lastN[T any](s []T, n int) []T {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
