package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/xfer-conform/xfer-conform/client/control"
	nsclient "github.com/xfer-conform/xfer-conform/client/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

type config struct {
	duration     time.Duration
	workers      int
	applyDelay   time.Duration
	target       string        // a running pbxsim; "" starts one in-process
	controlToken string        // the target's control token
	settle       time.Duration // churn: wait before the last sample
	warmUp       time.Duration // churn: load before the start sample
	vendor       string        // "ringcentral" or "netsapiens" drives only that one; "" both
	rcDriver     string        // "lean" (rcLeanWorker) or "client" (rcWorker, the reference client's flow)
	// noListeners leaves out the subscribers that are not workers (the
	// account-level sockets, the NetSapiens webhooks): the transfers alone.
	noListeners bool
}

type report struct {
	cfg                     config
	elapsed                 time.Duration
	st                      *stats
	goroutinesBefore, after int
	heapBefore, heapAfter   uint64
	fastRC, slowRCDropped   bool
	fastRCNotes             int64
	// fastRCEnded says the reading subscriber's socket closed before the
	// load ended (pbxsim closes a socket that falls behind), with fastRCErr
	// its read error; slowRCClosed counts the sockets pbxsim closed for
	// falling behind, the never-reading one included.
	fastRCEnded              bool
	fastRCErr                string
	slowRCClosed             int64
	nsFastPosts, nsSlowPosts int
	shutdownErr              error
	inFlightAtShutdown       int64
	inFlightFailed           int64
	// remote: pbxsim ran in another process; the shutdown and leak checks
	// (which need it in this process) were not made.
	remote bool
}

// overflowAfter is how many notifications the stalled subscriber must have
// been sent before pbxsim is bound to have cut it off: its 4 KiB receive
// buffer, the server's 64 KiB send buffer and 4,096-frame queue hold about
// 4,200 notifications of ~1 KiB; twice that leaves a margin.
const overflowAfter = 8500

// slowVerdict says whether the stalled subscriber was handled: closed, or
// not yet sent enough to have overflowed.
func (r *report) slowVerdict() (ok bool, why string) {
	switch {
	case r.slowRCDropped:
		return true, "closed by pbxsim"
	case r.fastRCNotes < overflowAfter:
		return true, fmt.Sprintf("not yet behind enough to be closed (%d notifications sent, %d needed)", r.fastRCNotes, overflowAfter)
	default:
		return false, fmt.Sprintf("NOT closed although %d notifications were sent", r.fastRCNotes)
	}
}

func (r *report) ok() bool {
	slowOK, _ := r.slowVerdict()
	if r.cfg.noListeners {
		slowOK, r.fastRC = true, true // none to judge
	}
	if r.remote {
		return len(r.st.errors) == 0 && slowOK && r.fastRC
	}
	return len(r.st.errors) == 0 && slowOK && r.fastRC && r.shutdownErr == nil && r.inFlightFailed == 0 &&
		r.after <= r.goroutinesBefore+2 && r.heapAfter < r.heapBefore+4<<20
}

func drive(ctx context.Context, cfg config) (*report, error) {
	rep := &report{cfg: cfg, st: newStats()}
	runtime.GC()
	rep.goroutinesBefore = runtime.NumGoroutine()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rep.heapBefore = ms.HeapAlloc

	srv, base, err := startTarget(ctx, cfg)
	if err != nil {
		return nil, err
	}
	rep.remote = srv == nil
	transport := &http.Transport{MaxIdleConnsPerHost: 4 * cfg.workers, IdleConnTimeout: time.Second}
	hc := &http.Client{Transport: timing{s: rep.st, next: transport}, Timeout: 30 * time.Second}
	ctl := control.New(base, &http.Client{Transport: transport, Timeout: 30 * time.Second}).WithToken(cfg.controlToken)
	slowBefore := int64(0)
	if rep.remote {
		m, err := scrape(ctx, base, cfg.controlToken)
		if err != nil {
			return nil, err
		}
		slowBefore = int64(m["pbxsim_ringcentral_slow_sockets_closed_total"])
	}

	// Subscribers that are not workers.
	var subs sync.WaitGroup
	var fastNotes atomic.Int64
	fastErr := make(chan error, 1)
	fast, slow := (*accountSocket)(nil), (*accountSocket)(nil)
	fastHook, slowHook := nsclient.NewWebhookReceiver(), &slowReceiver{inner: nsclient.NewWebhookReceiver(), delay: 200 * time.Millisecond}
	fastSrv, slowSrv := httptest.NewServer(fastHook), httptest.NewServer(slowHook)
	if !cfg.noListeners {
		// The reader shares two cores with the workers, which can starve it
		// for tens of milliseconds at a time; 8 MiB of kernel receive buffer
		// (a second of notifications at 1,000 transfers/s) keeps that pause
		// from counting as falling behind.
		fast, err = openAccountSocket(base, hc, 8<<20, "load-reader")
		if err != nil {
			return nil, fmt.Errorf("reading RingCentral subscriber: %w", err)
		}
		subs.Add(1)
		go func() {
			defer subs.Done()
			fastErr <- fast.count(&fastNotes)
		}()
		slow, err = openAccountSocket(base, hc, 4096, "load-stalled")
		if err != nil {
			return nil, fmt.Errorf("slow RingCentral subscriber: %w", err)
		}
		for _, u := range []string{fastSrv.URL, slowSrv.URL} {
			if err := nsSubscribe(ctx, hc, base, u); err != nil {
				return nil, err
			}
		}
	}

	// The load.
	start := time.Now()
	loadCtx, stopLoad := context.WithTimeout(ctx, cfg.duration)
	var wg sync.WaitGroup
	for w := 0; w < cfg.workers; w++ {
		if cfg.vendor != "netsapiens" {
			wg.Add(1)
			worker := rcLeanWorker
			if cfg.rcDriver == "client" {
				worker = rcWorker
			}
			go func(w int) { defer wg.Done(); worker(loadCtx, base, w, hc, ctl, rep.st) }(w)
		}
		if cfg.vendor != "ringcentral" {
			wg.Add(1)
			go func(w int) { defer wg.Done(); nsWorker(loadCtx, base, w, hc, ctl, rep.st) }(w)
		}
	}
	wg.Wait()
	stopLoad()
	rep.elapsed = time.Since(start)
	select {
	case err := <-fastErr:
		rep.fastRCEnded, rep.fastRCErr = true, err.Error() // closed before the load ended: it fell behind
	default:
	}

	// Graceful shutdown with requests in flight: each request sends its
	// headers, then holds its body back until Shutdown has begun; a
	// graceful server still answers every one of them.
	if rep.remote {
		m, err := scrape(ctx, base, cfg.controlToken)
		if err != nil {
			return nil, err
		}
		rep.slowRCClosed = int64(m["pbxsim_ringcentral_slow_sockets_closed_total"]) - slowBefore
		rep.slowRCDropped = rep.slowRCClosed > 0
	} else {
		rep.slowRCClosed = srv.Stats()["ringcentral.slowSocketsClosed"]
		rep.slowRCDropped = rep.slowRCClosed > 0
		rep.inFlightAtShutdown, rep.inFlightFailed, rep.shutdownErr = shutdownWithRequestsInFlight(srv, base, 8)
	}
	if fast != nil {
		fast.Close()
		slow.Close()
	}
	subs.Wait()
	rep.fastRCNotes = fastNotes.Load()
	rep.fastRC = rep.fastRCNotes > 0
	rep.nsFastPosts, rep.nsSlowPosts = len(fastHook.Deliveries()), len(slowHook.inner.Deliveries())
	fastSrv.Close()
	slowSrv.Close()
	transport.CloseIdleConnections()

	if rep.remote {
		return rep, nil
	}
	// Leak check: let finished goroutines exit, then compare.
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		rep.after = runtime.NumGoroutine()
		if rep.after <= rep.goroutinesBefore+2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond) // a tool, not a test: waiting for goroutines to wind down
	}
	// The simulator is unreachable now; its retention timers (real clock)
	// may still hold it briefly. Heap growth is what remains after that.
	for deadline := time.Now().Add(5 * time.Second); ; {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		rep.heapAfter = ms.HeapAlloc
		if rep.heapAfter < rep.heapBefore+4<<20 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond) // a tool, not a test
	}
	return rep, nil
}

// startTarget starts pbxsim in-process with the load world, or checks that
// the target answers; srv is nil for a target.
func startTarget(ctx context.Context, cfg config) (srv *pbxsim.Server, base string, err error) {
	if cfg.target != "" {
		base = strings.TrimRight(cfg.target, "/")
		ctl := control.New(base, &http.Client{Timeout: 10 * time.Second}).WithToken(cfg.controlToken)
		// A target just started (make load, make soak) may take a moment.
		for deadline := time.Now().Add(10 * time.Second); ; {
			_, err := ctl.Health(ctx)
			if err == nil {
				return nil, base, nil
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				return nil, "", fmt.Errorf("target %s: %w", base, err)
			}
			time.Sleep(100 * time.Millisecond) // a tool waiting for its target
		}
	}
	sc, err := validated(loadScenario(cfg.workers, cfg.applyDelay))
	if err != nil {
		return nil, "", err
	}
	srv, err = pbxsim.New(pbxsim.Config{Scenario: sc})
	if err != nil {
		return nil, "", err
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		return nil, "", err
	}
	return srv, srv.URL(), nil
}

func validated(sc *scenario.Scenario) (*scenario.Scenario, error) {
	b, err := yaml.Marshal(sc)
	if err != nil {
		return nil, err
	}
	return scenario.Parse("pbxload-world.yaml", b)
}

func nsSubscribe(ctx context.Context, hc *http.Client, base, postURL string) error {
	body, _ := json.Marshal(map[string]string{"model": "call", "post-url": postURL})
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/ns-api/v2/domains/LOAD/subscriptions", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+loadKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("NetSapiens subscription for %s: %d", postURL, resp.StatusCode)
	}
	return nil
}

// slowReceiver is a webhook endpoint that takes its time.
type slowReceiver struct {
	inner *nsclient.WebhookReceiver
	delay time.Duration
}

func (s *slowReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(s.delay) // the point of this receiver: it is slow
	s.inner.ServeHTTP(w, r)
}

func (r *report) markdown() string {
	var b strings.Builder
	where := "pbxsim in-process"
	if r.remote {
		where = "pbxsim at " + r.cfg.target + " (another process)"
	}
	fmt.Fprintf(&b, "## pbxload: %d workers per vendor for %s, %s\n\n", r.cfg.workers, r.elapsed.Round(time.Millisecond), where)
	if r.cfg.vendor != "netsapiens" {
		fmt.Fprintf(&b, "- RingCentral driver: %s", r.cfg.rcDriver)
		if r.cfg.rcDriver == "lean" {
			fmt.Fprintf(&b, " (session reads that found a phone still ringing: %d)", r.st.rereads)
		}
		b.WriteString("\n")
	}
	for k, n := range r.st.transfers {
		fmt.Fprintf(&b, "- %s: %d completed (%.1f/s)\n", k, n, float64(n)/r.elapsed.Seconds())
	}
	fmt.Fprintf(&b, "- errors: %d\n", len(r.st.errors))
	for _, e := range r.st.errors {
		fmt.Fprintf(&b, "  - %s\n", e)
	}
	if r.cfg.noListeners {
		b.WriteString("- subscribers: none (--no-listeners: the transfers alone)\n")
	} else {
		r.writeListeners(&b)
	}
	if r.remote {
		b.WriteString("- shutdown and leak checks: not made (pbxsim runs in another process)\n\n")
	} else {
		fmt.Fprintf(&b, "- shutdown with %d requests in flight: %d failed, error: %v\n", r.inFlightAtShutdown, r.inFlightFailed, r.shutdownErr)
		fmt.Fprintf(&b, "- goroutines before %d, after %d; heap before %.1f MiB, after %.1f MiB\n\n",
			r.goroutinesBefore, r.after, float64(r.heapBefore)/(1<<20), float64(r.heapAfter)/(1<<20))
	}
	b.WriteString(r.st.table(r.elapsed))
	return b.String()
}

// shutdownWithRequestsInFlight returns how many requests were in flight,
// how many of them failed, and the shutdown's error.
func shutdownWithRequestsInFlight(srv *pbxsim.Server, base string, n int) (int64, int64, error) {
	var failed int64
	var wg sync.WaitGroup
	writers := make([]*io.PipeWriter, n)
	client := &http.Client{Transport: &http.Transport{}, Timeout: 20 * time.Second}
	for i := 0; i < n; i++ {
		pr, pw := io.Pipe()
		writers[i] = pw
		req, _ := http.NewRequest("POST", base+"/sim/v1/calls", pr)
		req.Header.Set("Content-Type", "application/json")
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Do(req)
			if err != nil {
				atomic.AddInt64(&failed, 1)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
	}
	time.Sleep(200 * time.Millisecond) // a tool, not a test: let the requests reach the server
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done <- srv.Shutdown(ctx)
	}()
	time.Sleep(100 * time.Millisecond) // Shutdown has begun and stopped accepting
	for _, pw := range writers {
		_, _ = pw.Write([]byte(`{"from":"nobody","to":"nobody"}`))
		_ = pw.Close()
	}
	wg.Wait()
	return int64(n), failed, <-done
}

// writeListeners reports the subscribers that are not workers: the
// account-level socket that reads, the one that never reads, the
// NetSapiens webhooks.
func (r *report) writeListeners(b *strings.Builder) {
	_, slow := r.slowVerdict()
	kept := "it kept up: open to the end"
	if r.fastRCEnded {
		kept = "CLOSED before the load ended (" + r.fastRCErr + ")"
	}
	fmt.Fprintf(b, "- subscribers: the account-level RingCentral WebSocket that reads got %d notifications (%s); the one that never reads: %s; sockets pbxsim closed for falling behind: %d\n",
		r.fastRCNotes, kept, slow, r.slowRCClosed)
	fmt.Fprintf(b, "- NetSapiens webhooks: fast receiver %d posts, slow receiver (200ms each) %d posts\n", r.nsFastPosts, r.nsSlowPosts)
}
