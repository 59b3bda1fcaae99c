package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/cmd/internal/cli"
	"github.com/xfer-conform/xfer-conform/steps"
)

type options struct {
	target       string
	config       string
	controlToken string
	featuresDir  string
	featuresOnly bool
	tags         string
	vendor       string
	list         bool
	format       string
	out          string
	overwrite    bool
	concurrency  int
	embedded     string // per-scenario or shared (target.go)
	timeout      time.Duration
	seed         int64
	repeat       int
	noColor      bool
	locations    []string

	integration        string
	integrationURL     string
	integrationTimeout time.Duration
	allowFindings      []string
}

const usageText = `usage: xfer-conform [flags] [FILE[:LINE]...]

Runs the transfer conformance specs against a PBX: by default every
embedded feature against a pbxsim started in-process. FILE[:LINE] runs
the features under FILE (a path as --list prints it), or the one
scenario or example row at LINE. "xfer-conform replay DIR" replays
sessions recorded by "pbxsim proxy --record" (xfer-conform replay --help).

Exit codes: 0 passed, 1 conformance failure, 2 usage error, 3 internal or
harness error, 4 target unreachable or credentials refused, 5 no scenario
selected, 130 interrupted (SIGINT or SIGTERM).`

func (m *Main) parse(args []string) (options, int, bool) {
	var o options
	fs := cli.NewFlags("xfer-conform", usageText)
	fs.StringVar(&o.target, "target", envOr("XFER_TARGET", "embedded"), `"embedded" (a pbxsim in-process), the URL of a running pbxsim, or a real tenant: `+vendorList(true)+` (env XFER_TARGET; docs/targets.md)`)
	fs.StringVar(&o.config, "config", os.Getenv("XFER_CONFIG"), "YAML file describing the real tenant of --target ringcentral/netsapiens; XFER_* variables override it (env XFER_CONFIG; sample: docs/tenant.sample.yaml)")
	fs.StringVar(&o.controlToken, "control-token", os.Getenv("PBXSIM_CONTROL_TOKEN"), "bearer token of the pbxsim control API (env PBXSIM_CONTROL_TOKEN)")
	fs.StringVar(&o.featuresDir, "features", "", "a directory of .feature files added to the embedded ones (a file at the same path replaces the embedded one)")
	fs.BoolVar(&o.featuresOnly, "features-only", false, "with --features: run only that directory's features, none of the embedded ones")
	fs.StringVarP(&o.tags, "tags", "t", "", `Cucumber tag expression, e.g. "@ringcentral and not @simulator" (the older "@ringcentral && ~@simulator" form still works)`)
	fs.StringVar(&o.vendor, "vendor", "", "run only this vendor's features: "+vendorList(false))
	fs.BoolVarP(&o.list, "list", "l", false, "list the scenarios the run would run, with their FILE:LINE and tags, and exit")
	fs.StringVarP(&o.format, "format", "f", "", `comma-separated formats, each optionally ":FILE": pretty, progress, junit, cucumber (default pretty)`)
	fs.StringVarP(&o.out, "out", "o", "", "write DIR/junit.xml, DIR/cucumber.json and the results bundle DIR/scenarios/ (whatever --format prints); an earlier run's results there are replaced")
	fs.BoolVar(&o.overwrite, "overwrite", false, "let --out replace results in a directory that no xfer-conform run marked as its own")
	fs.IntVarP(&o.concurrency, "concurrency", "c", 0, fmt.Sprintf("scenarios run at once; 0 picks %d (16 per CPU, at least 16, at most 256) on a pbxsim, each scenario in its own tenant set, and 1 on a real tenant", defaultConcurrency()))
	fs.StringVar(&o.embedded, "embedded", "per-scenario", `with --target embedded: "per-scenario" starts a pbxsim for each scenario, "shared" one for the run with a tenant set per scenario (docs/performance.md compares them)`)
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "deadline of each wait inside a step")
	fs.Int64Var(&o.seed, "seed", 0, "run scenarios in a random order from this seed (0: file order)")
	fs.IntVar(&o.repeat, "repeat", 1, "run the selection this many times (flake hunting; with --seed, seed+i each time)")
	fs.BoolVar(&o.noColor, "no-color", false, "plain output (also: NO_COLOR set, or output not a terminal)")
	fs.BoolVar(&o.noColor, "no-colors", false, "")
	_ = fs.MarkHidden("no-colors")
	fs.StringVar(&o.integration, "integration", "", `run the @integration features against your integration: a command run by sh -c with the PBX URL, credentials and facts in its environment (docs/integrations.md)`)
	fs.StringVar(&o.integrationURL, "integration-url", "", "like --integration, but POST the hand-over as JSON to this URL of your integration")
	fs.DurationVar(&o.integrationTimeout, "integration-timeout", time.Minute, "deadline of the integration in each scenario")
	fs.StringSliceVar(&o.allowFindings, "allow-finding", splitList(os.Getenv("XFER_ALLOW_FINDINGS")), `accept a contract finding of the integration: RULE or RULE@OPERATION, repeatable or comma-separated (env XFER_ALLOW_FINDINGS; docs/contracts.md)`)
	if code, done := fs.Parse(args, m.Stdout, m.Stderr); done {
		return o, code, true
	}
	o.locations = fs.Args()
	if err := o.check(); err != nil {
		fmt.Fprintf(m.Stderr, "xfer-conform: %v\n", err)
		return o, ExitUsage, true
	}
	return o, ExitPass, false
}

func (o options) check() error {
	if o.vendor != "" && !slices.Contains(steps.VendorNames(), o.vendor) {
		return fmt.Errorf("--vendor must be %s, not %q", vendorList(false), o.vendor)
	}
	if o.embedded != "per-scenario" && o.embedded != "shared" {
		return fmt.Errorf("--embedded must be per-scenario or shared, not %q", o.embedded)
	}
	if o.featuresOnly && o.featuresDir == "" {
		return fmt.Errorf("--features-only needs --features DIR")
	}
	if o.integration != "" && o.integrationURL != "" {
		return fmt.Errorf("give --integration or --integration-url, not both")
	}
	if u := o.integrationURL; u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return fmt.Errorf("--integration-url must be an http:// or https:// URL, not %q", u)
	}
	if o.integrationTimeout <= 0 {
		return fmt.Errorf("--integration-timeout must be positive")
	}
	if o.concurrency < 0 || o.repeat < 1 || o.timeout <= 0 {
		return fmt.Errorf("--concurrency must not be negative, --repeat at least 1 and --timeout positive")
	}
	return nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// defaultConcurrency is how many scenarios run at once on a pbxsim when
// --concurrency is not given: the scenarios wait on the network and on
// timers far more than they compute (issue 12: 52 s of wall time for
// 2.5 s of CPU), so many per CPU. On 2 CPUs, 8 at once took the built-in
// suite 2.1x its longest scenario, 32 took 1.1x (docs/performance.md).
func defaultConcurrency() int { return min(256, max(16, 16*runtime.NumCPU())) }

// concurrencyFor is the run's concurrency on a target: a real tenant has
// one set of phones, so its scenarios run one at a time whatever was
// asked.
func (o options) concurrencyFor(realTenant bool) int {
	switch {
	case realTenant:
		return 1
	case o.concurrency == 0:
		return defaultConcurrency()
	}
	return o.concurrency
}

// vendorList names the registered vendors for flag help and messages:
// "netsapiens or ringcentral", quoted when asked.
func vendorList(quoted bool) string {
	names := steps.VendorNames()
	if quoted {
		for i, n := range names {
			names[i] = strconv.Quote(n)
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
