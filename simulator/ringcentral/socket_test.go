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
	c := &wsConn{ws: <-serverSide, send: make(chan wsOut, 2), closed: make(chan struct{})}
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
