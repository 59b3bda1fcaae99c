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
// session, when each first read a frame about it.
type listeners struct {
	conns   []*websocket.Conn
	first   []map[string]time.Time
	mu      []sync.Mutex
	counts  sync.Map // session -> *atomic.Int64: listeners that saw it
	frames  atomic.Int64
	ended   atomic.Int64 // readers whose socket closed
	lastErr atomic.Value // string: the last reader's error
	sample  atomic.Value // []byte: one notification frame
	wg      sync.WaitGroup
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
			why, _ := l.lastErr.Load().(string)
			return nil, fmt.Errorf("only %d of %d subscribers read a frame about %s; %d sockets had closed (last: %s)", got, n, sid, l.ended.Load(), why)
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

// forget drops what the listeners noted about sid, so that the next
// await of it measures the next frame about it.
func (l *listeners) forget(sid string) {
	for i := range l.first {
		l.mu[i].Lock()
		delete(l.first[i], sid)
		l.mu[i].Unlock()
	}
	l.counts.Delete(sid)
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
