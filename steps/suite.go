package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cucumber/godog"
)

// Config configures the step definitions.
type Config struct {
	// NewTarget makes the target for each scenario.
	NewTarget NewTarget
	// StepTimeout bounds each await inside a step; default 10s.
	StepTimeout time.Duration
	// OnScenarioEnd, when set, receives each finished scenario's world and
	// error (for results bundles).
	OnScenarioEnd func(name string, w *World, err error)
}

// ErrHarness marks failures of the harness or the target (cannot start the
// simulator, target unreachable) rather than of the behaviour under test.
var ErrHarness = errors.New("harness error")

// Initializer returns the godog scenario initializer: a fresh World and
// target per scenario, and every step definition registered.
func Initializer(cfg Config) func(*godog.ScenarioContext) {
	if cfg.StepTimeout <= 0 {
		cfg.StepTimeout = 10 * time.Second
	}
	return func(sc *godog.ScenarioContext) {
		w := &World{Timeout: cfg.StepTimeout, Trace: NewTrace(400), Vars: map[string]string{}}
		w.HTTP = &http.Client{Transport: &tracingTransport{next: http.DefaultTransport, trace: w.Trace}, Timeout: 30 * time.Second}
		sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
			w.ctx = ctx
			t, err := cfg.NewTarget(ctx, w.HTTP)
			if err != nil {
				return ctx, fmt.Errorf("%w: starting target: %v", ErrHarness, err)
			}
			w.Target = t
			w.Facts = t.Facts()
			w.Ctl = t.Control()
			if w.Ctl == nil && hasTag(s, "@simulator") {
				return ctx, godog.ErrSkip
			}
			return ctx, nil
		})
		sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
			if err != nil && !errors.Is(err, godog.ErrSkip) && !errors.Is(err, godog.ErrPending) && !strings.Contains(err.Error(), "last requests:") {
				tail := w.Trace.Tail(12)
				if len(tail) > 0 {
					return ctx, fmt.Errorf("%w\n  last requests:\n    %s", err, strings.Join(tail, "\n    "))
				}
			}
			return ctx, err
		})
		sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
			w.runCleanups()
			if cfg.OnScenarioEnd != nil {
				cfg.OnScenarioEnd(s.Name, w, err)
			}
			if w.Target != nil {
				if cerr := w.Target.Close(); cerr != nil && err == nil {
					return ctx, fmt.Errorf("%w: closing target: %v", ErrHarness, cerr)
				}
			}
			// The step's own error is already reported; returning it again
			// would make godog print it twice as a hook failure.
			return ctx, nil
		})
		registerCommon(sc, w)
		registerRingCentral(sc, w)
		registerNetSapiens(sc, w)
	}
}

func hasTag(s *godog.Scenario, tag string) bool {
	for _, t := range s.Tags {
		if t.Name == tag {
			return true
		}
	}
	return false
}
