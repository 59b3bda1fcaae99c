package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/xfer-conform/xfer-conform/cmd/internal/cli"
	"github.com/xfer-conform/xfer-conform/simulator/contract"
	"github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/proxy"
	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

const proxyUsage = `usage: pbxsim proxy --upstream URL [--addr ADDR] [--record DIR]

Sits in front of a real tenant (or another pbxsim) and forwards every HTTP
request and the RingCentral notification WebSocket unchanged. Each request
body is judged against its operation's request contract; every finding is
printed on stderr, one line each. With --record DIR every exchange and
frame is written to DIR/session-<time>.jsonl with the secrets redacted,
for "xfer-conform replay DIR" (docs/contracts.md, "Recording and
replaying"). Webhooks go from the vendor to the integration directly and
are not seen, unless the integration registers the proxy's
/.pbxsim-proxy/webhook address and --webhook-relay names its receiver.`

// runProxy is "pbxsim proxy".
func (m *Main) runProxy(ctx context.Context, args []string) int {
	fs := cli.NewFlags("pbxsim proxy", proxyUsage)
	upstream := fs.String("upstream", "", "base URL of the tenant or pbxsim to forward to (http:// or https://), e.g. https://platform.ringcentral.com")
	addr := fs.StringP("addr", "a", "127.0.0.1:8081", "listen address; port 0 picks a free port")
	record := fs.String("record", "", "record every exchange and frame, secrets redacted, to a new session file in this directory")
	scenarioPath := fs.StringP("scenario", "s", "", "with --record: the scenario file the upstream pbxsim runs, embedded in the recording so a replay starts the same world (it holds that world's credentials)")
	webhookRelay := fs.String("webhook-relay", "", "your integration's webhook receiver: register http://PROXY/.pbxsim-proxy/webhook[/PATH] with the vendor instead, and the proxy forwards each webhook to URL[/PATH] and records it")
	var maxBody byteSize = proxy.DefaultMaxBody
	fs.Var(&maxBody, "max-body", "bound on each body held to judge and record it; a longer one is forwarded whole, recorded cut and not judged")
	grace := fs.Duration("shutdown-grace", 10*time.Second, "how long requests in flight may take to finish on shutdown")
	if code, done := fs.Parse(args, m.Stdout, m.Stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "pbxsim proxy: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	up, err := url.Parse(*upstream)
	if *upstream == "" || err != nil || (up.Scheme != "http" && up.Scheme != "https") || up.Host == "" {
		fmt.Fprintf(m.Stderr, "pbxsim proxy: --upstream must be an http:// or https:// URL, not %q\n", *upstream)
		return exitUsage
	}
	if *scenarioPath != "" && *record == "" {
		fmt.Fprintln(m.Stderr, "pbxsim proxy: --scenario goes with --record")
		return exitUsage
	}
	cfg := proxy.Config{Upstream: up, Findings: m.Stderr, MaxBody: int64(maxBody),
		Matchers: []contract.Matcher{ringcentral.MatchContract, netsapiens.MatchContract}}
	if *webhookRelay != "" {
		wr, err := url.Parse(*webhookRelay)
		if err != nil || (wr.Scheme != "http" && wr.Scheme != "https") || wr.Host == "" {
			fmt.Fprintf(m.Stderr, "pbxsim proxy: --webhook-relay must be an http:// or https:// URL, not %q\n", *webhookRelay)
			return exitUsage
		}
		cfg.WebhookRelay = wr
	}
	if *record != "" {
		info := proxy.SessionInfo{Upstream: up.Redacted()}
		if *scenarioPath != "" {
			if _, err := scenario.Load(*scenarioPath); err != nil {
				fmt.Fprintf(m.Stderr, "pbxsim proxy: %v\n", err)
				return exitUsage
			}
			data, err := os.ReadFile(*scenarioPath)
			if err != nil {
				fmt.Fprintf(m.Stderr, "pbxsim proxy: %v\n", err)
				return exitUsage
			}
			info.ScenarioFile, info.Scenario = *scenarioPath, data
		}
		rec, err := proxy.NewRecorder(*record, info)
		if err != nil {
			fmt.Fprintf(m.Stderr, "pbxsim proxy: %v\n", err)
			return exitError
		}
		defer rec.Close()
		cfg.Recorder = rec
	}
	p, err := proxy.New(cfg)
	if err != nil {
		fmt.Fprintf(m.Stderr, "pbxsim proxy: %v\n", err)
		return exitUsage
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(m.Stderr, "pbxsim proxy: %v\n", err)
		return exitError
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 1 << 20}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	self := "http://" + ln.Addr().String()
	fmt.Fprintf(m.Stdout, "listening on %s (proxy to %s)\n", self, up.Redacted())
	if cfg.Recorder != nil {
		fmt.Fprintf(m.Stdout, "recording to %s\n", cfg.Recorder.Path())
	}
	if m.ProxyReady != nil {
		m.ProxyReady(self)
	}
	select {
	case <-ctx.Done():
	case err := <-served:
		fmt.Fprintf(m.Stderr, "pbxsim proxy: %v\n", err)
		return exitError
	}
	sctx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	err = srv.Shutdown(sctx)
	p.Close()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(m.Stderr, "pbxsim proxy: shutdown: %v\n", err)
		return exitError
	}
	if cfg.Recorder != nil {
		if err := cfg.Recorder.Err(); err != nil {
			fmt.Fprintf(m.Stderr, "pbxsim proxy: recording: %v\n", err)
			return exitError
		}
	}
	return exitOK
}
