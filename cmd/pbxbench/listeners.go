package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/tidwall/gjson"
)

// listeners is a set of WebSocket readers that note, per telephony
// session, when each first read a frame about it: the first ever, or the
// first matching one since the session was armed again (arm).
type listeners struct {
	conns   []*websocket.Conn
	epochs  sync.Map // session -> *epoch: what is awaited about it now
	frames  atomic.Int64
	ended   atomic.Int64 // readers whose socket closed
	lastErr atomic.Value // string: the last reader's error
	sample  atomic.Value // []byte: one notification frame
	wg      sync.WaitGroup
}

// epoch is one awaited frame about a session: each listener notes the
// first frame it reads that is not older than notBefore and matches.
// seen[i] and at[i] are written by listener i alone; await reads at once
// count says every listener wrote its own.
type epoch struct {
	notBefore time.Time
	match     func(msg []byte) bool // nil: any frame about the session
	seen      []bool
	at        []time.Time
	count     atomic.Int64
	matched   atomic.Pointer[[]byte] // the first frame it matched
}

func newListeners() *listeners { return &listeners{} }

func (l *listeners) newEpoch(notBefore time.Time, match func([]byte) bool) *epoch {
	n := len(l.conns)
	return &epoch{notBefore: notBefore, match: match, seen: make([]bool, n), at: make([]time.Time, n)}
}

func (l *listeners) read(i int, c *websocket.Conn) {
	defer l.wg.Done()
	for {
		_, msg, err := c.ReadMessage()
		if err != nil {
			l.ended.Add(1)
			l.lastErr.Store(err.Error())
			return
		}
		now := time.Now()
		l.frames.Add(1)
		sid := gjson.GetBytes(msg, "1.body.telephonySessionId").String()
		if sid == "" {
			continue
		}
		if l.sample.Load() == nil {
			l.sample.Store(append([]byte(nil), msg...))
		}
		v, ok := l.epochs.Load(sid)
		if !ok {
			v, _ = l.epochs.LoadOrStore(sid, l.newEpoch(time.Time{}, nil))
		}
		e := v.(*epoch)
		if i < len(e.seen) && !e.seen[i] && !now.Before(e.notBefore) && (e.match == nil || e.match(msg)) {
			e.seen[i], e.at[i] = true, now
			if e.count.Add(1) == 1 {
				m := append([]byte(nil), msg...)
				e.matched.Store(&m)
			}
		}
	}
}

// start adds a reader; every reader is started before the first await.
func (l *listeners) start(_ int, c *websocket.Conn) {
	i := len(l.conns)
	l.conns = append(l.conns, c)
	l.wg.Add(1)
	go l.read(i, c)
}

// arm starts awaiting the next frame about sid that match accepts, and
// returns the time it counts from: call it just before the request.
func (l *listeners) arm(sid string, match func([]byte) bool) time.Time {
	t0 := time.Now()
	l.epochs.Store(sid, l.newEpoch(t0, match))
	return t0
}

// await waits until every listener has read the awaited frame about sid,
// then returns each one's delay since t0, sorted.
func (l *listeners) await(ctx context.Context, sid string, t0 time.Time) ([]time.Duration, error) {
	deadline := time.Now().Add(30 * time.Second)
	n := int64(len(l.conns))
	var e *epoch
	for {
		if v, ok := l.epochs.Load(sid); ok {
			e = v.(*epoch)
			if e.count.Load() >= n {
				break
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			got := int64(0)
			if e != nil {
				got = e.count.Load()
			}
			why, _ := l.lastErr.Load().(string)
			return nil, fmt.Errorf("only %d of %d subscribers read the frame awaited about %s; %d sockets had closed (last: %s)", got, n, sid, l.ended.Load(), why)
		}
		time.Sleep(200 * time.Microsecond) // a benchmark polling its own counters
	}
	out := make([]time.Duration, 0, n)
	for _, at := range e.at {
		out = append(out, at.Sub(t0))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// matched is the first frame the awaited epoch of sid matched (nil when
// none did yet).
func (l *listeners) matched(sid string) []byte {
	if v, ok := l.epochs.Load(sid); ok {
		if m := v.(*epoch).matched.Load(); m != nil {
			return *m
		}
	}
	return nil
}

// forget drops what the listeners noted about sid (an ended call).
func (l *listeners) forget(sid string) { l.epochs.Delete(sid) }

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
