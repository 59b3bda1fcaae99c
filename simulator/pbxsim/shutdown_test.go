package pbxsim_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
)

// Graceful shutdown (issue 7, "Load and soak"): a request in flight when
// shutdown begins still gets its answer, and every WebSocket subscriber
// receives a close frame (1001 going away) instead of a dropped socket.
func TestShutdownCompletesRequestsAndClosesSocketsCleanly(t *testing.T) {
	active := make(chan struct{}, 64)
	srv, err := pbxsim.New(pbxsim.Config{ConnState: func(_ net.Conn, st http.ConnState) {
		if st == http.StateActive {
			active <- struct{}{}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	base := srv.URL()

	// A RingCentral WebSocket, as the official SDK opens it.
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"jwt-102"}}
	req, _ := http.NewRequest("POST", base+"/restapi/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("pbxsim-client", "pbxsim-secret")
	tok := gjson.Get(do(t, req), "access_token").String()
	req, _ = http.NewRequest("POST", base+"/restapi/oauth/wstoken", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	ws := gjson.Parse(do(t, req))
	conn, _, err := websocket.DefaultDialer.Dial(ws.Get("uri").String()+"?access_token="+url.QueryEscape(ws.Get("ws_access_token").String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, _, err := conn.ReadMessage(); err != nil { // ConnectionDetails
		t.Fatal(err)
	}

	// A request whose body is still on its way when shutdown begins.
	for len(active) > 0 {
		<-active
	}
	pr, pw := io.Pipe()
	inflight, _ := http.NewRequest("POST", base+"/sim/v1/calls", pr)
	inflight.Header.Set("Content-Type", "application/json")
	answered := make(chan int, 1)
	go func() {
		resp, err := (&http.Client{Transport: &http.Transport{}}).Do(inflight)
		if err != nil {
			answered <- -1
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	if _, err := pw.Write([]byte(`{"from":"101",`)); err != nil {
		t.Fatal(err)
	}
	select { // the server is reading it
	case <-active:
	case <-time.After(10 * time.Second):
		t.Fatal("the request in flight never reached the server")
	}

	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		stopped <- srv.Shutdown(ctx)
	}()

	// The subscriber hears a close frame, not a reset.
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _, err = conn.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Fatalf("the WebSocket ended with %v; want a close frame with code 1001 (going away)", err)
	}

	if _, err := pw.Write([]byte(`"to":"102"}`)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	select {
	case code := <-answered:
		if code != http.StatusCreated {
			t.Fatalf("the request in flight got %d during shutdown; want 201", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the request in flight got no answer within 10s of shutdown")
	}
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("shutdown did not finish within 15s")
	}
}

func do(t *testing.T, req *http.Request) string {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, b)
	}
	return string(b)
}
