// Command pbxload is pbxsim's load and soak tool. It starts pbxsim
// in-process on loopback with a generated world (one customer/operator/
// consult trio per worker and vendor) and, for a fixed time, drives
// concurrent RingCentral warm transfers and NetSapiens attended transfers
// through the vendor APIs (RingCentral: by default a lean driver that
// issues the seed flow's vendor requests without sleeping polls, lean.go;
// --rc-driver client runs the reference client's flow), while live
// subscribers listen: every RingCentral worker's own WebSocket, an
// account-level WebSocket that reads everything, one that never reads (it
// must be disconnected without slowing anyone), and NetSapiens webhooks
// (a fast receiver and a slow one). It then shuts pbxsim down with
// requests in flight and reports throughput, p50/p99 latency per route,
// errors, and goroutine and heap growth.
//
//	pbxload --duration 20s --workers 4      # prints a Markdown report
//
// With --target it drives an already running pbxsim from another process,
// so the load generator does not share the server's cores; that pbxsim
// must hold the load world (--write-scenario writes it):
//
//	pbxload --workers 16 --write-scenario /tmp/load.yaml
//	pbxsim --addr 127.0.0.1:8080 --scenario /tmp/load.yaml &
//	pbxload --workers 16 --target http://127.0.0.1:8080
//
// --churn is the soak mode: for the duration every worker logs in, opens a
// WebSocket, subscribes, places and hangs up a call, deletes the
// subscription, drops the socket and revokes its token, over and over;
// pbxsim's RSS and goroutines (from /sim/v1/metrics) are reported at the
// start, the middle and the end, and again after the retention window.
//
// In-process it only ever talks to 127.0.0.1 and stops by itself. Exit
// status 1 when any error, leak or slow-subscriber violation was seen.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/xfer-conform/xfer-conform/cmd/internal/cli"
)

// maxWorkers bounds --workers: each worker holds a trio of extensions
// and a few connections per vendor.
const maxWorkers = 256

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlags("pbxload", "usage: pbxload [flags]\n\nDrives concurrent warm transfers through an in-process pbxsim (or a running one, --target URL) and prints a Markdown report.")
	duration := fs.DurationP("duration", "d", 20*time.Second, "how long to drive transfers (at most 10m)")
	workers := fs.IntP("workers", "w", 4, fmt.Sprintf("concurrent transfers per vendor (at most %d)", maxWorkers))
	rcDriver := fs.String("rc-driver", "lean", `RingCentral transfers: "lean" (the vendor requests only, no sleeping polls) or "client" (the reference client's flow with its WebSocket desk)`)
	applyDelay := fs.Duration("apply-delay", 20*time.Millisecond, "NetSapiens 202 apply delay in the load world")
	target := fs.String("target", "", "base URL of a running pbxsim holding the load world (default: start one in-process)")
	controlToken := fs.String("control-token", os.Getenv("PBXSIM_CONTROL_TOKEN"), "the target's control token (env PBXSIM_CONTROL_TOKEN)")
	writeScenario := fs.String("write-scenario", "", "write the load world for --workers to this file and exit (load it with pbxsim --scenario)")
	churn := fs.Bool("churn", false, "soak mode: create and drop calls, logins, sockets and subscriptions; report RSS and goroutines")
	settle := fs.Duration("settle", 200*time.Second, "churn: how long to wait after the load before the last sample (the retention window: WebSocket recovery is 180s)")
	warmUp := fs.Duration("warm-up", 60*time.Second, "churn: load before the start sample, so the bounded journal and event log are full")
	vendor := fs.String("only", "", `drive one vendor's transfers: "ringcentral" or "netsapiens" (default both)`)
	noListeners := fs.Bool("no-listeners", false, "leave out the subscribers that are not workers (the account-level RingCentral sockets, the NetSapiens webhooks): the transfers alone")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of this process (the load generator, and pbxsim when in-process) over the run to this file")
	if code, done := fs.Parse(args, stdout, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pbxload: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *duration <= 0 || *duration > 10*time.Minute || *workers < 1 || *workers > maxWorkers || *settle < 0 || *settle > 30*time.Minute || *warmUp < 0 || *warmUp > 10*time.Minute {
		fmt.Fprintf(stderr, "pbxload: --duration must be in (0, 10m], --workers in [1, %d] and --settle in [0, 30m]\n", maxWorkers)
		return 2
	}
	if *vendor != "" && *vendor != "ringcentral" && *vendor != "netsapiens" {
		fmt.Fprintln(stderr, `pbxload: --only must be "ringcentral" or "netsapiens"`)
		return 2
	}
	if *rcDriver != "lean" && *rcDriver != "client" {
		fmt.Fprintln(stderr, `pbxload: --rc-driver must be "lean" or "client"`)
		return 2
	}
	if *writeScenario != "" {
		if err := writeWorld(*writeScenario, *workers, *applyDelay); err != nil {
			fmt.Fprintf(stderr, "pbxload: %v\n", err)
			return 1
		}
		return 0
	}
	cfg := config{duration: *duration, workers: *workers, applyDelay: *applyDelay, target: *target, controlToken: *controlToken, settle: *settle, warmUp: *warmUp, vendor: *vendor, rcDriver: *rcDriver, noListeners: *noListeners}
	if *churn {
		rep, err := soak(ctx, cfg)
		if err != nil {
			fmt.Fprintf(stderr, "pbxload: %v\n", err)
			return 1
		}
		fmt.Fprint(stdout, rep.markdown())
		if !rep.ok() {
			return 1
		}
		return 0
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "pbxload: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "pbxload: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := drive(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "pbxload: %v\n", err)
		return 1
	}
	fmt.Fprint(stdout, rep.markdown())
	if !rep.ok() {
		return 1
	}
	return 0
}
