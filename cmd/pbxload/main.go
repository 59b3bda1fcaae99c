// Command pbxload is pbxsim's load and soak tool. It starts pbxsim
// in-process on loopback with a generated world (one customer/operator/
// consult trio per worker and vendor) and, for a fixed time, drives
// concurrent RingCentral warm transfers and NetSapiens attended transfers
// through the vendor APIs with the reference clients, while live
// subscribers listen: every RingCentral worker's own WebSocket, an
// account-level WebSocket that reads everything, one that never reads (it
// must be disconnected without slowing anyone), and NetSapiens webhooks
// (a fast receiver and a slow one). It then shuts pbxsim down with
// requests in flight and reports throughput, p50/p99 latency per route,
// errors, and goroutine and heap growth.
//
//	pbxload --duration 20s --workers 4      # prints a Markdown report
//
// It only ever talks to 127.0.0.1 and stops by itself. Exit status 1 when
// any error, leak or slow-subscriber violation was seen.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/xfer-conform/xfer-conform/cmd/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlags("pbxload", "usage: pbxload [flags]\n\nDrives concurrent warm transfers through an in-process pbxsim and prints a Markdown report.")
	duration := fs.DurationP("duration", "d", 20*time.Second, "how long to drive transfers (at most 10m)")
	workers := fs.IntP("workers", "w", 4, "concurrent transfers per vendor (at most 64)")
	applyDelay := fs.Duration("apply-delay", 20*time.Millisecond, "NetSapiens 202 apply delay in the load world")
	if code, done := fs.Parse(args, stdout, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pbxload: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *duration <= 0 || *duration > 10*time.Minute || *workers < 1 || *workers > 64 {
		fmt.Fprintln(stderr, "pbxload: --duration must be in (0, 10m] and --workers in [1, 64]")
		return 2
	}
	rep, err := drive(ctx, config{duration: *duration, workers: *workers, applyDelay: *applyDelay})
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
