package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"
)

// Faults is the @faults steps' state for one scenario: the seed the
// faults are drawn from, the rules this scenario installed, and the
// outcome of the transfer run under them. A vendor's fault steps reach it
// through World.Faults.
type Faults struct {
	w     *World
	seed  int64
	rules []string
	// placeholders are what a fault rule's text may name (Placeholder).
	placeholders map[string]func() (string, error)
	// outcome is the transfer's error (nil: it completed); ran says a
	// transfer was run at all.
	outcome error
	ran     bool
}

// registerFaults adds the @faults steps (features/faults): installing
// seeded fault rules through the control API, tuning the reference
// clients' retry policy, running the transfers under the faults and
// checking how they came out.
func registerFaults(sc *godog.ScenarioContext, w *World) {
	f := w.Faults()
	sc.Step(`^pbxsim's fault seed is (\d+)$`, f.setSeed)
	sc.Step(`^the fault rule:$`, f.addRule)
	sc.Step(`^the reference clients retry with:$`, f.retryWith)
	sc.Step(`^pbxsim's fault log shows rule "([^"]+)" fired (at least )?(\d+) times?$`, f.ruleFired)
	sc.Step(`^the transfer fails with an error that says "([^"]+)"$`, f.failsSaying)
	sc.Step(`^the transfer completes$`, f.completed)
}

// Faults returns the scenario's @faults state.
func (w *World) Faults() *Faults {
	if w.faults == nil {
		w.faults = &Faults{w: w, placeholders: map[string]func() (string, error){}}
	}
	return w.faults
}

// Seed is the seed the scenario's faults are drawn from (0: none set).
func (f *Faults) Seed() int64 { return f.seed }

// Placeholder lets fault rules name a value only the running scenario
// knows: "{account}" in a rule's text is replaced by value's result.
func (f *Faults) Placeholder(name string, value func() (string, error)) {
	f.placeholders[name] = value
}

// Control returns nil, or skips: faults need pbxsim's control API.
func (f *Faults) Control() error {
	if f.w.Ctl == nil {
		return Skipf("fault injection needs pbxsim's control API; target %s has none", f.w.Target.Name())
	}
	return nil
}

// setSeed sets the seed every fault decision is drawn from, and prints it:
// a rerun that sets the same seed and sends the same traffic gets the same
// faults (docs/faults.md, Reproducibility).
func (f *Faults) setSeed(seed string) error {
	if err := f.Control(); err != nil {
		return err
	}
	n, err := strconv.ParseInt(seed, 10, 64)
	if err != nil {
		return err
	}
	if err := f.w.Ctl.SetFaultSeed(f.w.Context(), n); err != nil {
		return fmt.Errorf("setting the fault seed: %w", err)
	}
	f.seed = n
	f.w.Vars["fault-seed"] = seed
	f.w.Trace.Addf("faults: seed %d (replay: PUT /sim/v1/faults/seed {\"seed\":%d}, then the same spec)", n, n)
	if f.w.notices != nil {
		fmt.Fprintf(f.w.notices, "faults: seed %d: %s\n", n, f.w.scenario)
	}
	return nil
}

// addRule installs the rule of the doc string. Placeholders name what
// only the running scenario knows, each a vendor's Placeholder: {account} (the RingCentral account
// id), {operator extension id}, {operator subscription} (the operator's
// WebSocket subscription id).
func (f *Faults) addRule(doc *godog.DocString) error {
	if err := f.Control(); err != nil {
		return err
	}
	text, err := f.expand(doc.Content)
	if err != nil {
		return err
	}
	if !json.Valid([]byte(text)) {
		return fmt.Errorf("the fault rule is not JSON: %s", text)
	}
	rule, err := f.w.Ctl.AddFault(f.w.Context(), json.RawMessage(text))
	if err != nil {
		return fmt.Errorf("installing the fault rule %s: %w", text, err)
	}
	f.rules = append(f.rules, rule.ID)
	// Rules are global to a pbxsim: a shared one must not keep ours.
	f.w.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = f.w.Ctl.RemoveFault(ctx, rule.ID)
	})
	f.w.Trace.Addf("faults: rule %s installed (seed %d): %s", rule.ID, f.seed, compactJSON(rule.Raw))
	return nil
}

func compactJSON(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

func (f *Faults) expand(s string) (string, error) {
	if !strings.Contains(s, "{") {
		return s, nil
	}
	repl := f.placeholders
	for k, get := range repl {
		if strings.Contains(s, k) {
			v, err := get()
			if err != nil {
				return "", fmt.Errorf("filling %s in the fault rule: %w", k, err)
			}
			s = strings.ReplaceAll(s, k, v)
		}
	}
	return s, nil
}

// retryWith sets the reference clients' retry policy for the rest of the
// scenario, from a two-column table (setting | value):
//
//	max attempts, base backoff, max backoff, max Retry-After,
//	attempt timeout, accepted wait, resends
//
// The jitter is fixed (0.5), so the waits are the same on every run.
func (f *Faults) retryWith(table *godog.Table) error {
	var rs RetrySettings
	for _, row := range table.Rows {
		if len(row.Cells) != 2 {
			return errors.New("the retry table has two columns: setting | value")
		}
		key, val := strings.TrimSpace(row.Cells[0].Value), strings.TrimSpace(row.Cells[1].Value)
		if key == "setting" {
			continue
		}
		dur := func() (time.Duration, error) { return time.ParseDuration(val) }
		var err error
		switch key {
		case "max attempts":
			rs.MaxAttempts, err = strconv.Atoi(val)
		case "base backoff":
			rs.BaseBackoff, err = dur()
		case "max backoff":
			rs.MaxBackoff, err = dur()
		case "max Retry-After":
			rs.MaxRetryAfter, err = dur()
		case "attempt timeout":
			rs.AttemptTimeout, err = dur()
		case "accepted wait":
			rs.AcceptedWait, err = dur()
		case "resends":
			rs.Resends, err = strconv.Atoi(val)
		default:
			return fmt.Errorf("unknown retry setting %q (max attempts, base backoff, max backoff, max Retry-After, attempt timeout, accepted wait, resends)", key)
		}
		if err != nil {
			return fmt.Errorf("retry setting %q: %w", key, err)
		}
	}
	rs.Jitter = func() float64 { return 0.5 }
	ctx := f.w.Context()
	for _, v := range f.w.vendors {
		if r, ok := v.(Retrier); ok {
			ctx = r.WithRetry(ctx, rs)
		}
	}
	f.w.ctx = ctx
	f.w.Trace.Addf("faults: reference clients retry with %s", rs)
	return nil
}

func (f *Faults) ruleFired(id, atLeast, times string) error {
	if err := f.Control(); err != nil {
		return err
	}
	want, _ := strconv.Atoi(times)
	r, err := f.w.Ctl.Fault(f.w.Context(), id)
	if err != nil {
		return fmt.Errorf("reading fault rule %s: %w", id, err)
	}
	if r.Fired == want || (atLeast != "" && r.Fired >= want) {
		return nil
	}
	log, _ := f.w.Ctl.FaultLog(f.w.Context(), 0)
	var lines []string
	for _, o := range log {
		lines = append(lines, fmt.Sprintf("#%d %s match %d: %s: %s", o.Seq, o.Rule, o.Match, o.Subject, o.Effect))
	}
	return fmt.Errorf("fault rule %s fired %d times (matched %d), want %s%d (seed %d); fault log:\n  %s",
		id, r.Fired, r.Matched, atLeast, want, f.seed, strings.Join(lines, "\n  "))
}

// Record keeps how the transfer run under the faults came out.
func (f *Faults) Record(what string, err error) {
	f.ran, f.outcome = true, err
	if err != nil {
		f.w.Trace.Addf("faults: %s failed (seed %d): %v", what, f.seed, err)
		return
	}
	f.w.Trace.Addf("faults: %s completed (seed %d)", what, f.seed)
}

func (f *Faults) completed() error {
	if !f.ran {
		return errors.New("no transfer was run in this scenario")
	}
	if f.outcome != nil {
		return fmt.Errorf("the transfer should have completed under the faults (seed %d), but: %w", f.seed, f.outcome)
	}
	return nil
}

// failsSaying checks the transfer failed with an error that names the
// cause: the unrecoverable fault must end in a clear, specific message.
func (f *Faults) failsSaying(text string) error {
	if !f.ran {
		return errors.New("no transfer was run in this scenario")
	}
	if f.outcome == nil {
		return fmt.Errorf("the transfer should have failed with %q (seed %d), but it completed", text, f.seed)
	}
	if !strings.Contains(strings.ToLower(f.outcome.Error()), strings.ToLower(text)) {
		return fmt.Errorf("the transfer failed, but the error does not say %q (seed %d): %v", text, f.seed, f.outcome)
	}
	return nil
}
