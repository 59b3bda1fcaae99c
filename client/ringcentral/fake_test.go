package ringcentral

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakePlatform is a minimal RingCentral stand-in for unit tests: OAuth,
// wstoken, the WebSocket protocol and whatever REST routes a test adds.
// Unexpected requests fail the test, as in complement's fake servers.
type fakePlatform struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	grants    []map[string][]string // forms posted to /restapi/oauth/token
	basic     []string              // Basic auth user:pass seen
	valid     map[string]bool       // access tokens the fake accepts
	nextTok   int
	expiresIn int
	requests  []string // "METHOD path" of every API request
	routes    map[string]func(w http.ResponseWriter, r *http.Request, body []byte)

	// WebSocket side.
	wsQueries  chan url.Values
	wsFrames   chan []any // frames the client sent, decoded
	wsConns    chan *websocket.Conn
	recoverOK  bool // answer a wsc reconnect with recoveryState Successful
	subID      string
	wsBlockSub bool // do not answer the subscription request
	wsWriteMu  sync.Mutex
}

// wsWrite serialises the fake's writes: gorilla allows one writer.
func (f *fakePlatform) wsWrite(conn *websocket.Conn, v any) error {
	f.wsWriteMu.Lock()
	defer f.wsWriteMu.Unlock()
	return conn.WriteJSON(v)
}

// notify pushes one notification envelope to the client.
func (f *fakePlatform) notify(t *testing.T, conn *websocket.Conn, envelope any) {
	t.Helper()
	if err := f.wsWrite(conn, []any{map[string]any{"type": "ServerNotification", "messageId": "n-1", "status": 200}, envelope}); err != nil {
		t.Fatalf("pushing a notification: %v", err)
	}
}

const (
	fakeClientID = "client-id"
	fakeSecret   = "client-secret-XYZ"
	fakeJWT      = "jwt-credential-ABC"
)

func newFakePlatform(t *testing.T) *fakePlatform {
	f := &fakePlatform{
		t: t, valid: map[string]bool{}, expiresIn: 3600,
		routes:    map[string]func(http.ResponseWriter, *http.Request, []byte){},
		wsQueries: make(chan url.Values, 8),
		wsFrames:  make(chan []any, 64),
		wsConns:   make(chan *websocket.Conn, 8),
		subID:     "0f6a7c43-1d4e-4b4e-9a83-3a1c2b8f5d10",
		recoverOK: true,
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakePlatform) client(t *testing.T, now func() time.Time) *Client {
	t.Helper()
	c, err := New(Config{ServerURL: f.srv.URL, ClientID: fakeClientID, ClientSecret: fakeSecret, JWT: fakeJWT, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fakePlatform) handle(method, path string, h func(w http.ResponseWriter, r *http.Request, body []byte)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[method+" "+path] = h
}

func (f *fakePlatform) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

func (f *fakePlatform) revokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.valid = map[string]bool{}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakePlatform) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/restapi/oauth/token":
		f.serveToken(w, r)
		return
	case "/ws":
		f.serveWS(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	ok := f.valid[tok]
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	h := f.routes[r.Method+" "+r.URL.Path]
	f.mu.Unlock()
	if !ok {
		writeJSON(w, 401, map[string]any{"errorCode": "OAU-213", "message": "Token not found",
			"errors": []map[string]string{{"errorCode": "OAU-213", "message": "Token not found"}}})
		return
	}
	if r.URL.Path == "/restapi/oauth/wstoken" {
		writeJSON(w, 200, map[string]any{"uri": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws", "ws_access_token": "wsat-" + tok, "expires_in": 30})
		return
	}
	if h == nil {
		f.t.Errorf("fake platform: unexpected request %s %s", r.Method, r.URL.Path)
		writeJSON(w, 404, map[string]any{"errorCode": "CMN-102", "message": "Resource for parameter [path] is not found"})
		return
	}
	h(w, r, body)
}

func (f *fakePlatform) serveToken(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	user, pass, _ := r.BasicAuth()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.grants = append(f.grants, r.PostForm)
	f.basic = append(f.basic, user+":"+pass)
	if user != fakeClientID || pass != fakeSecret {
		writeJSON(w, 401, map[string]any{"error": "invalid_client", "error_description": "Invalid client: " + user,
			"errors": []map[string]string{{"errorCode": "OAU-153", "message": "Invalid client: " + user}}})
		return
	}
	switch r.PostForm.Get("grant_type") {
	case GrantJWT:
		if r.PostForm.Get("assertion") != fakeJWT {
			writeJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "Invalid assertion",
				"errors": []map[string]string{{"errorCode": "OAU-140", "message": "Invalid resource owner credentials"}}})
			return
		}
	case "refresh_token":
		if !strings.HasPrefix(r.PostForm.Get("refresh_token"), "rt-") {
			writeJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "Token not found"})
			return
		}
	default:
		writeJSON(w, 400, map[string]any{"error": "unsupported_grant_type", "error_description": "Unsupported grant type"})
		return
	}
	f.nextTok++
	at := fmt.Sprintf("at-%d", f.nextTok)
	f.valid[at] = true
	writeJSON(w, 200, map[string]any{"access_token": at, "token_type": "bearer", "expires_in": f.expiresIn,
		"refresh_token": fmt.Sprintf("rt-%d", f.nextTok), "refresh_token_expires_in": 604800, "owner_id": "684351005",
		"scope": "CallControl ReadAccounts WebSocket", "session_id": "sess-1"})
}

// serveWS speaks the server side of the WebSocket protocol: details
// first, then the subscription reply; afterwards it records every frame
// and answers client heart-beats.
func (f *fakePlatform) serveWS(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.wsQueries <- q
	up := websocket.Upgrader{}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	f.mu.Lock()
	recoverOK := f.recoverOK
	blockSub := f.wsBlockSub
	f.mu.Unlock()
	details := map[string]any{"creationTime": "2024-01-01T00:00:00.000+0000", "recoveryTimeout": 180, "recoveryBufferSize": 100, "idleTimeout": 1800}
	if q.Get("wsc") != "" {
		details["recoveryState"] = map[bool]string{true: "Successful", false: "Failed"}[recoverOK]
	}
	_ = f.wsWrite(conn, []any{map[string]any{"type": "ConnectionDetails", "messageId": "cd-1", "status": 200,
		"wsc": map[string]any{"token": "wsc-token-1", "sequence": 1}}, details})
	f.wsConns <- conn
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			return
		}
		var frame []any
		if json.Unmarshal(b, &frame) != nil || len(frame) == 0 {
			f.t.Errorf("fake platform: client sent a non-array frame %s", b)
			continue
		}
		f.wsFrames <- frame
		meta, _ := frame[0].(map[string]any)
		switch meta["type"] {
		case "ClientRequest":
			if meta["method"] == "POST" && !blockSub {
				_ = f.wsWrite(conn, []any{
					map[string]any{"type": "ClientRequest", "messageId": meta["messageId"], "status": 200, "headers": map[string]string{"WSG-SubscriptionId": f.subID}},
					map[string]any{"id": f.subID, "eventFilters": []string{"/restapi/v1.0/account/684349005/extension/684351005/telephony/sessions"},
						"status": "Active", "deliveryMode": map[string]string{"transportType": "WebSocket"}},
				})
			}
		case "Heartbeat":
			if id, _ := meta["messageId"].(string); strings.HasPrefix(id, "srv-") {
				continue // the client's answer to a server heart-beat
			}
			_ = f.wsWrite(conn, []any{map[string]any{"type": "Heartbeat", "messageId": meta["messageId"]}})
		}
	}
}

// awaitFrame waits for the next client frame of a type, with a deadline.
func (f *fakePlatform) awaitFrame(t *testing.T, typ string) []any {
	t.Helper()
	deadline := time.After(5 * time.Second)
	var seen []string
	for {
		select {
		case fr := <-f.wsFrames:
			meta, _ := fr[0].(map[string]any)
			if meta["type"] == typ {
				return fr
			}
			seen = append(seen, fmt.Sprint(meta["type"]))
		case <-deadline:
			t.Fatalf("no %s frame from the client within 5s; saw %v", typ, seen)
			return nil
		}
	}
}

func awaitConn(t *testing.T, ch chan *websocket.Conn) *websocket.Conn {
	t.Helper()
	select {
	case c := <-ch:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("the client did not connect within 5s")
		return nil
	}
}

func basicOf(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}
