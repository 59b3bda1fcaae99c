// Command xfer-conform runs the warm/attended transfer conformance specs
// (features/, embedded in the binary) against a PBX: by default a pbxsim
// started in-process, a running pbxsim given by URL, or a real RingCentral
// or NetSapiens tenant (docs/targets.md).
//
//	xfer-conform                        # every feature, embedded simulator
//	xfer-conform --vendor netsapiens --format pretty,junit:out/junit.xml
//	xfer-conform --target http://127.0.0.1:8080 --tags '~@simulator'
//	xfer-conform --target ringcentral --config tenant.yaml
//	xfer-conform --list
//
// Exit codes: 0 all passed; 1 a conformance failure; 2 usage or
// configuration error; 3 an internal or harness error (nothing failed
// conformance, but the harness could not do its part: the simulator did not
// start, the integration command could not run); 4 target unreachable or
// credentials refused; 5 no scenario selected.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/features"
	"github.com/xfer-conform/xfer-conform/steps"
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit((&Main{Stdout: os.Stdout, Stderr: os.Stderr}).Run(ctx, os.Args[1:]))
}

// Main is the xfer-conform program; tests run it in-process.
type Main struct {
	Stdout, Stderr io.Writer
	// Phones does what only a person at a phone can on a tenant target;
	// nil prompts on Stderr. Getenv reads XFER_* variables; nil: os.Getenv.
	Phones steps.Phones
	Getenv func(string) string
}

type options struct {
	target       string
	config       string
	controlToken string
	featuresDir  string
	tags         string
	vendor       string
	list         bool
	format       string
	out          string
	concurrency  int
	timeout      time.Duration
	seed         int64
	repeat       int
	noColors     bool

	integration        string
	integrationURL     string
	integrationTimeout time.Duration
}

// Run parses args, runs the selected scenarios and returns the exit code.
func (m *Main) Run(ctx context.Context, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(m.Stderr, "xfer-conform: internal error: %v\n", r)
			code = ExitInternal
		}
	}()
	o, err := m.parse(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitPass
		}
		fmt.Fprintf(m.Stderr, "xfer-conform: %v\n", err)
		return ExitUsage
	}
	fsys := fs.FS(features.FS)
	if o.featuresDir != "" {
		if err := dirExists(o.featuresDir); err != nil {
			fmt.Fprintf(m.Stderr, "xfer-conform: --features: %v\n", err)
			return ExitUsage
		}
		fsys = overlayFS{top: os.DirFS(o.featuresDir), base: features.FS}
	}
	filter := o.tags
	if o.integration != "" || o.integrationURL != "" {
		filter = joinFilter(filter, "@integration")
	}
	if o.vendor != "" {
		filter = joinFilter(filter, "@"+o.vendor)
	}
	if isTenant(o.target) {
		filter = joinFilter(filter, "@"+o.target)
	}
	selected, err := collectScenarios(fsys, filter)
	if err != nil {
		fmt.Fprintf(m.Stderr, "xfer-conform: reading features: %v\n", err)
		return ExitUsage
	}
	if o.list {
		for _, s := range selected {
			fmt.Fprintf(m.Stdout, "%s:%d\t%s\t%s\n", s.File, s.Line, s.Name, strings.Join(s.Tags, " "))
		}
		fmt.Fprintf(m.Stdout, "%d scenarios\n", len(selected))
		if len(selected) == 0 {
			return ExitNoScenario
		}
		return ExitPass
	}
	if len(selected) == 0 {
		fmt.Fprintf(m.Stderr, "xfer-conform: no scenario matches tags %q\n", filter)
		return ExitNoScenario
	}
	newTarget, tenant, code := m.selectTarget(ctx, o)
	if code != ExitPass {
		return code
	}
	format, err := resolveFormats(o.format, o.out)
	if err != nil {
		fmt.Fprintf(m.Stderr, "xfer-conform: %v\n", err)
		return ExitUsage
	}
	cfg := steps.Config{NewTarget: newTarget, StepTimeout: o.timeout, Integration: o.integrationUnderTest(), IntegrationTimeout: o.integrationTimeout}
	cfg = m.withPeople(cfg, tenant)
	var bundle *steps.Bundle
	if o.out != "" {
		bundle = steps.NewBundle(o.out)
		cfg.OnScenarioStart, cfg.OnScenarioEnd = bundle.Start, bundle.End
		defer func() {
			if err := bundle.Close(); err != nil {
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
		if err != nil && !errors.Is(err, godog.ErrSkip) {
			tallyMu.Lock()
			if errors.Is(err, steps.ErrHarness) {
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
	worst := ExitPass
	for i := 0; i < o.repeat; i++ {
		seed := o.seed
		if o.repeat > 1 && seed != 0 {
			seed += int64(i)
		}
		suite := godog.TestSuite{
			Name:                "xfer-conform",
			ScenarioInitializer: steps.Initializer(cfg),
			Options: &godog.Options{
				Format: format, FS: fsys, Paths: []string{"."}, Tags: filter, Strict: true,
				Concurrency: o.concurrency, Randomize: seed, NoColors: o.noColors,
				Output: m.Stdout, DefaultContext: ctx,
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
			} else {
				worst = ExitFailed
			}
			tallyMu.Unlock()
		default:
			fmt.Fprintln(m.Stderr, "xfer-conform: godog refused the options")
			return ExitUsage
		}
	}
	return worst
}

func (m *Main) parse(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("xfer-conform", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.StringVar(&o.target, "target", envOr("XFER_TARGET", "embedded"), `"embedded" (a pbxsim in-process), the URL of a running pbxsim, or a real tenant: "ringcentral" or "netsapiens" (env XFER_TARGET; docs/targets.md)`)
	fs.StringVar(&o.config, "config", os.Getenv("XFER_CONFIG"), "YAML file describing the real tenant of --target ringcentral/netsapiens; XFER_* variables override it (env XFER_CONFIG)")
	fs.StringVar(&o.controlToken, "control-token", os.Getenv("PBXSIM_CONTROL_TOKEN"), "bearer token of the pbxsim control API (env PBXSIM_CONTROL_TOKEN)")
	fs.StringVar(&o.featuresDir, "features", "", "a directory of .feature files that adds to or replaces the embedded ones")
	fs.StringVar(&o.tags, "tags", "", `godog tag filter, e.g. "@ringcentral && ~@simulator"`)
	fs.StringVar(&o.vendor, "vendor", "", "run only this vendor's features: ringcentral or netsapiens")
	fs.BoolVar(&o.list, "list", false, "list the selected scenarios with their tags and exit")
	fs.StringVar(&o.format, "format", "", `comma-separated formats, each optionally ":FILE": pretty, progress, junit, cucumber (default pretty; with --out also junit and cucumber files)`)
	fs.StringVar(&o.out, "out", "", "write reports into this directory")
	fs.IntVar(&o.concurrency, "concurrency", 1, "scenarios run at once")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "deadline of each wait inside a step")
	fs.Int64Var(&o.seed, "seed", 0, "run scenarios in a random order from this seed (0: file order)")
	fs.IntVar(&o.repeat, "repeat", 1, "run the selection this many times (flake hunting; with --seed, seed+i each time)")
	fs.BoolVar(&o.noColors, "no-colors", false, "plain output")
	fs.StringVar(&o.integration, "integration", "", `run the @integration features against your integration: a command run by sh -c with the PBX URL, credentials and facts in its environment (docs/integrations.md)`)
	fs.StringVar(&o.integrationURL, "integration-url", "", "like --integration, but POST the hand-over as JSON to this URL of your integration")
	fs.DurationVar(&o.integrationTimeout, "integration-timeout", time.Minute, "deadline of the integration in each scenario")
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "usage: xfer-conform [flags]\n\nRuns the transfer conformance specs against a PBX.\n\nExit codes: 0 passed, 1 conformance failure, 2 usage error, 3 internal error,\n4 target unreachable or credentials refused, 5 no scenario selected.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch o.vendor {
	case "", "ringcentral", "netsapiens":
	default:
		return o, fmt.Errorf("--vendor must be ringcentral or netsapiens, not %q", o.vendor)
	}
	if o.integration != "" && o.integrationURL != "" {
		return o, fmt.Errorf("give --integration or --integration-url, not both")
	}
	if u := o.integrationURL; u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return o, fmt.Errorf("--integration-url must be an http:// or https:// URL, not %q", u)
	}
	if o.integrationTimeout <= 0 {
		return o, fmt.Errorf("--integration-timeout must be positive")
	}
	if o.concurrency < 1 || o.repeat < 1 || o.timeout <= 0 {
		return o, fmt.Errorf("--concurrency and --repeat must be at least 1 and --timeout positive")
	}
	return o, nil
}

// integrationUnderTest is the user's integration, or nil for the
// reference clients.
func (o options) integrationUnderTest() steps.Integration {
	switch {
	case o.integration != "":
		return steps.CommandIntegration{Command: o.integration}
	case o.integrationURL != "":
		return steps.HTTPIntegration{URL: o.integrationURL}
	}
	return nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func joinFilter(a, b string) string {
	if a == "" {
		return b
	}
	return a + " && " + b
}

// resolveFormats turns --format and --out into godog's format string.
func resolveFormats(format, out string) (string, error) {
	known := map[string]string{"pretty": "", "progress": "", "junit": "junit.xml", "cucumber": "cucumber.json"}
	if format == "" {
		format = "pretty"
		if out != "" {
			format = "pretty,junit,cucumber"
		}
	}
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return "", fmt.Errorf("--out: %v", err)
		}
	}
	var parts []string
	toStdout := 0
	for _, f := range strings.Split(format, ",") {
		name, file, hasFile := strings.Cut(strings.TrimSpace(f), ":")
		def, ok := known[name]
		if !ok {
			return "", fmt.Errorf("unknown format %q (want pretty, progress, junit or cucumber)", name)
		}
		if !hasFile && out != "" && def != "" {
			file, hasFile = filepath.Join(out, def), true
		}
		if hasFile {
			if dir := filepath.Dir(file); dir != "." {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return "", err
				}
			}
			if name == "junit" {
				name = junitFormat
			}
			parts = append(parts, name+":"+file)
			continue
		}
		toStdout++
		if name == "junit" {
			name = junitFormat
		}
		parts = append(parts, name)
	}
	if toStdout > 1 {
		return "", fmt.Errorf("only one format may write to the terminal; give the others a file, e.g. junit:report.xml")
	}
	return strings.Join(parts, ","), nil
}
