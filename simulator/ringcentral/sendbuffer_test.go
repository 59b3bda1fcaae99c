package ringcentral

import (
	"net"
	"testing"
)

type bufferConn struct {
	net.Conn
	set int
}

func (b *bufferConn) SetWriteBuffer(n int) error { b.set = n; return nil }

type wrappedConn struct{ net.Conn }

func (w wrappedConn) NetConn() net.Conn { return w.Conn }

// Rule: a subscriber's kernel send buffer is bounded even when the server
// wraps the accepted connection (pbxsim's connection cap does), so a
// stalled subscriber is still found within a few hundred notifications.
// Source: cmd/pbxload's stalled-subscriber check; issue 10 item 11 added
// the wrapper.
func TestSendBufferBoundReachesThroughWrappers(t *testing.T) {
	inner := &bufferConn{}
	setWriteBuffer(wrappedConn{wrappedConn{inner}}, 64<<10)
	if inner.set != 64<<10 {
		t.Fatalf("send buffer through two wrappers: set %d, want %d", inner.set, 64<<10)
	}
	setWriteBuffer(wrappedConn{}, 1) // a wrapper of nothing: no panic
}
