package ringcentral

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// Rule: a socket that falls behind is closed instead of blocking the
// publisher; pushing to it never waits.
// Source: the project brief ("a slow socket is dropped, never blocks others"); STYLE (wtf inmem/event.go).
func TestSlowSocketIsDroppedNotWaitedFor(t *testing.T) {
	serverSide := make(chan *websocket.Conn, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		serverSide <- c
	}))
	defer srv.Close()
	client, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	// No writeLoop drains this connection: it is as slow as a socket can be.
	c := &wsConn{ws: <-serverSide, send: newSendQueue(2), closed: make(chan struct{})}
	for i := 0; i < 2; i++ {
		c.push([]byte("frame"))
	}
	select {
	case <-c.closed:
		t.Fatal("a socket with room in its queue must stay open")
	default:
	}
	c.push([]byte("one too many")) // must return at once
	select {
	case <-c.closed:
	default:
		t.Fatal("a socket whose queue is full must be closed")
	}
	c.push([]byte("after close")) // still never blocks
}

// Rule: a socket's send queue hands its writer the frames in the order
// they were pushed, refuses a frame only when max frames wait, holds no
// memory for frames already taken, and lets go of a slice a burst grew
// far beyond the backlog. Source: issue 16 (a deep bound must not cost an
// idle socket; a live listener must not be closed while reading).
func TestSendQueueKeepsOrderAndItsBound(t *testing.T) {
	q := newSendQueue(3)
	for i := 0; i < 3; i++ {
		if !q.push(wsOut{seq: int64(i), raw: []byte("frame")}) {
			t.Fatalf("push %d refused with %d of 3 waiting", i, i)
		}
	}
	if q.push(wsOut{seq: 3}) {
		t.Fatal("a fourth frame was queued past the bound of 3")
	}
	select {
	case <-q.ready:
	default:
		t.Fatal("frames wait but the writer is not told")
	}
	batch := q.take(nil)
	if len(batch) != 3 || batch[0].seq != 0 || batch[2].seq != 2 {
		t.Fatalf("took %+v, want seq 0, 1, 2", batch)
	}
	if !q.push(wsOut{seq: 4, raw: []byte("x")}) {
		t.Fatal("the queue refused a frame after the writer took the backlog")
	}
	next := q.take(spareAfter(batch))
	if len(next) != 1 || next[0].seq != 4 {
		t.Fatalf("took %+v, want seq 4", next)
	}
	for i, f := range q.frames[:3] {
		if f.raw != nil {
			t.Errorf("the slice handed back still holds frame %d, already written", i)
		}
	}
	big := make([]wsOut, 10, 4096)
	if spareAfter(big) != nil {
		t.Error("a burst's 4096-frame slice was kept for a backlog of 10")
	}

	// Whole frames (replies the client asked for) are bounded in bytes.
	q = newSendQueue(4096)
	reply := make([]byte, 64<<10)
	for i := 0; i < 4; i++ {
		if !q.push(wsOut{raw: reply}) {
			t.Fatalf("reply %d refused with %d KiB waiting", i, i*64)
		}
	}
	if q.push(wsOut{raw: []byte("x")}) {
		t.Error("a byte past 256 KiB of waiting replies was queued")
	}
	if !q.push(wsOut{seq: 9}) {
		t.Error("a notification was refused although only replies fill the byte bound")
	}
	q.take(nil)
	if !q.push(wsOut{raw: reply}) {
		t.Error("a reply was refused after the writer took the backlog")
	}
}
