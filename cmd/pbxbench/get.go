package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
)

// getConfig tunes the GET-session benchmark.
type getConfig struct {
	requests, workers int
	cpuProfile        string // written while pbxsim is under load
}

// getReport is the GET-session benchmark's outcome.
type getReport struct {
	cfg         getConfig
	bytes       int
	pbx         loadResult
	bare        []loadResult // before and after pbxsim, to average out the neighbours' noise
	ratio, flat float64
}

// benchGet measures an authenticated GET of a RingCentral telephony
// session against a bare net/http handler serving the same bytes, with
// the same load generator, in one process.
func benchGet(ctx context.Context, cfg getConfig) (*getReport, error) {
	sc, err := benchScenario(0)
	if err != nil {
		return nil, err
	}
	srv, err := pbxsim.New(pbxsim.Config{Scenario: sc})
	if err != nil {
		return nil, err
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		return nil, err
	}
	defer srv.Shutdown(context.Background())
	base := srv.URL()
	hc := &http.Client{Timeout: 10 * time.Second}
	_, session, err := createCall(ctx, hc, base, "", "101", "102")
	if err != nil {
		return nil, err
	}
	token, err := login(ctx, hc, base, 101)
	if err != nil {
		return nil, err
	}
	url := base + "/restapi/v1.0/account/~/telephony/sessions/" + session
	header := http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/json"}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header = header
	body, err := do(hc, req)
	if err != nil {
		return nil, err
	}

	// The bare handler answers the same bytes with the same content type.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	bare := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_, _ = w.Write(body)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = bare.Serve(ln) }()
	defer bare.Close()
	bareURL := "http://" + ln.Addr().String() + "/restapi/v1.0/account/~/telephony/sessions/" + session

	rep := &getReport{cfg: cfg, bytes: len(body)}
	warm := min(cfg.requests/10, 5000)
	hammer(ctx, "warm-up", bareURL, header, len(body), cfg.workers, warm)
	hammer(ctx, "warm-up", url, header, len(body), cfg.workers, warm)
	rep.bare = append(rep.bare, hammer(ctx, "bare net/http", bareURL, header, len(body), cfg.workers, cfg.requests))
	stopProfile, err := startProfile(cfg.cpuProfile)
	if err != nil {
		return nil, err
	}
	rep.pbx = hammer(ctx, "pbxsim", url, header, len(body), cfg.workers, cfg.requests)
	stopProfile()
	rep.bare = append(rep.bare, hammer(ctx, "bare net/http", bareURL, header, len(body), cfg.workers, cfg.requests))
	var bareRate float64
	for _, b := range rep.bare {
		bareRate += b.rate() / float64(len(rep.bare))
	}
	rep.ratio = rep.pbx.rate() / bareRate
	if w := flatWindow(cfg.requests); w > 0 {
		rep.flat = rep.pbx.windowRate(cfg.requests-w, cfg.requests) / rep.pbx.windowRate(0, w)
	}
	return rep, nil
}

// flatWindow is the size of the first and last windows compared: 10,000
// requests of 100,000, a tenth of shorter runs.
func flatWindow(requests int) int { return min(10000, requests/10) }

func (r *getReport) errors() int64 {
	n := r.pbx.errors
	for _, b := range r.bare {
		n += b.errors
	}
	return n
}

func (r *getReport) markdown(w io.Writer) {
	win := flatWindow(r.cfg.requests)
	fmt.Fprintf(w, "## GET telephony session: pbxsim against bare net/http\n\n")
	fmt.Fprintf(w, "%d requests per target, %d keep-alive clients, %d-byte answer; the bare handler ran before and after pbxsim.\n\n", r.cfg.requests, r.cfg.workers, r.bytes)
	fmt.Fprintf(w, "| target | req/s | p50 | p99 | first %d req/s | last %d req/s | errors |\n|---|---|---|---|---|---|---|\n", win, win)
	for _, res := range append([]loadResult{r.pbx}, r.bare...) {
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %.0f | %.0f | %d |\n", res.name, res.rate(),
			percentile(res.latencies, 0.5).Round(time.Microsecond), percentile(res.latencies, 0.99).Round(time.Microsecond),
			res.windowRate(0, win), res.windowRate(res.requests-win, res.requests), res.errors)
	}
	verdict := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "BELOW TARGET"
	}
	fmt.Fprintf(w, "\n- ratio pbxsim / bare: **%.2f×** (target ≥ 0.5×): %s\n", r.ratio, verdict(r.ratio >= 0.5))
	fmt.Fprintf(w, "- flatness, pbxsim's last %d against its first %d: **%.2f** (target within 10%%, ≥ 0.90): %s\n", win, win, r.flat, verdict(r.flat >= 0.9))
	if r.pbx.firstErr != "" {
		fmt.Fprintf(w, "- first pbxsim error: %s\n", strings.TrimSpace(r.pbx.firstErr))
	}
	fmt.Fprintln(w)
}

// startProfile writes a CPU profile to path until the returned function
// is called; an empty path profiles nothing.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
