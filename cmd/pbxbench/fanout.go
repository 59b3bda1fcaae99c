package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
)

type fanoutConfig struct {
	subscribers, rounds, calls int
	cpuProfile                 string // covers the rounds
}

// roundFigures are one round's latencies, request to frame read.
type roundFigures struct {
	pbx, bare []time.Duration // sorted
}

type fanoutReport struct {
	cfg        fanoutConfig
	frameBytes int
	rounds     []roundFigures
}

// listeners is a set of WebSocket readers that note, per telephony
// session, when each first read a frame about it.
type listeners struct {
	conns  []*websocket.Conn
	first  []map[string]time.Time
	mu     []sync.Mutex
	counts sync.Map // session -> *atomic.Int64: listeners that saw it
	frames atomic.Int64
	sample atomic.Value // []byte: one notification frame
	wg     sync.WaitGroup
}

func newListeners(n int) *listeners {
	l := &listeners{first: make([]map[string]time.Time, n), mu: make([]sync.Mutex, n)}
	for i := range l.first {
		l.first[i] = map[string]time.Time{}
	}
	return l
}

func (l *listeners) read(i int, c *websocket.Conn) {
	defer l.wg.Done()
	for {
		_, msg, err := c.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now()
		l.frames.Add(1)
		sid := gjson.GetBytes(msg, "1.body.telephonySessionId").String()
		if sid == "" {
			continue
		}
		l.mu[i].Lock()
		_, seen := l.first[i][sid]
		if !seen {
			l.first[i][sid] = now
		}
		l.mu[i].Unlock()
		if !seen {
			if l.sample.Load() == nil {
				l.sample.Store(append([]byte(nil), msg...))
			}
			v, _ := l.counts.LoadOrStore(sid, new(atomic.Int64))
			v.(*atomic.Int64).Add(1)
		}
	}
}

func (l *listeners) start(i int, c *websocket.Conn) {
	l.conns = append(l.conns, c)
	l.wg.Add(1)
	go l.read(i, c)
}

// await waits until every listener has read a frame about sid, then
// returns each one's delay since t0, sorted.
func (l *listeners) await(ctx context.Context, sid string, t0 time.Time) ([]time.Duration, error) {
	deadline := time.Now().Add(30 * time.Second)
	n := int64(len(l.conns))
	for {
		v, ok := l.counts.Load(sid)
		if ok && v.(*atomic.Int64).Load() >= n {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			got := int64(0)
			if ok {
				got = v.(*atomic.Int64).Load()
			}
			return nil, fmt.Errorf("only %d of %d subscribers read a frame about %s", got, n, sid)
		}
		time.Sleep(200 * time.Microsecond) // a benchmark polling its own counters
	}
	out := make([]time.Duration, 0, n)
	for i := range l.conns {
		l.mu[i].Lock()
		out = append(out, l.first[i][sid].Sub(t0))
		delete(l.first[i], sid)
		l.mu[i].Unlock()
	}
	l.counts.Delete(sid)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// quiet waits until no frame arrived for d (the hang-up's notifications
// are drained before the next measurement).
func (l *listeners) quiet(d time.Duration) {
	last := l.frames.Load()
	for {
		time.Sleep(d) // a benchmark letting its readers drain
		now := l.frames.Load()
		if now == last {
			return
		}
		last = now
	}
}

func (l *listeners) close() {
	for _, c := range l.conns {
		_ = c.Close()
	}
	l.wg.Wait()
}

// benchFanout measures notification fan-out to many WebSocket subscribers
// of one RingCentral account against a bare broadcaster.
func benchFanout(ctx context.Context, cfg fanoutConfig) (*fanoutReport, error) {
	sc, err := benchScenario(cfg.subscribers)
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
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}

	pbx := newListeners(cfg.subscribers)
	defer pbx.close()
	if err := subscribeAll(ctx, hc, base, pbx, cfg.subscribers); err != nil {
		return nil, err
	}
	// One probe call gives the size and shape of a notification frame.
	id, sid, err := createCall(ctx, hc, base, "", "101", "102")
	if err != nil {
		return nil, err
	}
	if _, err := pbx.await(ctx, sid, time.Now()); err != nil {
		return nil, err
	}
	_ = hangup(ctx, hc, base, "", id)
	pbx.quiet(50 * time.Millisecond)
	sample, _ := pbx.sample.Load().([]byte)
	probeSID := gjson.GetBytes(sample, "1.body.telephonySessionId").String()

	bc := newBroadcaster(string(sample), probeSID)
	bareURL, stopBare, err := bc.serve()
	if err != nil {
		return nil, err
	}
	defer stopBare()
	bare := newListeners(cfg.subscribers)
	defer bare.close()
	for i := 0; i < cfg.subscribers; i++ {
		c, _, err := websocket.DefaultDialer.DialContext(ctx, "ws"+strings.TrimPrefix(bareURL, "http")+"/ws", nil)
		if err != nil {
			return nil, err
		}
		bare.start(i, c)
	}
	for bc.count() < cfg.subscribers {
		time.Sleep(time.Millisecond) // the bare server registers its sockets
	}

	rep := &fanoutReport{cfg: cfg, frameBytes: len(sample)}
	stop, err := startProfile(cfg.cpuProfile)
	if err != nil {
		return nil, err
	}
	defer stop()
	fake := 0
	for r := 0; r < cfg.rounds; r++ {
		var fig roundFigures
		for c := 0; c < cfg.calls; c++ {
			// bare: one pre-rendered frame to every socket
			fake++
			fsid := fmt.Sprintf("s-%032x", fake)
			t0 := time.Now()
			if _, err := do(hc, mustRequest(ctx, "POST", bareURL+"/fire?sid="+fsid)); err != nil {
				return nil, err
			}
			lat, err := bare.await(ctx, fsid, t0)
			if err != nil {
				return nil, fmt.Errorf("bare round %d: %w", r+1, err)
			}
			fig.bare = append(fig.bare, lat...)

			// pbxsim: a call placed through the control API
			t0 = time.Now()
			id, sid, err := createCall(ctx, hc, base, "", "101", "102")
			if err != nil {
				return nil, err
			}
			lat, err = pbx.await(ctx, sid, t0)
			if err != nil {
				return nil, fmt.Errorf("pbxsim round %d: %w", r+1, err)
			}
			fig.pbx = append(fig.pbx, lat...)
			if err := hangup(ctx, hc, base, "", id); err != nil {
				return nil, err
			}
			pbx.quiet(20 * time.Millisecond)
		}
		sort.Slice(fig.pbx, func(i, j int) bool { return fig.pbx[i] < fig.pbx[j] })
		sort.Slice(fig.bare, func(i, j int) bool { return fig.bare[i] < fig.bare[j] })
		rep.rounds = append(rep.rounds, fig)
		if err := controlPost(ctx, hc, base, "", "/sim/v1/reset"); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func mustRequest(ctx context.Context, method, url string) *http.Request {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		panic(err)
	}
	return req
}

// subscribeAll opens n RingCentral WebSockets, each with its own login
// and an account-level telephony-sessions subscription.
func subscribeAll(ctx context.Context, hc *http.Client, base string, l *listeners, n int) error {
	for i := 0; i < n; i++ {
		tok, err := login(ctx, hc, base, 103+i/10)
		if err != nil {
			return fmt.Errorf("subscriber %d: %w", i, err)
		}
		u, err := wsURL(ctx, hc, base, tok)
		if err != nil {
			return fmt.Errorf("subscriber %d: %w", i, err)
		}
		c, _, err := websocket.DefaultDialer.DialContext(ctx, u, nil)
		if err != nil {
			return fmt.Errorf("subscriber %d: %w", i, err)
		}
		if _, _, err := c.ReadMessage(); err != nil { // ConnectionDetails
			c.Close()
			return err
		}
		sub := `[{"type":"ClientRequest","messageId":"bench-` + fmt.Sprint(i) + `","method":"POST","path":"/restapi/v1.0/subscription/"},` +
			`{"eventFilters":["/restapi/v1.0/account/~/telephony/sessions"],"deliveryMode":{"transportType":"WebSocket"}}]`
		if err := c.WriteMessage(websocket.TextMessage, []byte(sub)); err != nil {
			c.Close()
			return err
		}
		_, msg, err := c.ReadMessage()
		if err != nil {
			c.Close()
			return err
		}
		if st := gjson.GetBytes(msg, "0.status").Int(); st != http.StatusOK {
			c.Close()
			return fmt.Errorf("subscriber %d: subscription answered %d: %s", i, st, msg)
		}
		l.start(i, c)
	}
	return nil
}

// broadcaster is the floor: a gorilla/websocket server that writes one
// pre-rendered frame to every socket, each through its own writer
// goroutine and queue, as pbxsim does.
type broadcaster struct {
	template, placeholder string
	mu                    sync.Mutex
	queues                []chan []byte
}

func newBroadcaster(template, placeholder string) *broadcaster {
	return &broadcaster{template: template, placeholder: placeholder}
}

func (b *broadcaster) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.queues)
}

func (b *broadcaster) serve() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	up := websocket.Upgrader{}
	done := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		q := make(chan []byte, 256)
		b.mu.Lock()
		b.queues = append(b.queues, q)
		b.mu.Unlock()
		go func() {
			defer c.Close()
			for {
				select {
				case <-done:
					return
				case f := <-q:
					_ = c.SetWriteDeadline(time.Now().Add(10 * time.Second))
					if c.WriteMessage(websocket.TextMessage, f) != nil {
						return
					}
				}
			}
		}()
		go func() { // discard what the client sends; notice it closing
			for {
				if _, _, err := c.NextReader(); err != nil {
					return
				}
			}
		}()
	})
	mux.HandleFunc("/fire", func(w http.ResponseWriter, r *http.Request) {
		f := []byte(strings.ReplaceAll(b.template, b.placeholder, r.URL.Query().Get("sid")))
		b.mu.Lock()
		qs := b.queues
		b.mu.Unlock()
		for _, q := range qs {
			select {
			case q <- f:
			default:
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { close(done); _ = hs.Close() }, nil
}

func (r *fanoutReport) markdown(w io.Writer) {
	fmt.Fprintf(w, "## Fan-out: %d WebSocket subscribers on one RingCentral account\n\n", r.cfg.subscribers)
	fmt.Fprintf(w, "Time from the request to the frame each subscriber reads; %d calls per round, /sim/v1/reset after each round; the bare broadcaster writes one pre-rendered %d-byte frame.\n\n", r.cfg.calls, r.frameBytes)
	fmt.Fprintf(w, "| round | pbxsim p50 | p99 | max | bare p50 | p99 | max | p99 ratio |\n|---|---|---|---|---|---|---|---|\n")
	var allPBX, allBare []time.Duration
	var ratios []float64
	for i, f := range r.rounds {
		ratio := float64(percentile(f.pbx, 0.99)) / float64(percentile(f.bare, 0.99))
		ratios = append(ratios, ratio)
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s | %s | %.2f× |\n", i+1,
			ms(percentile(f.pbx, 0.5)), ms(percentile(f.pbx, 0.99)), ms(percentile(f.pbx, 1)),
			ms(percentile(f.bare, 0.5)), ms(percentile(f.bare, 0.99)), ms(percentile(f.bare, 1)), ratio)
		allPBX, allBare = append(allPBX, f.pbx...), append(allBare, f.bare...)
	}
	sort.Slice(allPBX, func(i, j int) bool { return allPBX[i] < allPBX[j] })
	sort.Slice(allBare, func(i, j int) bool { return allBare[i] < allBare[j] })
	overall := float64(percentile(allPBX, 0.99)) / float64(percentile(allBare, 0.99))
	fmt.Fprintf(w, "| all | %s | %s | %s | %s | %s | %s | %.2f× |\n\n",
		ms(percentile(allPBX, 0.5)), ms(percentile(allPBX, 0.99)), ms(percentile(allPBX, 1)),
		ms(percentile(allBare, 0.5)), ms(percentile(allBare, 0.99)), ms(percentile(allBare, 1)), overall)
	verdict := "ok"
	if overall > 1.2 {
		verdict = "ABOVE TARGET"
	}
	fmt.Fprintf(w, "- p99 pbxsim / bare over all rounds: **%.2f×** (target ≤ 1.2×): %s\n", overall, verdict)
	if n := len(ratios); n >= 2 {
		half := n / 2
		fmt.Fprintf(w, "- drift: mean p99 ratio of rounds 1–%d %.2f×, of rounds %d–%d %.2f×\n\n", half, mean(ratios[:half]), half+1, n, mean(ratios[half:]))
	}
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }
