package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/client/control"
	nsclient "github.com/xfer-conform/xfer-conform/client/netsapiens"
)

// sample is pbxsim's footprint at one moment, read from /sim/v1/metrics.
type sample struct {
	label                     string
	at                        time.Duration
	rss, heap                 float64
	goroutines                float64
	journalBytes, eventBytes  float64
	sockets, subs, activeCall float64
}

// soakReport is the outcome of a churn run.
type soakReport struct {
	cfg                       config
	remote                    bool
	samples                   []sample
	iterations                map[string]*atomic.Int64
	st                        *stats
	elapsed                   time.Duration
	rssRatio, goroutinesRatio float64
}

func (r *soakReport) ok() bool {
	return len(r.st.errors) == 0 && r.rssRatio <= 2 && r.goroutinesRatio <= 2
}

// soak churns for cfg.duration: calls, logins, sockets and subscriptions
// are created and dropped; the footprint is sampled at the start, the
// middle and the end, and after cfg.settle (the retention window).
func soak(ctx context.Context, cfg config) (*soakReport, error) {
	srv, base, err := startTarget(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if srv != nil {
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
	}
	rep := &soakReport{cfg: cfg, remote: srv == nil, st: newStats(), iterations: map[string]*atomic.Int64{
		"ringcentral": new(atomic.Int64), "netsapiens": new(atomic.Int64)}}
	transport := &http.Transport{MaxIdleConnsPerHost: 4 * cfg.workers, IdleConnTimeout: time.Second}
	defer transport.CloseIdleConnections()
	hc := &http.Client{Transport: timing{s: rep.st, next: transport}, Timeout: 30 * time.Second}
	ctl := control.New(base, &http.Client{Transport: transport, Timeout: 30 * time.Second}).WithToken(cfg.controlToken)
	hook := nsclient.NewWebhookReceiver()
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()

	start := time.Now()
	loadCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	for w := 0; w < cfg.workers; w++ {
		wg.Add(2)
		go func(w int) { defer wg.Done(); rcChurn(loadCtx, base, w, hc, ctl, rep) }(w)
		go func(w int) { defer wg.Done(); nsChurn(loadCtx, base, w, hookSrv.URL, hc, ctl, rep) }(w)
	}
	take := func(label string) error {
		runtime.GC() // in-process, pbxload's own garbage is not pbxsim's
		m, err := scrape(ctx, base, cfg.controlToken)
		if err != nil {
			return err
		}
		rep.samples = append(rep.samples, sample{label: label, at: time.Since(start).Round(time.Second),
			rss: m["process_resident_memory_bytes"], heap: m["go_memstats_heap_inuse_bytes"], goroutines: m["go_goroutines"],
			journalBytes: m["pbxsim_journal_bytes"], eventBytes: m["pbxsim_event_log_bytes"],
			sockets: m["pbxsim_ringcentral_websockets"], subs: m["pbxsim_ringcentral_subscriptions"] + m["pbxsim_netsapiens_subscriptions"],
			activeCall: m["pbxsim_active_calls"]})
		return nil
	}
	// The start is taken after a warm-up, once the journal and the event
	// log (bounded rings) are full: what must not grow is what follows.
	if err := take("fresh"); err != nil {
		return nil, err
	}
	select {
	case <-time.After(cfg.warmUp):
	case <-loadCtx.Done():
	}
	if err := take("start"); err != nil {
		return nil, err
	}
	loadStart := time.Now()
	select {
	case <-time.After(cfg.duration / 2):
		if err := take("middle"); err != nil {
			rep.st.errorf("middle sample: %v", err)
		}
	case <-loadCtx.Done():
	}
	select {
	case <-time.After(time.Until(loadStart.Add(cfg.duration))):
	case <-loadCtx.Done():
	}
	stop()
	wg.Wait()
	rep.elapsed = time.Since(start)
	if err := take("end"); err != nil {
		return nil, err
	}
	if cfg.settle > 0 {
		select {
		case <-time.After(cfg.settle): // the retention window: dropped sockets' sessions, ended calls
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if err := take("after " + cfg.settle.String()); err != nil {
			return nil, err
		}
	}
	first, last := rep.samples[1], rep.samples[len(rep.samples)-1]
	rep.rssRatio, rep.goroutinesRatio = last.rss/first.rss, last.goroutines/first.goroutines
	return rep, nil
}

// rcChurn: log in, open a WebSocket, subscribe, place a call and read its
// first notification, hang up, delete the subscription, drop the socket,
// revoke the token; again.
func rcChurn(ctx context.Context, base string, w int, hc *http.Client, ctl *control.Client, rep *soakReport) {
	cust, op := 100+w*3, 101+w*3
	for ctx.Err() == nil {
		if err := rcChurnOnce(ctx, base, cust, op, hc, ctl); err != nil {
			if ctx.Err() == nil {
				rep.st.errorf("rc churn %d: %v", w, err)
				time.Sleep(100 * time.Millisecond) // a tool: do not spin on a failing target
			}
			continue
		}
		rep.iterations["ringcentral"].Add(1)
	}
}

func rcChurnOnce(ctx context.Context, base string, cust, op int, hc *http.Client, ctl *control.Client) error {
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {fmt.Sprintf("jwt-%d", op)}}
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/restapi/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("load-client", "load-secret")
	tok, err := postJSON(hc, req, "access_token")
	if err != nil {
		return err
	}
	defer revoke(base, hc, tok)
	req, _ = http.NewRequestWithContext(ctx, "POST", base+"/restapi/oauth/wstoken", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	wsTok, err := postJSON(hc, req, "ws_access_token")
	if err != nil {
		return err
	}
	u := "ws" + strings.TrimPrefix(base, "http") + "/ws?access_token=" + url.QueryEscape(wsTok)
	conn, _, err := websocket.DefaultDialer.DialContext(ctx, u, nil)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, _, err := conn.ReadMessage(); err != nil { // ConnectionDetails
		return err
	}
	sub := `[{"type":"ClientRequest","messageId":"churn","method":"POST","path":"/restapi/v1.0/subscription/"},` +
		`{"eventFilters":["/restapi/v1.0/account/~/extension/~/telephony/sessions"],"deliveryMode":{"transportType":"WebSocket"}}]`
	if err := conn.WriteMessage(websocket.TextMessage, []byte(sub)); err != nil {
		return err
	}
	_, msg, err := conn.ReadMessage()
	if err != nil {
		return err
	}
	subID := gjson.GetBytes(msg, "1.id").String()
	if gjson.GetBytes(msg, "0.status").Int() != http.StatusOK || subID == "" {
		return fmt.Errorf("subscription over the socket: %s", msg)
	}
	call, err := ctl.CreateCall(ctx, strconv.Itoa(cust), strconv.Itoa(op))
	if err != nil {
		return err
	}
	_, _, err = conn.ReadMessage() // the operator's first notification about it
	// Clean up even when the load has just stopped: what the churn leaves
	// behind must be what pbxsim keeps, not what pbxload forgot.
	if herr := ctl.HangupCall(context.Background(), call.ID); err == nil {
		err = herr
	}
	if err != nil {
		return err
	}
	req, _ = http.NewRequestWithContext(context.Background(), "DELETE", base+"/restapi/v1.0/subscription/"+subID, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode >= 300 {
		return fmt.Errorf("DELETE subscription: %d", res.StatusCode)
	}
	return nil
}

func revoke(base string, hc *http.Client, tok string) {
	req, _ := http.NewRequest("POST", base+"/restapi/oauth/revoke", strings.NewReader(url.Values{"token": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("load-client", "load-secret")
	if res, err := hc.Do(req); err == nil {
		res.Body.Close()
	}
}

// nsChurn: subscribe a webhook, place and hang up a call, delete the
// subscription; again.
func nsChurn(ctx context.Context, base string, w int, hookURL string, hc *http.Client, ctl *control.Client, rep *soakReport) {
	caller, inbound := fmt.Sprintf("+1415555%04d", w), fmt.Sprintf("+1312555%04d", w)
	for ctx.Err() == nil {
		if err := nsChurnOnce(ctx, base, caller, inbound, fmt.Sprintf("%s/w%d", hookURL, w), hc, ctl); err != nil {
			if ctx.Err() == nil {
				rep.st.errorf("ns churn %d: %v", w, err)
				time.Sleep(100 * time.Millisecond) // a tool: do not spin on a failing target
			}
			continue
		}
		rep.iterations["netsapiens"].Add(1)
	}
}

func nsChurnOnce(ctx context.Context, base, caller, inbound, hookURL string, hc *http.Client, ctl *control.Client) error {
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/ns-api/v2/domains/LOAD/subscriptions",
		strings.NewReader(`{"model":"call","post-url":"`+hookURL+`"}`))
	req.Header.Set("Authorization", "Bearer "+loadKey)
	req.Header.Set("Content-Type", "application/json")
	id, err := postJSON(hc, req, "id")
	if err != nil {
		return err
	}
	call, err := ctl.CreateCall(ctx, caller, inbound)
	if err == nil {
		err = ctl.HangupCall(context.Background(), call.ID)
	}
	req, _ = http.NewRequestWithContext(context.Background(), "DELETE", base+"/ns-api/v2/domains/LOAD/subscriptions/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+loadKey)
	res, derr := hc.Do(req)
	if derr == nil {
		res.Body.Close()
		if res.StatusCode >= 300 {
			derr = fmt.Errorf("DELETE subscription: %d", res.StatusCode)
		}
	}
	if err != nil {
		return err
	}
	return derr
}

// scrape reads the unlabelled samples of /sim/v1/metrics.
func scrape(ctx context.Context, base, token string) (map[string]float64, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/sim/v1/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /sim/v1/metrics: %d", res.StatusCode)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || strings.ContainsRune(line, '{') {
			continue
		}
		name, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if v, err := strconv.ParseFloat(strings.TrimSpace(value), 64); err == nil {
			out[name] = v
		}
	}
	return out, sc.Err()
}

func (r *soakReport) markdown() string {
	var b strings.Builder
	where := "pbxsim in-process (figures include pbxload's own process)"
	if r.remote {
		where = "pbxsim at " + r.cfg.target + " (another process)"
	}
	fmt.Fprintf(&b, "## pbxload --churn: %d workers per vendor for %s after a %s warm-up, %s\n\n", r.cfg.workers, r.cfg.duration, r.cfg.warmUp, where)
	for _, k := range []string{"ringcentral", "netsapiens"} {
		n := r.iterations[k].Load()
		fmt.Fprintf(&b, "- %s churn iterations: %d (%.1f/s)\n", k, n, float64(n)/(r.cfg.warmUp+r.cfg.duration).Seconds())
	}
	fmt.Fprintf(&b, "- errors: %d\n", len(r.st.errors))
	for _, e := range r.st.errors {
		fmt.Fprintf(&b, "  - %s\n", e)
	}
	verdict := "ok"
	if r.rssRatio > 2 || r.goroutinesRatio > 2 {
		verdict = "NOT BACK WITHIN 2×"
	}
	fmt.Fprintf(&b, "- start is taken after a %s warm-up of the same churn (the journal and event log, bounded rings, are full by then)\n", r.cfg.warmUp)
	fmt.Fprintf(&b, "- last sample against the start: RSS %.2f×, goroutines %.2f× (target ≤ 2×): %s\n\n", r.rssRatio, r.goroutinesRatio, verdict)
	b.WriteString("| sample | at | RSS MiB | heap in use MiB | goroutines | journal KiB | event log KiB | sockets | subscriptions | active calls |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, s := range r.samples {
		fmt.Fprintf(&b, "| %s | %s | %.1f | %.1f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n", s.label, s.at,
			s.rss/(1<<20), s.heap/(1<<20), s.goroutines, s.journalBytes/1024, s.eventBytes/1024, s.sockets, s.subs, s.activeCall)
	}
	b.WriteString("\n")
	b.WriteString(r.st.table(r.elapsed))
	return b.String()
}
