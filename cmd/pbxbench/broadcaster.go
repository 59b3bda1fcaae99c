package main

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// broadcaster is the floor: a gorilla/websocket server that writes one
// pre-rendered frame (or ?frames=n copies of it) to every socket, each through its own writer
// goroutine and queue, as pbxsim does.
type broadcaster struct {
	// templates are the frames it writes, by kind (?kind=), each with the
	// telephony session id in it that ?sid= replaces.
	templates map[string]frameTemplate
	mu        sync.Mutex
	queues    []chan []byte
}

// frameTemplate is a frame pbxsim wrote, and the session id in it.
type frameTemplate struct{ frame, sid string }

func newBroadcaster(templates map[string]frameTemplate) *broadcaster {
	return &broadcaster{templates: templates}
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
		t, ok := b.templates[r.URL.Query().Get("kind")]
		if !ok {
			http.Error(w, "no such kind of frame", http.StatusBadRequest)
			return
		}
		f := []byte(strings.ReplaceAll(t.frame, t.sid, r.URL.Query().Get("sid")))
		frames, _ := strconv.Atoi(r.URL.Query().Get("frames"))
		frames = min(max(frames, 1), 100)
		b.mu.Lock()
		qs := b.queues
		b.mu.Unlock()
		for _, q := range qs {
			for range frames {
				select {
				case q <- f:
				default:
				}
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { close(done); _ = hs.Close() }, nil
}
