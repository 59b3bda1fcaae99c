// Command pbxbench measures pbxsim against the floor of its own stack, in
// one run on one machine, so that the ratio means something on a busy or
// shared host:
//
//   - get: an authenticated GET of a RingCentral telephony session, against
//     a bare net/http handler serving the same bytes, with the same load
//     generator (keep-alive clients, a fixed request count). It prints the
//     ratio and whether throughput stayed flat from the first 10,000
//     requests to the last.
//
//   - fanout: 1,000 WebSocket subscribers on one RingCentral account; the
//     time from the request that changes a call to the frame each
//     subscriber reads, against a bare gorilla/websocket broadcaster
//     writing one pre-rendered notification of the same size, over rounds
//     separated by /sim/v1/reset.
//
//     pbxbench                         # both, Markdown on stdout
//     pbxbench --only get --requests 100000 --workers 8 --cpuprofile get.pprof
//
// It is a benchmark, not a test: it prints figures and verdicts, and exits
// 1 only when requests failed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pbxbench", flag.ContinueOnError)
	fs.SetOutput(stdout)
	only := fs.String("only", "", "run one benchmark: get or fanout (default both)")
	requests := fs.Int("requests", 100000, "get: requests per target")
	workers := fs.Int("workers", 8, "get: concurrent keep-alive clients")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the pbxsim run (get) or of the rounds (--only fanout) to this file")
	subscribers := fs.Int("subscribers", 1000, "fanout: WebSocket subscribers")
	rounds := fs.Int("rounds", 10, "fanout: rounds, separated by /sim/v1/reset")
	calls := fs.Int("calls", 5, "fanout: calls per round")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *requests < 100 || *requests > 10_000_000 || *workers < 1 || *workers > 256 ||
		*subscribers < 1 || *subscribers > 5000 || *rounds < 1 || *rounds > 100 || *calls < 1 || *calls > 100 {
		fmt.Fprintln(stderr, "pbxbench: --requests in [100, 1e7], --workers in [1, 256], --subscribers in [1, 5000], --rounds and --calls in [1, 100]")
		return 2
	}
	failed := false
	if *only == "" || *only == "get" {
		rep, err := benchGet(ctx, getConfig{requests: *requests, workers: *workers, cpuProfile: *cpuProfile})
		if err != nil {
			fmt.Fprintf(stderr, "pbxbench get: %v\n", err)
			return 1
		}
		rep.markdown(stdout)
		failed = failed || rep.errors() > 0
	}
	if *only == "" || *only == "fanout" {
		profile := ""
		if *only == "fanout" {
			profile = *cpuProfile
		}
		rep, err := benchFanout(ctx, fanoutConfig{subscribers: *subscribers, rounds: *rounds, calls: *calls, cpuProfile: profile})
		if err != nil {
			fmt.Fprintf(stderr, "pbxbench fanout: %v\n", err)
			return 1
		}
		rep.markdown(stdout)
	}
	if *only != "" && *only != "get" && *only != "fanout" {
		fmt.Fprintf(stderr, "pbxbench: --only %q: want get or fanout\n", *only)
		return 2
	}
	if failed {
		return 1
	}
	return 0
}
