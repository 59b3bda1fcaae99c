package main

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
)

type fanoutConfig struct {
	subscribers, rounds, calls int
	cpuProfile                 string // covers the rounds
}

// roundFigures are one round's latencies, request to frame read, each
// sorted.
//
// change and bare are the comparison (issue 16 item 4): a request
// that changes one thing about a call (a party put on hold or taken off
// it through the RingCentral API), which pbxsim tells every subscriber in
// one notification, against the bare broadcaster writing one
// pre-rendered notification of the same size. Each bare measurement is
// taken just before the pbxsim one it is compared with.
//
// call and burst show a new call: pbxsim tells each subscriber about it
// in several notifications at once (each party's set-up), so the first
// of them is compared with the broadcaster writing as many frames per
// socket in one go (burst).
type roundFigures struct {
	change, bare []time.Duration
	call, burst  []time.Duration
	// answered is how long each change's request took to be answered.
	answered []time.Duration
}

type fanoutReport struct {
	cfg fanoutConfig
	// frameBytes is the size of a hold's frame, callFrameBytes of a new
	// call's first frame: the bare broadcaster writes these same frames.
	frameBytes, callFrameBytes int
	// framesPerChange and framesPerCall are what each subscriber read per
	// hold or unhold and per new call (the probe call's counts).
	framesPerChange, framesPerCall float64
	rounds                         []roundFigures
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

	pbx := newListeners()
	defer pbx.close()
	if err := subscribeAll(ctx, hc, base, pbx, cfg.subscribers); err != nil {
		return nil, err
	}
	caller, err := login(ctx, hc, base, 101)
	if err != nil {
		return nil, err
	}
	w := &fanoutWorld{hc: hc, base: base, callerToken: caller, pbx: pbx}

	// One probe call gives the size and shape of a notification frame,
	// and how many frames a new call and a change cost each subscriber.
	rep := &fanoutReport{cfg: cfg}
	var probe probeCounts
	if _, err := w.oneCall(ctx, nil, &probe); err != nil {
		return nil, err
	}
	n := float64(cfg.subscribers)
	rep.framesPerCall, rep.framesPerChange = float64(probe.call)/n, float64(probe.change)/n
	sample, _ := pbx.sample.Load().([]byte)
	rep.callFrameBytes, rep.frameBytes = len(sample), len(probe.changeFrame)
	sid := func(f []byte) string { return gjson.GetBytes(f, "1.body.telephonySessionId").String() }
	// The bare frames are pbxsim's own, byte for byte: a call's first
	// frame, and a hold's.
	bc := newBroadcaster(map[string]frameTemplate{
		"call":   {frame: string(sample), sid: sid(sample)},
		"change": {frame: string(probe.changeFrame), sid: sid(probe.changeFrame)},
	})
	bareURL, stopBare, err := bc.serve()
	if err != nil {
		return nil, err
	}
	defer stopBare()
	bare := newListeners()
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
	burst := max(1, int(rep.framesPerCall+0.5))
	fake := 0
	w.fire = func(kind string, frames int) ([]time.Duration, error) {
		fake++
		fsid := fmt.Sprintf("s-%032x", fake)
		t0 := time.Now()
		if kind == "change" {
			// The bare readers test the frame as pbxsim's do (its template
			// is a hold's): both sides pay the same parse per frame.
			t0 = bare.arm(fsid, partyStatus("Hold"))
		}
		if _, err := do(hc, mustRequest(ctx, "POST", fmt.Sprintf("%s/fire?kind=%s&sid=%s&frames=%d", bareURL, kind, fsid, frames))); err != nil {
			return nil, err
		}
		lat, err := bare.await(ctx, fsid, t0)
		bare.quiet(10 * time.Millisecond)
		bare.forget(fsid)
		return lat, err
	}
	w.burst = burst

	stop, err := startProfile(cfg.cpuProfile)
	if err != nil {
		return nil, err
	}
	defer stop()
	for r := 0; r < cfg.rounds; r++ {
		var fig roundFigures
		for c := 0; c < cfg.calls; c++ {
			if _, err := w.oneCall(ctx, &fig, nil); err != nil {
				return nil, fmt.Errorf("round %d: %w", r+1, err)
			}
		}
		for _, s := range [][]time.Duration{fig.change, fig.bare, fig.call, fig.burst, fig.answered} {
			sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		}
		rep.rounds = append(rep.rounds, fig)
		if err := controlPost(ctx, hc, base, "", "/sim/v1/reset"); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// fanoutWorld is what a round needs to place a call and change it.
type fanoutWorld struct {
	hc          *http.Client
	base        string
	callerToken string // extension 101's access token: it holds its own party
	pbx         *listeners
	// fire makes the bare broadcaster write frames frames to every socket
	// and returns each socket's delay to the first; burst is the frame
	// count of a new call.
	fire  func(kind string, frames int) ([]time.Duration, error)
	burst int
}

// probeCounts are the frames all subscribers read for a new call and for
// one change.
type probeCounts struct {
	call, change int64
	changeFrame  []byte // the hold's frame, as a subscriber read it
}

// oneCall places a call from 101 to 102, has 102 answer, puts 101's party
// on hold and takes it off again, and hangs up. With fig it records the
// call's first frame and each change (and the bare figures beside them);
// with probe it counts the frames instead.
func (w *fanoutWorld) oneCall(ctx context.Context, fig *roundFigures, probe *probeCounts) (string, error) {
	l := w.pbx
	if fig != nil {
		lat, err := w.fire("call", w.burst)
		if err != nil {
			return "", fmt.Errorf("bare burst: %w", err)
		}
		fig.burst = append(fig.burst, lat...)
	}
	before := l.frames.Load()
	t0 := time.Now()
	call, err := createCall(ctx, w.hc, w.base, "", "101", "102")
	if err != nil {
		return "", err
	}
	lat, err := l.await(ctx, call.session, t0)
	if err != nil {
		return "", fmt.Errorf("pbxsim new call: %w", err)
	}
	l.quiet(20 * time.Millisecond)
	if probe != nil {
		probe.call = l.frames.Load() - before
	}
	if fig != nil {
		fig.call = append(fig.call, lat...)
	}
	if err := controlPost(ctx, w.hc, w.base, "", "/sim/v1/calls/"+call.id+"/legs/"+call.calleeLeg+"/answer"); err != nil {
		return "", err
	}
	l.quiet(20 * time.Millisecond)
	for _, action := range []string{"hold", "unhold"} {
		if fig != nil {
			lat, err := w.fire("change", 1)
			if err != nil {
				return "", fmt.Errorf("bare: %w", err)
			}
			fig.bare = append(fig.bare, lat...)
		}
		before := l.frames.Load()
		t0 := l.arm(call.session, partyStatus(map[string]string{"hold": "Hold", "unhold": "Answered"}[action]))
		if err := w.partyAction(ctx, call.session, call.callerParty, action); err != nil {
			return "", err
		}
		took := time.Since(t0)
		lat, err := l.await(ctx, call.session, t0)
		if err != nil {
			return "", fmt.Errorf("pbxsim %s: %w", action, err)
		}
		l.quiet(20 * time.Millisecond)
		if probe != nil {
			probe.change = l.frames.Load() - before
			if action == "hold" {
				probe.changeFrame = l.matched(call.session)
			}
		}
		if fig != nil {
			fig.change = append(fig.change, lat...)
			fig.answered = append(fig.answered, took)
		}
	}
	if err := hangup(ctx, w.hc, w.base, "", call.id); err != nil {
		return "", err
	}
	l.quiet(20 * time.Millisecond)
	l.forget(call.session)
	return call.session, nil
}

// partyStatus matches a notification frame whose party has status code.
func partyStatus(code string) func([]byte) bool {
	return func(msg []byte) bool { return gjson.GetBytes(msg, "1.body.parties.0.status.code").String() == code }
}

// partyAction posts a RingCentral party action (hold, unhold) as the
// caller's own extension.
func (w *fanoutWorld) partyAction(ctx context.Context, session, party, action string) error {
	req, _ := http.NewRequestWithContext(ctx, "POST", w.base+"/restapi/v1.0/account/~/telephony/sessions/"+session+"/parties/"+party+"/"+action, strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+w.callerToken)
	req.Header.Set("Content-Type", "application/json")
	_, err := do(w.hc, req)
	return err
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
