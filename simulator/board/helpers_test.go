package board_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator/board"
)

func boardHandler(b *board.Board) http.Handler {
	r := mux.NewRouter()
	b.Mount(r)
	return r
}

// stuckWriter is a browser that stops reading: writes block while stuck.
type stuckWriter struct {
	mu     sync.Mutex
	cond   *sync.Cond
	header http.Header
	buf    strings.Builder
	frames int
	stuck  bool
}

func newStuckWriter() *stuckWriter {
	w := &stuckWriter{header: http.Header{}}
	w.cond = sync.NewCond(&w.mu)
	return w
}

func (w *stuckWriter) Header() http.Header { return w.header }
func (w *stuckWriter) WriteHeader(int)     {}
func (w *stuckWriter) Flush()              {}

func (w *stuckWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.stuck {
		w.cond.Wait()
	}
	w.buf.Write(p)
	w.frames++
	w.cond.Broadcast()
	return len(p), nil
}

func (w *stuckWriter) stick() {
	w.mu.Lock()
	w.stuck = true
	w.mu.Unlock()
}

func (w *stuckWriter) release() {
	w.mu.Lock()
	w.stuck = false
	w.cond.Broadcast()
	w.mu.Unlock()
}

func (w *stuckWriter) await(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	timer := time.AfterFunc(10*time.Second, func() { w.mu.Lock(); w.cond.Broadcast(); w.mu.Unlock() })
	defer timer.Stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within 10s; the stream wrote:\n%s", what, w.buf.String())
		}
		w.cond.Wait()
	}
}

func (w *stuckWriter) awaitFrames(t *testing.T, n int) {
	w.await(t, "frame", func() bool { return w.frames >= n })
}

func (w *stuckWriter) awaitText(t *testing.T, s string) {
	w.await(t, s, func() bool { return strings.Contains(w.buf.String(), s) })
}
