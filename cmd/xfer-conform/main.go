// Command xfer-conform runs the warm/attended transfer conformance specs
// (features/, embedded in the binary) against a PBX: by default a pbxsim
// started in-process, a running pbxsim given by URL, or a real RingCentral
// or NetSapiens tenant (docs/targets.md).
//
//	xfer-conform                        # every feature, embedded simulator
//	xfer-conform --vendor netsapiens --format progress --out results
//	xfer-conform --target http://127.0.0.1:8080 --tags 'not @simulator'
//	xfer-conform --target ringcentral --config tenant.yaml
//	xfer-conform --list
//	xfer-conform features/ringcentral/warm-transfer.feature:17
//	xfer-conform replay rec/            # sessions recorded by pbxsim proxy --record
//
// Exit codes: 0 all passed; 1 a conformance failure; 2 usage or
// configuration error; 3 an internal or harness error (nothing failed
// conformance, but the harness could not do its part: the simulator did not
// start, the integration command could not run); 4 target unreachable or
// credentials refused; 5 no scenario selected; 130 interrupted (SIGINT or
// SIGTERM: no new scenario starts, the running ones finish; a second
// signal aborts them).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/cmd/internal/cli"
	"github.com/xfer-conform/xfer-conform/features"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/bundle"
	"github.com/xfer-conform/xfer-conform/steps/judge"
	_ "github.com/xfer-conform/xfer-conform/steps/netsapiens"  // registers the NetSapiens steps
	_ "github.com/xfer-conform/xfer-conform/steps/ringcentral" // registers the RingCentral steps
	"github.com/xfer-conform/xfer-conform/steps/target"
	"github.com/xfer-conform/xfer-conform/steps/target/embedded"
)

// Exit codes (documented in docs/ci.md).
const (
	ExitPass        = 0
	ExitFailed      = 1
	ExitUsage       = 2
	ExitInternal    = 3
	ExitUnreachable = 4
	ExitNoScenario  = 5
)

func main() {
	sigs := make(chan os.Signal, 3)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	m := &Main{Stdout: os.Stdout, Stderr: os.Stderr, Signals: sigs, hardExit: func() { os.Exit(ExitInterrupted) }}
	os.Exit(m.Run(context.Background(), os.Args[1:]))
}

// Main is the xfer-conform program; tests run it in-process.
type Main struct {
	Stdout, Stderr io.Writer
	// Phones does what only a person at a phone can on a tenant target;
	// nil prompts on Stderr. Getenv reads XFER_* variables and NO_COLOR;
	// nil: os.Getenv.
	Phones steps.Phones
	Getenv func(string) string
	// Signals delivers SIGINT and SIGTERM: the first stops the run, the
	// second aborts it. Tests send on it.
	Signals <-chan os.Signal
	// Vendors are the run's vendors (steps.Config.Vendors); nil: every
	// registered one. Dialects are the dialects an embedded pbxsim serves
	// (embedded.Options.Dialects); nil: pbxsim's defaults. A test runs a
	// vendor of its own end to end with both and --features-only DIR.
	// (--vendor and --target NAME know the registered vendors only.)
	Vendors  []steps.Vendor
	Dialects []pbxsim.DialectFactory

	hardExit func() // a third signal
	// onScenarioStart, when set, sees each scenario once its target is up
	// and the run's interrupt state (tests send signals from here).
	onScenarioStart func(name string, in *interrupt)
}

func (m *Main) getenv(k string) string {
	if m.Getenv != nil {
		return m.Getenv(k)
	}
	return os.Getenv(k)
}

// Run parses args, runs the selected scenarios and returns the exit code.
func (m *Main) Run(ctx context.Context, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(m.Stderr, "xfer-conform: internal error: %v\n", r)
			code = ExitInternal
		}
	}()
	if len(args) > 0 && args[0] == "replay" {
		return m.runReplay(ctx, args[1:])
	}
	o, code, done := m.parse(args)
	if done {
		return code
	}
	// Scenarios run concurrently and each may write a notice (a skip, a
	// fault seed): one writer at a time.
	if _, ok := m.Stderr.(*lockedWriter); !ok && m.Stderr != nil {
		m.Stderr = &lockedWriter{w: m.Stderr}
	}
	base := fs.FS(features.FS)
	if o.featuresDir != "" {
		if err := dirExists(o.featuresDir); err != nil {
			fmt.Fprintf(m.Stderr, "xfer-conform: --features: %v\n", err)
			return ExitUsage
		}
		base = overlayFS{top: os.DirFS(o.featuresDir), base: features.FS}
		if o.featuresOnly {
			base = os.DirFS(o.featuresDir)
		}
	}
	sel, code := m.selection(base, o)
	if code != ExitPass {
		return code
	}
	if o.list {
		for _, s := range sel.list {
			fmt.Fprintf(m.Stdout, "%s:%d\t%s\t%s\n", s.File, s.Line, s.Name, strings.Join(s.Tags, " "))
		}
		fmt.Fprintf(m.Stdout, "%d scenarios\n", len(sel.list))
		if len(sel.list) == 0 {
			return ExitNoScenario
		}
		return ExitPass
	}
	if len(sel.list) == 0 {
		return ExitNoScenario
	}
	newTarget, tenant, code := m.selectTarget(ctx, o)
	if code != ExitPass {
		return code
	}
	if o.target == "embedded" && o.embedded == "shared" {
		var stop func() error
		newTarget, stop = embedded.SharedWith(embedded.Options{Dialects: m.Dialects})
		defer func() { _ = stop() }()
	}
	in, runCtx, stopWatching := watch(ctx, m.Signals, m.Stderr, m.hardExit)
	defer stopWatching()
	reports := newRunFormats(featurePath(o.featuresDir, o.featuresOnly), in.isAborted)
	format, err := reports.godogFormat(o.format, o.out)
	if err != nil {
		fmt.Fprintf(m.Stderr, "xfer-conform: %v\n", err)
		return ExitUsage
	}
	if o.out != "" {
		if err := prepareOut(o.out, o.overwrite); err != nil {
			fmt.Fprintf(m.Stderr, "xfer-conform: %v\n", err)
			return ExitUsage
		}
	}
	cfg := steps.Config{NewTarget: newTarget, Vendors: m.Vendors, StepTimeout: o.timeout, Integration: o.integrationUnderTest(), IntegrationTimeout: o.integrationTimeout, AllowFindings: append(o.allowFindings, configAllowList(o)...)}
	cfg = m.withPeople(cfg, tenant)
	cfg.Admit = func(*godog.Scenario) error { return in.admit() }
	cfg.Aborted = in.isAborted
	cfg.OnSkip = reports.skipped
	if m.onScenarioStart != nil {
		cfg.OnScenarioStart = func(s *godog.Scenario, _ *steps.World) { m.onScenarioStart(s.Name, in) }
	}
	var results *bundle.Bundle
	if o.out != "" {
		results = bundle.New(o.out)
		onStart := cfg.OnScenarioStart
		cfg.OnScenarioStart = func(s *godog.Scenario, w *steps.World) {
			results.Start(s, w)
			if onStart != nil {
				onStart(s, w)
			}
		}
		cfg.OnScenarioEnd = results.End
		defer func() {
			if err := results.Close(); err != nil {
				fmt.Fprintf(m.Stderr, "xfer-conform: writing the results bundle: %v\n", err)
			}
		}()
	}
	// Tell harness errors (the target would not start, the integration
	// command could not run) from conformance failures: a run whose only
	// failures are harness errors exits 3, not 1.
	var tallyMu sync.Mutex
	harnessErrs, conformanceErrs := 0, 0
	onEnd := cfg.OnScenarioEnd
	cfg.OnScenarioEnd = func(name string, w *steps.World, err error) {
		if err != nil && !errors.Is(err, godog.ErrSkip) && !errors.Is(err, steps.ErrInterrupted) {
			tallyMu.Lock()
			if errors.Is(err, target.ErrHarness) {
				harnessErrs++
			} else {
				conformanceErrs++
			}
			tallyMu.Unlock()
		}
		if onEnd != nil {
			onEnd(name, w, err)
		}
	}
	noColor := o.noColor || !cli.Colour(m.Stdout, m.getenv)
	concurrency := o.concurrencyFor(isTenant(o.target))
	if isTenant(o.target) && o.concurrency > 1 {
		fmt.Fprintf(m.Stderr, "xfer-conform: target %s is one real tenant: its scenarios run one at a time (--concurrency %d ignored)\n", o.target, o.concurrency)
	}
	worst := ExitPass
	for i := 0; i < o.repeat && !in.isStopped(); i++ {
		seed := o.seed
		if o.repeat > 1 && seed != 0 {
			seed += int64(i)
		}
		suite := godog.TestSuite{
			Name:                "xfer-conform",
			ScenarioInitializer: steps.Initializer(cfg),
			Options: &godog.Options{
				Format: format, FS: sel.FS(base), Paths: []string{"."}, Strict: true,
				Concurrency: concurrency, Randomize: seed, NoColors: noColor,
				Output: m.Stdout, DefaultContext: runCtx,
			},
		}
		switch suite.Run() {
		case 0:
		case 1:
			tallyMu.Lock()
			if harnessErrs > 0 && conformanceErrs == 0 {
				if worst == ExitPass {
					worst = ExitInternal
				}
			} else if conformanceErrs > 0 || !in.isStopped() {
				worst = ExitFailed
			}
			tallyMu.Unlock()
		default:
			fmt.Fprintln(m.Stderr, "xfer-conform: godog refused the options")
			return ExitUsage
		}
	}
	if in.isStopped() {
		total, per := reports.tally.counts()
		fmt.Fprintf(m.Stderr, "xfer-conform: interrupted: %d of %d scenarios finished, %d cut short, the rest not started; reports mark them\n",
			per[outcomePassed]+per[outcomeFailed]+per[outcomeUndefined]+per[outcomePending], total, per[outcomeInterrupted])
		return ExitInterrupted
	}
	return worst
}

// selection parses --tags and the FILE[:LINE] arguments and picks the
// scenarios to run; a code other than ExitPass ends the run.
func (m *Main) selection(base fs.FS, o options) (*selection, int) {
	tags, err := parseTags(o.tags)
	if err != nil {
		fmt.Fprintf(m.Stderr, "xfer-conform: %v\n", err)
		return nil, ExitUsage
	}
	if o.integration != "" || o.integrationURL != "" {
		tags = tags.and("@integration")
	}
	if o.vendor != "" {
		tags = tags.and("@" + o.vendor)
	}
	if isTenant(o.target) {
		tags = tags.and("@" + o.target)
	}
	var locs []location
	for _, a := range o.locations {
		l, err := parseLocation(base, a, o.featuresDir)
		if err != nil {
			fmt.Fprintf(m.Stderr, "xfer-conform: %v\n", err)
			return nil, ExitUsage
		}
		locs = append(locs, l)
	}
	files, err := readFeatures(base)
	if err != nil {
		fmt.Fprintf(m.Stderr, "xfer-conform: reading features: %v\n", err)
		return nil, ExitUsage
	}
	sel := selectScenarios(files, tags, locs)
	if len(sel.list) == 0 && !o.list {
		why := "no scenario matches"
		if tags.String() != "" {
			why += fmt.Sprintf(" tags %q", tags.String())
		}
		if len(o.locations) > 0 {
			why += " at " + strings.Join(o.locations, ", ")
		}
		fmt.Fprintf(m.Stderr, "xfer-conform: %s (--list shows what is there)\n", why)
	}
	return sel, ExitPass
}

// integrationUnderTest is the user's integration, or nil for the
// reference clients.
func (o options) integrationUnderTest() judge.Integration {
	switch {
	case o.integration != "":
		return judge.CommandIntegration{Command: o.integration}
	case o.integrationURL != "":
		return judge.HTTPIntegration{URL: o.integrationURL}
	}
	return nil
}

// lockedWriter serialises writes to one writer (stderr) shared by
// concurrent scenarios.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
