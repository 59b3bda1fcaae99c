// Command pbxsim runs the PBX simulator: RingCentral and NetSapiens vendor
// APIs plus the control API under /sim/v1, loaded from a scenario file.
//
//	pbxsim --addr 127.0.0.1:8080 --scenario my-world.yaml
//	pbxsim proxy --upstream https://platform.ringcentral.com --record rec/
//
// It prints "listening on http://HOST:PORT" once ready and shuts down
// gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/xfer-conform/xfer-conform/cmd/internal/cli"
	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/control"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdout: os.Stdout, Stderr: os.Stderr}
	os.Exit(m.Run(ctx, os.Args[1:]))
}

// Main is the pbxsim program; tests run it in-process on port 0.
type Main struct {
	Stdout, Stderr io.Writer
	// Ready, when set, receives the server once it listens.
	Ready func(*pbxsim.Server)
	// ProxyReady, when set, receives the URL of "pbxsim proxy" once it listens.
	ProxyReady func(url string)
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// Run parses args, starts the server and blocks until ctx is cancelled.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) > 0 && args[0] == "proxy" {
		return m.runProxy(ctx, args[1:])
	}
	fs := cli.NewFlags("pbxsim", "usage: pbxsim [flags]\n       pbxsim proxy --upstream URL [flags]   (see pbxsim proxy --help)\n\nA stateful fake PBX speaking RingCentral and NetSapiens, plus the control API under /sim/v1.")
	addr := fs.StringP("addr", "a", "127.0.0.1:8080", "listen address; port 0 picks a free port. Loopback unless you mean otherwise")
	scenarioPath := fs.StringP("scenario", "s", "", "scenario YAML file (default: the built-in scenario, see --print-scenario)")
	clock := fs.String("clock", "", `"real" or "manual" (overrides the scenario)`)
	token := fs.String("control-token", os.Getenv("PBXSIM_CONTROL_TOKEN"), "require this bearer token on the control API (env PBXSIM_CONTROL_TOKEN)")
	noControl := fs.Bool("no-control", false, "switch the control API off, so pbxsim looks like a real tenant")
	printScenario := fs.Bool("print-scenario", false, "print the built-in scenario YAML and exit")
	grace := fs.Duration("shutdown-grace", 10*time.Second, "how long requests in flight may take to finish on shutdown")
	allowOpen := fs.Bool("allow-open-control", false, "allow a non-loopback --addr with the control API on and no --control-token (anyone who reaches it can read every credential)")
	var webhookHosts hostList
	fs.Var(&webhookHosts, "webhook-host", "a host webhook deliveries may go to besides loopback (repeatable, or comma-separated; \"*\" for any); adds to the scenario's webhookHosts")
	var journalBytes, journalField byteSize = simulator.DefaultJournalBytes, simulator.DefaultJournalFieldBytes
	fs.Var(&journalBytes, "journal-bytes", "bound on the request journal's memory (e.g. 64MiB); the oldest entries go first")
	journalEntries := fs.Int("journal-entries", simulator.DefaultJournalEntries, "cap on the request journal's entries")
	fs.Var(&journalField, "journal-field-bytes", "bound on each long journal field (path, query, body, response, note); longer ones are cut with a marker")
	var eventLogBytes byteSize = simulator.DefaultEventLogBytes
	fs.Var(&eventLogBytes, "event-log-bytes", "bound on the core event log's estimated memory (e.g. 64MiB); the oldest events go first")
	maxConns := fs.Int("max-conns", 0, fmt.Sprintf("cap on open connections, WebSockets included; more clients wait (default %d, or 3/4 of the file limit if lower)", pbxsim.DefaultMaxConns))
	headerTimeout := fs.Duration("header-timeout", pbxsim.DefaultReadHeaderTimeout, "time a client has to send a request's headers")
	bodyTimeout := fs.Duration("body-timeout", pbxsim.DefaultBodyTimeout, "time a client has to send a request's body, once its headers are in")
	idleTimeout := fs.Duration("idle-timeout", pbxsim.DefaultIdleTimeout, "an idle keep-alive connection is closed after this")
	maxTenants := fs.Int("max-tenants", control.DefaultMaxTenants, "cap on the tenant sets POST /sim/v1/tenants may hold at once (-1: no cap)")
	var maxHeader byteSize = pbxsim.DefaultMaxHeaderBytes
	fs.Var(&maxHeader, "max-header-bytes", "bound on a request's line and headers (e.g. 64KiB)")
	if code, done := fs.Parse(args, m.Stdout, m.Stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "pbxsim: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *printScenario {
		_, _ = m.Stdout.Write(scenario.DefaultYAML())
		return exitOK
	}
	sc := scenario.Default()
	if *scenarioPath != "" {
		var err error
		if sc, err = scenario.Load(*scenarioPath); err != nil {
			fmt.Fprintf(m.Stderr, "pbxsim: %v\n", err)
			return exitUsage
		}
	}
	if !isLoopback(*addr) && *token == "" && !*noControl {
		if !*allowOpen {
			fmt.Fprintf(m.Stderr, "pbxsim: refusing to serve the control API on %s without a control token: anyone who can reach it could read every credential (GET /sim/v1/scenario) and drive the PBX.\n"+
				"Set --control-token (or PBXSIM_CONTROL_TOKEN), or --no-control, or pass --allow-open-control if an open control API is what you mean (docs/control-api.md, threat model).\n", *addr)
			return exitUsage
		}
		fmt.Fprintf(m.Stderr, "pbxsim: warning: the control API on %s is open to anyone who can reach it (--allow-open-control)\n", *addr)
	}
	sc.WebhookHosts = append(sc.WebhookHosts, webhookHosts...)
	cfg := pbxsim.Config{
		Scenario: sc, ControlToken: *token, NoControl: *noControl,
		Journal:       simulator.JournalLimits{Entries: *journalEntries, Bytes: int64(journalBytes), FieldBytes: int(journalField)},
		EventLogBytes: int64(eventLogBytes),
		MaxTenants:    *maxTenants,
		Limits: pbxsim.Limits{
			ReadHeaderTimeout: *headerTimeout, BodyTimeout: *bodyTimeout, IdleTimeout: *idleTimeout,
			MaxHeaderBytes: int(maxHeader), MaxConns: *maxConns,
		},
	}
	switch strings.ToLower(*clock) {
	case "":
	case "real":
		cfg.Clock = simulator.RealClock{}
	case "manual":
		cfg.Clock = simulator.NewManualClock(sc.StartAt())
	default:
		fmt.Fprintf(m.Stderr, "pbxsim: --clock must be real or manual, not %q\n", *clock)
		return exitUsage
	}
	srv, err := pbxsim.New(cfg)
	if err != nil {
		fmt.Fprintf(m.Stderr, "pbxsim: %v\n", err)
		return exitUsage
	}
	if err := srv.Start(*addr); err != nil {
		fmt.Fprintf(m.Stderr, "pbxsim: %v\n", err)
		return exitError
	}
	fmt.Fprintf(m.Stdout, "listening on %s\n", srv.URL())
	if m.Ready != nil {
		m.Ready(srv)
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(m.Stderr, "pbxsim: shutdown: %v\n", err)
		return exitError
	}
	return exitOK
}
