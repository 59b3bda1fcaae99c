package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/cmd/internal/cli"
	"github.com/xfer-conform/xfer-conform/simulator/proxy/replay"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

const replayUsage = `usage: xfer-conform replay [flags] DIR|FILE...

Replays sessions recorded by "pbxsim proxy --record" as golden flows: each
session file (DIR/*.jsonl) against a fresh pbxsim started in-process with
the recording's scenario (or --scenario). The recorded requests are sent in
order and pbxsim's answers, WebSocket frames and webhooks are compared with the
recorded ones, IDs re-mapped, times ignored, tokens fresh
(docs/contracts.md, "Recording and replaying").

Exit codes: 0 every session matched, 1 a difference (printed: which
exchange or frame, which field, recorded vs now), 2 usage error or
unreadable recording, 3 pbxsim did not start, 5 no session file found.`

// runReplay is "xfer-conform replay".
func (m *Main) runReplay(ctx context.Context, args []string) int {
	fs := cli.NewFlags("xfer-conform replay", replayUsage)
	scenarioPath := fs.StringP("scenario", "s", "", "replay against a pbxsim started from this scenario instead of the recorded one (a recording from a real tenant embeds none)")
	timeout := fs.Duration("timeout", 10*time.Second, "wait this long for each recorded frame and each answer")
	maxDiffs := fs.Int("max-diffs", 50, "print at most this many differences per session")
	if code, done := fs.Parse(args, m.Stdout, m.Stderr); done {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(m.Stderr, "xfer-conform replay: give a recording directory or session file (xfer-conform replay --help)")
		return ExitUsage
	}
	var opts replay.Options
	opts.Timeout = *timeout
	if *scenarioPath != "" {
		sc, err := scenario.Load(*scenarioPath)
		if err != nil {
			fmt.Fprintf(m.Stderr, "xfer-conform replay: %v\n", err)
			return ExitUsage
		}
		opts.Scenario = sc
	}
	files, err := sessionFiles(fs.Args())
	if err != nil {
		fmt.Fprintf(m.Stderr, "xfer-conform replay: %v\n", err)
		return ExitUsage
	}
	if len(files) == 0 {
		fmt.Fprintf(m.Stderr, "xfer-conform replay: no session file (*.jsonl) in %s\n", strings.Join(fs.Args(), ", "))
		return ExitNoScenario
	}
	code := ExitPass
	for _, f := range files {
		res, err := replay.File(ctx, f, opts)
		switch {
		case errors.Is(err, replay.ErrNoScenario):
			fmt.Fprintf(m.Stderr, "xfer-conform replay: %s: %v (--scenario)\n", f, err)
			return ExitUsage
		case errors.Is(err, replay.ErrStart):
			fmt.Fprintf(m.Stderr, "xfer-conform replay: %s: %v\n", f, err)
			return ExitInternal
		case err != nil:
			fmt.Fprintf(m.Stderr, "xfer-conform replay: %v\n", err)
			return ExitUsage
		}
		summary := fmt.Sprintf("replay %s: %d exchanges, %d frames", f, res.Exchanges, res.Frames)
		if res.Webhooks > 0 {
			summary += fmt.Sprintf(", %d webhooks", res.Webhooks)
		}
		if res.OK() {
			fmt.Fprintln(m.Stdout, summary+": ok")
			continue
		}
		code = ExitFailed
		fmt.Fprintf(m.Stdout, "%s: %d differences\n", summary, len(res.Diffs))
		for i, d := range res.Diffs {
			if i == *maxDiffs {
				fmt.Fprintf(m.Stdout, "  … %d more\n", len(res.Diffs)-i)
				break
			}
			fmt.Fprintln(m.Stdout, "  "+d.String())
		}
	}
	return code
}

// sessionFiles lists the session files of the arguments: a file as it is,
// a directory's *.jsonl in name (so time) order.
func sessionFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		m, err := filepath.Glob(filepath.Join(a, "*.jsonl"))
		if err != nil {
			return nil, err
		}
		sort.Strings(m)
		out = append(out, m...)
	}
	return out, nil
}
