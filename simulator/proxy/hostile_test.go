package proxy_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xfer-conform/xfer-conform/simulator/proxy"
)

type answer struct {
	status int
	body   string
}

func send(t *testing.T, base, method, path, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, string(b)}
}

// Rule: the proxy survives a hostile upstream: an answer cut short, a
// connection dropped without an answer, a wstoken answer that is not
// JSON or names no WebSocket. The client gets a 502 or the answer as it
// was, and the proxy goes on serving.
// Source: DESIGN.md "every input is hostile until checked; no goroutine
// that handles input may take the process down".
func TestHostileUpstreamAnswers(t *testing.T) {
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/drop":
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		case "/garbage":
			conn, buf, _ := w.(http.Hijacker).Hijack()
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
			_ = buf.Flush()
			conn.Close()
		case "/restapi/oauth/wstoken":
			if r.URL.Query().Get("kind") == "text" {
				_, _ = io.WriteString(w, `not json {"uri":`)
				return
			}
			_, _ = io.WriteString(w, `{"uri":"http://not-a-socket/x","ws_access_token":"t"}`)
		default:
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	defer bad.Close()
	r := startProxy(t, bad.URL, proxy.SessionInfo{}, proxy.Config{})
	if a := send(t, r.server.URL, http.MethodGet, "/drop", ""); a.status != http.StatusBadGateway {
		t.Errorf("dropped connection: %d %s", a.status, a.body)
	}
	resp, err := http.Get(r.server.URL + "/garbage")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil && resp.StatusCode == http.StatusOK {
		t.Errorf("an answer cut short reached the client whole")
	}
	if a := send(t, r.server.URL, http.MethodPost, "/restapi/oauth/wstoken?kind=text", ""); a.body != `not json {"uri":` {
		t.Errorf("a wstoken answer that is not JSON was changed: %q", a.body)
	}
	if a := send(t, r.server.URL, http.MethodPost, "/restapi/oauth/wstoken", ""); a.body != `{"uri":"http://not-a-socket/x","ws_access_token":"t"}` {
		t.Errorf("a wstoken answer without a WebSocket uri was changed: %q", a.body)
	}
	if a := send(t, r.server.URL, http.MethodGet, "/after", ""); a.status != http.StatusTeapot {
		t.Errorf("the proxy stopped serving: %d", a.status)
	}
	for _, e := range r.entries(t)[1:] {
		if e.Request != nil && e.Request.Path == "/drop" && e.Error == "" {
			t.Errorf("the dropped exchange records no error")
		}
	}
}

// Rule: a body larger than MaxBody is forwarded whole, but held, judged
// and recorded only up to MaxBody; memory is bounded in bytes.
// Source: DESIGN.md "memory is bounded in bytes"; STYLE.md "bound by bytes".
func TestHugeBodiesAreForwardedWholeAndRecordedCut(t *testing.T) {
	var got int64
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(bytes.Repeat([]byte("x"), 3<<10))
	}))
	defer echo.Close()
	const max = 1 << 10
	r := startProxy(t, echo.URL, proxy.SessionInfo{}, proxy.Config{MaxBody: max})
	body := `{"partyId":"` + strings.Repeat("p", 5<<10) + `"}`
	a := send(t, r.server.URL, http.MethodPost, "/restapi/v1.0/account/~/telephony/sessions/s-1/parties/p-1-1/bridge", body)
	if got != int64(len(body)) || len(a.body) != 3<<10 {
		t.Fatalf("upstream got %d of %d bytes; client got %d of %d", got, len(body), len(a.body), 3<<10)
	}
	if r.findings.String() != "" {
		t.Errorf("a cut body was judged: %s", r.findings.String())
	}
	for _, e := range r.entries(t)[1:] {
		if e.Request == nil {
			continue
		}
		if !e.Request.Body.Truncated || len(e.Request.Body.Bytes()) > max || !e.Response.Body.Truncated || len(e.Response.Body.Bytes()) > max {
			t.Fatalf("recorded request %d bytes (cut %v), answer %d bytes (cut %v); want both cut to %d",
				len(e.Request.Body.Bytes()), e.Request.Body.Truncated, len(e.Response.Body.Bytes()), e.Response.Body.Truncated, max)
		}
	}
}

// Rule: odd paths and queries are forwarded as they came (the upstream
// decides), never crash the proxy, and the proxy is not an open
// WebSocket relay: it opens only sockets its upstream named.
// Source: DESIGN.md (hostile input); test/hostile corpus style.
func TestBadPathsAndForeignSockets(t *testing.T) {
	var paths []string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.RawPath+"|"+r.URL.Path+"?"+r.URL.RawQuery)
		w.WriteHeader(http.StatusNotFound)
	}))
	defer up.Close()
	r := startProxy(t, up.URL, proxy.SessionInfo{}, proxy.Config{})
	host := strings.TrimPrefix(r.server.URL, "http://")
	for _, target := range []string{"/../../etc/passwd", "//double//slash", "/%2e%2e/%zz", "/restapi/v1.0/account/%00/telephony/call-out?x=%zz&access_token=secret", "*"} {
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = io.WriteString(conn, "POST "+target+" HTTP/1.1\r\nHost: "+host+"\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode >= 500 && resp.StatusCode != http.StatusBadGateway {
			t.Errorf("%s: %d", target, resp.StatusCode)
		}
	}
	// A socket the upstream never named.
	u := "ws://" + host + proxy.WebSocketPath + "?upstream=" + url.QueryEscape("ws://example.invalid/ws")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, resp, err := websocket.DefaultDialer.DialContext(ctx, u, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a foreign socket: err %v, answer %v; want a 404", err, resp)
	}
	for _, e := range r.entries(t) {
		if e.Request != nil && strings.Contains(e.Request.Query, "secret") {
			t.Errorf("a query secret was recorded: %q", e.Request.Query)
		}
	}
	if len(paths) == 0 {
		t.Fatal("nothing reached the upstream")
	}
}

// Rule: a gzip answer reaches the client as it was sent, and is recorded
// as its plain text; a gzip wstoken answer is rewritten plain, so the
// socket still runs through the proxy.
// Source: RFC 9110 §8.4 (Content-Encoding); issue 15 item 3.
func TestGzipAnswersAreRecordedPlain(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		if strings.HasSuffix(r.URL.Path, "/wstoken") {
			_, _ = io.WriteString(zw, `{"uri":"ws://`+r.Host+`/ws","ws_access_token":"secret-ws"}`)
		} else {
			_, _ = io.WriteString(zw, `{"access_token":"secret-at","a":1}`)
		}
		_ = zw.Close()
	}))
	defer up.Close()
	r := startProxy(t, up.URL, proxy.SessionInfo{}, proxy.Config{})
	get := func(path string) (http.Header, string) {
		req, _ := http.NewRequest(http.MethodPost, r.server.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.Header, string(b)
	}
	if h, b := get("/restapi/oauth/token"); h.Get("Content-Encoding") != "gzip" || strings.Contains(b, "secret-at") {
		t.Errorf("the gzip answer was changed: %v %q", h, b)
	}
	if h, b := get("/restapi/oauth/wstoken"); h.Get("Content-Encoding") != "" || !strings.Contains(b, proxy.WebSocketPath) {
		t.Errorf("the gzip wstoken answer was not rewritten: %v %q", h, b)
	}
	var plain int
	for _, e := range r.entries(t)[1:] {
		if e.Response != nil && e.Response.Body.JSON != nil {
			plain++
		}
		if strings.Contains(string(e.Response.Body.Bytes()), "secret-") {
			t.Errorf("a secret was recorded: %s", e.Response.Body.Bytes())
		}
	}
	if plain != 2 {
		t.Fatalf("%d answers recorded as JSON, want 2", plain)
	}
}
