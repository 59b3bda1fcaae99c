package pbxsim

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// guard is how long a test waits for an outcome before it fails: far
// above the short timeouts configured, so the outcome, not the time, is
// what is asserted.
const guard = 10 * time.Second

func startWith(t *testing.T, cfg Config) *Server {
	t.Helper()
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return srv
}

func dial(t *testing.T, srv *Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// getOnce sends one keep-alive GET on c and reads its answer.
func getOnce(t *testing.T, c net.Conn, br *bufio.Reader) {
	t.Helper()
	if _, err := io.WriteString(c, "GET /sim/v1/health HTTP/1.1\r\nHost: pbxsim\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// awaitClosed reads c until the server closes it; a read timeout means the
// server held the connection.
func awaitClosed(t *testing.T, c net.Conn, br io.Reader, what string) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(guard))
	_, err := io.Copy(io.Discard, br)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("%s: the server still holds the connection after %s", what, guard)
	}
}

// Rule: an idle keep-alive connection is closed after IdleTimeout: 2,000
// idle connections were held for minutes before. Source: issue 10 item 11.
func TestIdleConnectionIsClosed(t *testing.T) {
	srv := startWith(t, Config{Limits: Limits{IdleTimeout: 50 * time.Millisecond}})
	c := dial(t, srv)
	br := bufio.NewReader(c)
	getOnce(t, c, br)
	awaitClosed(t, c, br, "idle keep-alive connection")
}

// Rule: a body trickled slower than BodyTimeout allows is cut, and the
// connection is let go. Source: issue 10 item 11 (500 bodies at 1 byte
// per 5 s were held for minutes).
func TestTrickledBodyIsCut(t *testing.T) {
	srv := startWith(t, Config{Limits: Limits{BodyTimeout: 50 * time.Millisecond}})
	c := dial(t, srv)
	if _, err := io.WriteString(c, "POST /ns-api/v2/tokens HTTP/1.1\r\nHost: pbxsim\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	awaitClosed(t, c, c, "trickled body")
}

// Rule: above MaxConns a new client waits instead of being accepted and
// starved, no more than MaxConns connections are ever open, and the
// client is served once idle connections are reclaimed. Source: issue 10
// item 11 (with 1,024 fds a new client got no answer at all).
func TestConnectionCapQueuesWithoutStarving(t *testing.T) {
	var mu sync.Mutex
	var conns []*limitedConn
	maxOpen := 0
	srv := startWith(t, Config{
		Limits: Limits{MaxConns: 2, IdleTimeout: 100 * time.Millisecond},
		ConnState: func(c net.Conn, st http.ConnState) {
			if st != http.StateNew {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			conns = append(conns, c.(*limitedConn))
			open := 0
			for _, lc := range conns {
				if !lc.closed.Load() {
					open++
				}
			}
			if open > maxOpen {
				maxOpen = open
			}
		},
	})
	for i := 0; i < 2; i++ {
		c := dial(t, srv)
		getOnce(t, c, bufio.NewReader(c)) // now idle, holding a slot
	}
	client := &http.Client{Timeout: guard, Transport: &http.Transport{}}
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(srv.URL() + "/sim/v1/health")
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a client above the cap was not served: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if maxOpen > 2 {
		t.Errorf("%d connections were open at once, above the cap of 2", maxOpen)
	}
}

// Rule: a handler that panics gets a 500 in the error shape of the API
// that owns the path (RingCentral, NetSapiens, control), and the panic is
// journaled: no dropped connection. Source: issue 10 item 1.
func TestPanicIsAnsweredInTheVendorShapeAndJournaled(t *testing.T) {
	sc := scenario.Default()
	sim := simulator.New(simulator.Options{Clock: simulator.NewManualClock(sc.StartAt())})
	eng := faults.New(faults.Options{})
	ds, routes, err := newDialects(DialectEnv{Sim: sim, Scenario: sc, Faults: eng}, DefaultDialects())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, d := range ds {
			d.d.Close()
		}
	})
	h := recoverPanics(routes, sim)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("a bug") }))
	for path, field := range map[string]string{
		"/restapi/v1.0/account/~/extension/~": "errorCode",
		"/ns-api/v2/domains/TEST/calls":       "code",
		"/sim/v1/calls":                       "error.code",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusInternalServerError || !gjson.Get(rec.Body.String(), field).Exists() {
			t.Errorf("GET %s after a panic: %d %q, want 500 with %s", path, rec.Code, rec.Body.String(), field)
		}
		es := sim.Journal().Entries(simulator.JournalFilter{PathPrefix: path})
		if len(es) != 1 || es[0].Status != 500 || !strings.Contains(es[0].Note, "a bug") {
			t.Errorf("GET %s: journal %+v, want the panic", path, es)
		}
	}
}

// Rule: the server's timeouts do not apply to a WebSocket after its
// upgrade: a socket outlives the idle, header and body timeouts and
// still answers a ping. Source: issue 10 item 11 (timeouts must not cut
// long-lived notification sockets).
func TestWebSocketOutlivesServerTimeouts(t *testing.T) {
	short := 50 * time.Millisecond
	srv := startWith(t, Config{Limits: Limits{ReadHeaderTimeout: short, BodyTimeout: short, IdleTimeout: short}})
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"jwt-102"}}
	req, _ := http.NewRequest("POST", srv.URL()+"/restapi/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("pbxsim-client", "pbxsim-secret")
	tok := gjson.Get(readAll(t, req), "access_token").String()
	req, _ = http.NewRequest("POST", srv.URL()+"/restapi/oauth/wstoken", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	ws := gjson.Parse(readAll(t, req))
	conn, _, err := websocket.DefaultDialer.Dial(ws.Get("uri").String()+"?access_token="+url.QueryEscape(ws.Get("ws_access_token").String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, _, err := conn.ReadMessage(); err != nil { // ConnectionDetails
		t.Fatal(err)
	}
	// An idle HTTP connection opened after the socket is closed by the
	// idle timeout: by then every server timeout has passed for the socket.
	c := dial(t, srv)
	br := bufio.NewReader(c)
	getOnce(t, c, br)
	awaitClosed(t, c, br, "idle keep-alive connection")

	pong := make(chan struct{})
	conn.SetPongHandler(func(string) error { close(pong); return nil })
	go func() {
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	if err := conn.WriteControl(websocket.PingMessage, []byte("still there?"), time.Now().Add(guard)); err != nil {
		t.Fatalf("the socket was closed by a server timeout: %v", err)
	}
	select {
	case <-pong:
	case <-time.After(guard):
		t.Fatal("no pong: the socket was cut by a server timeout")
	}
}

func readAll(t *testing.T, req *http.Request) string {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, b)
	}
	return string(b)
}

// Rule: a request line and headers beyond MaxHeaderBytes are refused with
// 431 before any handler runs (or journal keeps them). Source: issue 10
// item 10 (300 requests with 900 KiB paths kept 277 MiB).
func TestHugeRequestLineIsRefused(t *testing.T) {
	srv := startWith(t, Config{})
	resp, err := http.Get(srv.URL() + "/restapi/" + strings.Repeat("x", 200<<10))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("a 200 KiB path: %d, want 431", resp.StatusCode)
	}
	if n := srv.Sim.Journal().Len(); n != 0 {
		t.Fatalf("the journal kept %d entries for it", n)
	}
}
