package steps

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// World is one scenario's state. It is built fresh for every scenario, so
// scenarios share nothing and may run concurrently.
type World struct {
	Target target.Target
	Facts  target.Facts
	// Ctl is the control API client; nil on a real tenant.
	Ctl *control.Client
	// Driver plays the world: the control API when there is one, else the
	// vendor API with a person for what only a phone can do.
	Driver WorldDriver
	// SkipReason says why the scenario was skipped, when it was.
	SkipReason string
	// Timeout bounds each await inside a step.
	Timeout time.Duration
	// HTTP is the client every vendor client must use: it records the
	// transcript printed on failure and written to reports.
	HTTP *http.Client
	// Trace is the scenario's transcript.
	Trace *Trace
	// Vars holds values remembered between steps.
	Vars map[string]string

	// integ is the @integration steps' state.
	integ *integrationWorld

	// vendors are the run's; state is theirs, by vendor (State).
	vendors []Vendor
	tags    []string // the scenario's, to pick its vendor
	state   map[string]any
	faults  *Faults

	ctx        context.Context
	scenario   string // the running scenario's name
	scenarioID string // and its pickle ID
	onSkip     func(scenarioID, reason string)
	cleanups   []func()
	stepsRun   []StepRecord // for the results bundle (bundle_report.go)

	// phones does what only a person at a phone can; personTimeout bounds
	// the wait for it.
	phones        Phones
	personTimeout time.Duration
	notices       io.Writer
}

// Context returns the scenario's context.
func (w *World) Context() context.Context {
	if w.ctx == nil {
		return context.Background()
	}
	return w.ctx
}

// Cleanup registers f to run after the scenario, newest first.
func (w *World) Cleanup(f func()) { w.cleanups = append(w.cleanups, f) }

func (w *World) runCleanups() {
	for i := len(w.cleanups) - 1; i >= 0; i-- {
		w.cleanups[i]()
	}
	w.cleanups = nil
}

// Await polls probe with the world's step timeout (see Await).
func (w *World) Await(what string, probe func() (bool, string, error)) error {
	return Await(w.Context(), w.Timeout, what, probe)
}

// PersonTimeout bounds the wait for a person's phone task.
func (w *World) PersonTimeout() time.Duration { return w.personTimeout }

// UseTarget makes t the scenario's target: its facts, its control API and
// the world driver that goes with them (the control API's, else the
// vendors' own).
func (w *World) UseTarget(t target.Target) {
	w.Target, w.Facts, w.Ctl = t, t.Facts(), t.Control()
	w.Driver = controlDriver{w}
	if w.Ctl == nil {
		w.Driver = vendorDriver{w}
	}
}
