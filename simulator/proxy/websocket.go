package proxy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
)

// WebSocketPath is where the proxy serves a notification socket whose
// upstream a rewritten wstoken answer named (query upstream=URI).
const WebSocketPath = "/.pbxsim-proxy/ws"

// maxWSHosts bounds the hosts wstoken answers may add.
const maxWSHosts = 64

// maxFrame bounds one WebSocket message either way.
const maxFrame = 4 << 20

// rewriteWSToken points the uri of a RingCentral wstoken answer at the
// proxy: {"uri":"wss://ws.example/ws"} becomes
// {"uri":"ws://PROXY/.pbxsim-proxy/ws?upstream=wss%3A%2F%2Fws.example%2Fws"}.
// Only the uri's bytes change.
func (p *Proxy) rewriteWSToken(resp *http.Response, b []byte, proxyURL *url.URL) ([]byte, bool) {
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Request.URL.Path, "/oauth/wstoken") {
		return nil, false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(b, &fields) != nil {
		return nil, false
	}
	raw, ok := fields["uri"]
	var uri string
	if !ok || json.Unmarshal(raw, &uri) != nil {
		return nil, false
	}
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return nil, false
	}
	p.mu.Lock()
	if !p.wsHosts[u.Host] && len(p.wsHosts) < maxWSHosts {
		p.wsHosts[u.Host] = true
	}
	p.mu.Unlock()
	scheme := "ws"
	if proxyURL.Scheme == "https" {
		scheme = "wss"
	}
	to := (&url.URL{Scheme: scheme, Host: proxyURL.Host, Path: WebSocketPath, RawQuery: url.Values{"upstream": {uri}}.Encode()}).String()
	enc, err := json.Marshal(to)
	if err != nil {
		return nil, false
	}
	i := bytes.Index(b, raw)
	if i < 0 {
		return nil, false
	}
	out := append(append(append([]byte(nil), b[:i]...), enc...), b[i+len(raw):]...)
	return out, true
}

// wsTarget is the upstream socket of a WebSocket request: the uri a
// rewritten wstoken answer named, or the same path on the upstream.
func (p *Proxy) wsTarget(r *http.Request) (*url.URL, bool) {
	q := r.URL.Query()
	if r.URL.Path == WebSocketPath {
		u, err := url.Parse(q.Get("upstream"))
		if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") {
			return nil, false
		}
		p.mu.Lock()
		known := p.wsHosts[u.Host]
		p.mu.Unlock()
		if !known {
			return nil, false // not an open relay: only sockets the upstream named
		}
		q.Del("upstream")
		uq := u.Query()
		for k, vs := range q {
			uq[k] = vs
		}
		u.RawQuery = uq.Encode()
		return u, true
	}
	up := p.cfg.Upstream
	u := &url.URL{Scheme: "ws", Host: up.Host, Path: strings.TrimSuffix(up.Path, "/") + r.URL.Path, RawQuery: r.URL.RawQuery}
	if up.Scheme == "https" {
		u.Scheme = "wss"
	}
	return u, true
}

// wsForwarded are the handshake headers passed to the upstream.
var wsForwarded = []string{"Authorization", "X-User-Agent", "User-Agent", "Cookie"}

// serveWebSocket opens the upstream socket, then the client's, and copies
// messages both ways unchanged, recording each.
func (p *Proxy) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	target, ok := p.wsTarget(r)
	if !ok {
		http.Error(w, "pbxsim proxy: no such upstream socket", http.StatusNotFound)
		return
	}
	h := http.Header{}
	for _, k := range wsForwarded {
		for _, v := range r.Header.Values(k) {
			h.Add(k, v)
		}
	}
	dialer := *p.cfg.Dialer
	dialer.Subprotocols = websocket.Subprotocols(r)
	up, resp, err := dialer.DialContext(r.Context(), target.String(), h)
	if err != nil {
		if resp != nil {
			// The upstream refused the socket: pass its answer on.
			for _, k := range []string{"Content-Type", "WWW-Authenticate", "Retry-After"} {
				if v := resp.Header.Get(k); v != "" {
					w.Header().Set(k, v)
				}
			}
			w.WriteHeader(resp.StatusCode)
			if resp.Body != nil {
				buf := make([]byte, 64<<10)
				n, _ := resp.Body.Read(buf)
				_, _ = w.Write(buf[:n])
				resp.Body.Close()
			}
			return
		}
		http.Error(w, "pbxsim proxy: upstream socket: "+err.Error(), http.StatusBadGateway)
		return
	}
	up.SetReadLimit(maxFrame)
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	if sp := up.Subprotocol(); sp != "" {
		upgrader.Subprotocols = []string{sp}
	}
	down, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		up.Close()
		return // the upgrader answered the client
	}
	down.SetReadLimit(maxFrame)
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		up.Close()
		down.Close()
		return
	}
	p.conns.Add(1)
	p.mu.Unlock()
	defer p.conns.Done()

	socket := 0
	if rec := p.cfg.Recorder; rec != nil {
		socket = rec.socket()
		t := *target
		t.RawQuery = ""
		rec.write(Entry{Kind: KindWSOpen, Seq: rec.next(), Socket: socket, Target: t.String(), Query: p.secrets.values(target.RawQuery)})
	}
	var once sync.Once
	done := make(chan struct{})
	end := func() { once.Do(func() { close(done) }) }
	go func() {
		select {
		case <-done:
		case <-p.closing:
		}
		up.Close()
		down.Close()
	}()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); defer end(); p.pump(up, down, socket, FromServer) }()
	go func() { defer wg.Done(); defer end(); p.pump(down, up, socket, FromClient) }()
	wg.Wait()
	if rec := p.cfg.Recorder; rec != nil {
		rec.write(Entry{Kind: KindWSClose, Seq: rec.next(), Socket: socket})
	}
}

// pump copies messages from src to dst until either ends; a close from
// src is passed on with its code.
func (p *Proxy) pump(src, dst *websocket.Conn, socket int, from string) {
	for {
		typ, msg, err := src.ReadMessage()
		if err != nil {
			code, text := websocket.CloseGoingAway, ""
			if ce, ok := err.(*websocket.CloseError); ok {
				code, text = ce.Code, ce.Text
			}
			if code == websocket.CloseNoStatusReceived || code == websocket.CloseAbnormalClosure {
				code = websocket.CloseGoingAway
			}
			_ = dst.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, text))
			return
		}
		p.recordFrame(socket, from, typ, msg)
		if err := dst.WriteMessage(typ, msg); err != nil {
			return
		}
	}
}

func (p *Proxy) recordFrame(socket int, from string, typ int, msg []byte) {
	rec := p.cfg.Recorder
	if rec == nil {
		return
	}
	e := Entry{Kind: KindWSFrame, Seq: rec.next(), Socket: socket, From: from}
	truncated := int64(len(msg)) > p.cfg.MaxBody
	if truncated {
		msg = msg[:p.cfg.MaxBody]
	}
	if typ == websocket.BinaryMessage {
		e.Binary = true
		e.Body = Body{Text: base64.StdEncoding.EncodeToString(msg), Truncated: truncated}
	} else {
		e.Body = p.secrets.body("", msg, truncated)
	}
	rec.write(e)
}
