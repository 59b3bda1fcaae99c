package pbxsim

import (
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Limits bound what one client can hold of the HTTP server, so stalled or
// hostile clients cannot starve the others (issue 10 item 11). Zero fields
// take the defaults; docs/limits.md lists them.
type Limits struct {
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout time.Duration
	// BodyTimeout bounds reading a request's body, from the moment its
	// headers are read. It does not apply to a request's handling: a
	// latency fault or a WebSocket may last longer.
	BodyTimeout time.Duration
	// IdleTimeout closes a keep-alive connection with no request.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds the request line and headers.
	MaxHeaderBytes int
	// MaxConns caps the open connections (WebSockets included); a client
	// beyond it waits in the listen backlog until one closes.
	MaxConns int
}

// Defaults of Limits.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultBodyTimeout       = 30 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
	// DefaultMaxConns is the connection cap unless the process may open
	// fewer files: then three quarters of its file-descriptor limit.
	DefaultMaxConns = 4096
)

func (l Limits) withDefaults() Limits {
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if l.BodyTimeout <= 0 {
		l.BodyTimeout = DefaultBodyTimeout
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = DefaultIdleTimeout
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if l.MaxConns <= 0 {
		l.MaxConns = DefaultMaxConns
		if fds := fileLimit(); fds > 0 && fds*3/4 < l.MaxConns {
			l.MaxConns = fds * 3 / 4
		}
		if l.MaxConns < 16 {
			l.MaxConns = 16
		}
	}
	return l
}

// bodyDeadline gives a request BodyTimeout to deliver its body: a body
// trickled at one byte every five seconds is cut. The deadline is lifted
// once the body is read, so it never applies to the handling itself
// (http.Server.ReadTimeout would: its deadline stays on the connection
// and cancels the request's context when it passes).
func bodyDeadline(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
				next.ServeHTTP(w, r)
				return
			}
			if http.NewResponseController(w).SetReadDeadline(time.Now().Add(d)) != nil {
				next.ServeHTTP(w, r)
				return
			}
			r.Body = &deadlineBody{ReadCloser: r.Body, w: w}
			next.ServeHTTP(w, r)
		})
	}
}

// deadlineBody lifts the read deadline at the body's end. It keeps the
// writer, not a ResponseController: a controller made where it is used
// stays on the stack, one allocation less per request with a body.
type deadlineBody struct {
	io.ReadCloser
	w    http.ResponseWriter
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		_ = http.NewResponseController(b.w).SetReadDeadline(time.Time{})
	}
	return n, err
}

// limitListener caps the connections accepted and not yet closed: Accept
// waits for a free slot. Connections beyond the cap queue in the kernel's
// backlog rather than being accepted and starved.
type limitListener struct {
	net.Listener
	slots     chan struct{}
	closeOnce sync.Once
	done      chan struct{}
}

func newLimitListener(ln net.Listener, n int) *limitListener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
}

func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

type limitedConn struct {
	net.Conn
	once    sync.Once
	closed  atomic.Bool
	release func()
}

// NetConn returns the accepted connection, so code that tunes the socket
// (a dialect bounding a WebSocket's send buffer) reaches it.
func (c *limitedConn) NetConn() net.Conn { return c.Conn }

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.closed.Store(true)
		c.release()
	})
	return err
}
