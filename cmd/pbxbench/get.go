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
	cfg   getConfig
	bytes int
	// The requests run in ten chunks; each pbxsim chunk follows a bare one,
	// so every window of pbxsim has a baseline measured next to it.
	pbxChunks, bareChunks []loadResult
	pbx, bare             loadResult // the chunks merged
	ratio                 float64
	flat, flatBare        float64 // last chunk against the first: raw, and against the bare chunks beside them
}

// chunks is how many windows the requests run in.
const chunks = 10

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
	call, err := createCall(ctx, hc, base, "", "101", "102")
	if err != nil {
		return nil, err
	}
	session := call.session
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
	bareClient, pbxClient := keepAlive(cfg.workers), keepAlive(cfg.workers)
	defer bareClient.CloseIdleConnections()
	defer pbxClient.CloseIdleConnections()
	warm := min(cfg.requests/10, 5000)
	hammer(ctx, bareClient, "warm-up", bareURL, header, len(body), cfg.workers, warm)
	// pbxsim gets no warm-up: its windows count from its first request,
	// so the first chunk is its first 10,000.
	stopProfile, err := startProfile(cfg.cpuProfile)
	if err != nil {
		return nil, err
	}
	per := cfg.requests / chunks
	for i := 0; i < chunks; i++ {
		rep.bareChunks = append(rep.bareChunks, hammer(ctx, bareClient, "bare net/http", bareURL, header, len(body), cfg.workers, per))
		rep.pbxChunks = append(rep.pbxChunks, hammer(ctx, pbxClient, "pbxsim", url, header, len(body), cfg.workers, per))
	}
	stopProfile()
	rep.pbx, rep.bare = merge("pbxsim", rep.pbxChunks), merge("bare net/http", rep.bareChunks)
	rep.ratio = rep.pbx.rate() / rep.bare.rate()
	first, last := 0, chunks-1
	rep.flat = rep.pbxChunks[last].rate() / rep.pbxChunks[first].rate()
	rep.flatBare = (rep.pbxChunks[last].rate() / rep.bareChunks[last].rate()) / (rep.pbxChunks[first].rate() / rep.bareChunks[first].rate())
	return rep, nil
}

func (r *getReport) errors() int64 { return r.pbx.errors + r.bare.errors }

func (r *getReport) markdown(w io.Writer) {
	per := r.cfg.requests / chunks
	fmt.Fprintf(w, "## GET telephony session: pbxsim against bare net/http\n\n")
	fmt.Fprintf(w, "%d requests per target in %d chunks of %d, bare and pbxsim in turn; %d keep-alive clients; %d-byte answer.\n\n",
		r.cfg.requests, chunks, per, r.cfg.workers, r.bytes)
	fmt.Fprintf(w, "| target | req/s | p50 | p99 | errors |\n|---|---|---|---|---|\n")
	for _, res := range []loadResult{r.pbx, r.bare} {
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %d |\n", res.name, res.rate(),
			percentile(res.latencies, 0.5).Round(time.Microsecond), percentile(res.latencies, 0.99).Round(time.Microsecond), res.errors)
	}
	fmt.Fprintf(w, "\n| requests | pbxsim req/s | bare req/s | ratio |\n|---|---|---|---|\n")
	for i := range r.pbxChunks {
		p, b := r.pbxChunks[i].rate(), r.bareChunks[i].rate()
		fmt.Fprintf(w, "| %dk–%dk | %.0f | %.0f | %.2f× |\n", i*per/1000, (i+1)*per/1000, p, b, p/b)
	}
	verdict := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "BELOW TARGET"
	}
	fmt.Fprintf(w, "\n- ratio pbxsim / bare: **%.2f×** (target ≥ 0.5×): %s\n", r.ratio, verdict(r.ratio >= 0.5))
	fmt.Fprintf(w, "- flatness, pbxsim's last %d requests against its first %d, each against the bare chunk beside it: **%.2f** (target within 10%%, ≥ 0.90): %s\n",
		per, per, r.flatBare, verdict(r.flatBare >= 0.9))
	fmt.Fprintf(w, "- the same, raw (pbxsim alone; moves with the neighbours' load on a shared machine): %.2f\n", r.flat)
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
