package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/steps/judge"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// Config configures the step definitions.
type Config struct {
	// NewTarget makes the target for each scenario.
	NewTarget target.New
	// StepTimeout bounds each await inside a step; default 10s.
	StepTimeout time.Duration
	// OnScenarioEnd, when set, receives each finished scenario's world and
	// error (for results bundles).
	OnScenarioEnd func(name string, w *World, err error)
	// OnScenarioStart, when set, sees each scenario's world once its target
	// is up (a results bundle marks where the journal stands).
	OnScenarioStart func(s *godog.Scenario, w *World)
	// Integration is the user's code under test in @integration scenarios;
	// nil means the reference clients (ReferenceIntegration).
	Integration judge.Integration
	// IntegrationTimeout is the integration's deadline; default 1m.
	IntegrationTimeout time.Duration
	// AllowFindings lists the contract findings an integration may cause
	// ("RULE" or "RULE@OPERATION"; docs/contracts.md).
	AllowFindings []string
	// Phones does what only a person at a phone can, on a target without
	// a control API; default PromptPhones on Notices.
	Phones Phones
	// PersonTimeout bounds the wait for a person's phone task; default 60s.
	PersonTimeout time.Duration
	// Notices, when set, receives one line per skipped scenario with the
	// reason (godog's formatters show a skip without one).
	Notices io.Writer
	// Admit, when set, is asked before each scenario starts; an error
	// skips the scenario without starting its target, and OnScenarioEnd
	// does not see it (a run that is stopping starts no new scenario).
	Admit func(*godog.Scenario) error
	// OnSkip, when set, hears why a scenario (by its pickle ID) was
	// skipped: godog's formatters see a skip without its reason.
	OnSkip func(scenarioID, reason string)
	// Vendors are the run's vendors; nil means every registered one
	// (Register).
	Vendors []Vendor
	// Aborted, when set, says the run was aborted: a scenario that fails
	// from then on was cut short, and OnScenarioEnd sees its error marked
	// ErrInterrupted rather than as a conformance failure.
	Aborted func() bool
}

// ErrInterrupted marks a step cut short because the run was aborted (a
// second SIGINT): the scenario reached no verdict.
var ErrInterrupted = errors.New("interrupted")

// TranscriptAttachment is the file name of the scenario transcript
// attached to its last step (cucumber JSON embeds it; JUnit writes it to
// system-out).
const TranscriptAttachment = "transcript.txt"

// Initializer returns the godog scenario initializer: a fresh World and
// target per scenario, and every step definition registered.
func Initializer(cfg Config) func(*godog.ScenarioContext) {
	if cfg.StepTimeout <= 0 {
		cfg.StepTimeout = 10 * time.Second
	}
	if cfg.PersonTimeout <= 0 {
		cfg.PersonTimeout = time.Minute
	}
	if cfg.Phones == nil && cfg.Notices != nil {
		cfg.Phones = PromptPhones{Out: cfg.Notices}
	}
	vendors := cfg.Vendors
	if vendors == nil {
		vendors = Vendors()
	}
	return func(sc *godog.ScenarioContext) {
		w := &World{vendors: vendors, Timeout: cfg.StepTimeout, Trace: NewTrace(400), Vars: map[string]string{}, phones: cfg.Phones, personTimeout: cfg.PersonTimeout, notices: cfg.Notices}
		// A transport of the World's own: no connection outlives the
		// scenario or is shared with another one.
		transport := http.DefaultTransport.(*http.Transport).Clone()
		w.HTTP = &http.Client{Transport: &tracingTransport{next: transport, trace: w.Trace}, Timeout: 30 * time.Second}
		notStarted := false
		sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
			w.ctx = ctx
			w.scenario, w.scenarioID, w.onSkip = s.Name, s.Id, cfg.OnSkip
			if cfg.Admit != nil {
				if err := cfg.Admit(s); err != nil {
					notStarted = true
					w.SkipReason = "not started: " + err.Error()
					if cfg.OnSkip != nil {
						cfg.OnSkip(s.Id, w.SkipReason)
					}
					return ctx, fmt.Errorf("%w: %s", godog.ErrSkip, w.SkipReason)
				}
			}
			tags := make([]string, 0, len(s.Tags))
			for _, tg := range s.Tags {
				tags = append(tags, tg.Name)
			}
			w.tags = tags
			t, err := cfg.NewTarget(target.WithScenarioTags(ctx, tags), w.HTTP)
			if err != nil {
				return ctx, fmt.Errorf("%w: starting target: %v", target.ErrHarness, err)
			}
			w.UseTarget(t)
			if w.Ctl == nil {
				if hasTag(s, "@simulator") {
					return w.skipped(ctx, s.Name, Skipf("tagged @simulator: it needs what only pbxsim's control API can do, and target %s has none", t.Name()))
				}
			}
			if cfg.OnScenarioStart != nil {
				cfg.OnScenarioStart(s, w)
			}
			return ctx, nil
		})
		// No step starts once the run was aborted: the scenario is cut
		// short there, whether or not its running step noticed the
		// cancelled context (a fast step may finish before it does).
		sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
			if cfg.Aborted != nil && cfg.Aborted() {
				return ctx, fmt.Errorf("%w: the run was aborted before this step", ErrInterrupted)
			}
			return ctx, nil
		})
		sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
			w.noteStep(st, status, err)
			if err != nil && errors.Is(err, godog.ErrSkip) && w.SkipReason == "" {
				return w.skipped(ctx, st.Text, err)
			}
			if err != nil && !errors.Is(err, godog.ErrSkip) && !errors.Is(err, godog.ErrPending) && !strings.Contains(err.Error(), "last requests:") {
				tail := w.Trace.Tail(12)
				if len(tail) > 0 {
					return ctx, fmt.Errorf("%w\n  last requests:\n    %s", err, strings.Join(tail, "\n    "))
				}
			}
			return ctx, err
		})
		sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
			if notStarted {
				return ctx, nil
			}
			if err != nil && cfg.Aborted != nil && cfg.Aborted() && !errors.Is(err, godog.ErrSkip) {
				err = fmt.Errorf("%w: the run was aborted while this scenario ran: %v", ErrInterrupted, err)
			}
			w.runCleanups()
			if lines := w.Trace.Lines(); len(lines) > 0 {
				ctx = godog.Attach(ctx, godog.Attachment{FileName: TranscriptAttachment, MediaType: "text/plain", Body: []byte(target.Redact(strings.Join(lines, "\n") + "\n"))})
			}
			if cfg.OnScenarioEnd != nil {
				cfg.OnScenarioEnd(s.Name, w, err)
			}
			// The World's connections end with it, after its target.
			defer transport.CloseIdleConnections()
			if w.Target != nil {
				if cerr := w.Target.Close(); cerr != nil && err == nil {
					return ctx, fmt.Errorf("%w: closing target: %v", target.ErrHarness, cerr)
				}
			}
			// The step's own error is already reported; returning it again
			// would make godog print it twice as a hook failure.
			return ctx, nil
		})
		registerCommon(sc, w)
		registerWorld(sc, w)
		registerIntegration(sc, w, cfg)
		registerFaults(sc, w)
		for _, v := range w.vendors {
			v.Steps(sc, w)
		}
	}
}

// skipped keeps the reason of a skip: in the World (for results
// bundles), the transcript, Notices, and as an attachment of the step (it
// shows in cucumber JSON).
func (w *World) skipped(ctx context.Context, what string, err error) (context.Context, error) {
	reason := skipReason(err)
	w.SkipReason = reason
	if w.onSkip != nil {
		w.onSkip(w.scenarioID, target.Redact(reason))
	}
	w.Trace.Addf("skipped: %s", reason)
	if w.notices != nil {
		fmt.Fprintf(w.notices, "skipped: %s: %s\n", what, target.Redact(reason))
	}
	ctx = godog.Attach(ctx, godog.Attachment{FileName: "skip-reason.txt", MediaType: "text/plain", Body: []byte(target.Redact(reason))})
	return ctx, err
}

func hasTag(s *godog.Scenario, tag string) bool {
	for _, t := range s.Tags {
		if t.Name == tag {
			return true
		}
	}
	return false
}
