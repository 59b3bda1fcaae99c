package hostile

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/test/world"
)

// rcSocket opens tenant's notification WebSocket through the full pbxsim,
// with extra headers on the upgrade.
func rcSocket(t *testing.T, w *world.World, tenant string, h http.Header) *websocket.Conn {
	t.Helper()
	wt := w.MustJSON(200, world.Request{Method: "POST", Path: "/restapi/oauth/wstoken", Token: w.RC[tenant].Token})
	u := wt.Get("uri").String() + "?access_token=" + url.QueryEscape(wt.Get("ws_access_token").String())
	c, resp, err := websocket.DefaultDialer.Dial(u, h)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", u, err, resp)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, f, err := c.ReadMessage(); err != nil || gjson.GetBytes(f, "0.type").String() != "ConnectionDetails" {
		t.Fatalf("first frame: %s %v", f, err)
	}
	return c
}

// roundTrip sends one frame and reads frames until the one answering id.
func roundTrip(t *testing.T, c *websocket.Conn, id string, frame any) gjson.Result {
	t.Helper()
	if err := c.WriteJSON(frame); err != nil {
		t.Fatalf("write %s: %v", id, err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, f, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for the answer to %s: %v (the socket or pbxsim died)", id, err)
		}
		if a := gjson.ParseBytes(f); a.Get("0.messageId").String() == id {
			return a
		}
	}
}

// Rule: no WebSocket frame from a logged-in client takes pbxsim down.
// Frames whose method or path cannot make an HTTP request, and any
// request on a socket opened behind an X-Forwarded-Host with a space, are
// answered in RingCentral's shape; the socket, the other tenant's socket
// and the HTTP API go on. On main one such frame killed the process.
// Source: issue 10 item 1 (critical); reference/ringcentral.md §3.1, §4.4.
func TestRCSocketFramesCannotKillPBXSim(t *testing.T) {
	w := world.New(t)
	a := rcSocket(t, w, "A", http.Header{"X-Forwarded-Host": {"evil host"}})
	b := rcSocket(t, w, "B", nil)
	for i, f := range []struct{ method, path string }{
		{"GET", "/restapi/v1.0/account/~ x"},
		{"GET", "/restapi/v1.0/account/%zz"},
		{"GET", "/restapi/v1.0/account/~\r\nHost: x"},
		{"G E T", "/restapi/v1.0/account/~"},
		{"GET", "/restapi/v1.0/account/~/extension/~"}, // fine, behind the bad X-Forwarded-Host
	} {
		id := "m" + string(rune('0'+i))
		ans := roundTrip(t, a, id, []any{map[string]any{"type": "ClientRequest", "messageId": id, "method": f.method, "path": f.path}})
		status := ans.Get("0.status").Int()
		if status >= 500 || (status >= 400 && (ans.Get("1.errorCode").String() == "" || ans.Get("1.errors.0.message").String() == "")) {
			t.Fatalf("%q %q: answer %s", f.method, f.path, ans.Raw)
		}
		if strings.Contains(ans.Raw, "evil host") {
			t.Fatalf("the bad X-Forwarded-Host leaked into an answer: %s", ans.Raw)
		}
	}
	for tenant, c := range map[string]*websocket.Conn{"A": a, "B": b} {
		if ans := roundTrip(t, c, "hb-"+tenant, []any{map[string]any{"type": "Heartbeat", "messageId": "hb-" + tenant}}); ans.Get("0.type").String() != "Heartbeat" {
			t.Fatalf("tenant %s's socket after the frames: %s", tenant, ans.Raw)
		}
	}
	w.Must(200, world.Request{Method: "GET", Path: "/restapi/v1.0/account/~/extension/~", Token: w.RC["B"].Token})
}
