package isolation

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

// expectRCError checks RingCentral's REST error body (reference §3.1):
// top-level errorCode and message, errors[0].errorCode.
func expectRCError(t *testing.T, what string, r world.Response, status int, top, code string) {
	t.Helper()
	j := r.JSON()
	if r.Status != status || j.Get("errorCode").String() != top || j.Get("errors.0.errorCode").String() != code || j.Get("message").String() == "" {
		t.Errorf("%s: got %s, want %d errorCode %s, errors[0].errorCode %s", what, r, status, top, code)
	}
}

func expectOAuthError(t *testing.T, what string, r world.Response, status int, rfc, code string) {
	t.Helper()
	j := r.JSON()
	if r.Status != status || j.Get("error").String() != rfc || j.Get("errors.0.errorCode").String() != code {
		t.Errorf("%s: got %s, want %d error %s, errors[0].errorCode %s", what, r, status, rfc, code)
	}
}

func login(w *world.World, jwt string, extra url.Values) gjson.Result {
	f := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {jwt}}
	for k, v := range extra {
		f[k] = v
	}
	return w.MustJSON(200, world.Request{Method: "POST", Path: "/restapi/oauth/token", BasicUser: world.RCClient, BasicPass: world.RCSecret, Form: f})
}

const rcMe = "/restapi/v1.0/account/~/extension/~"

// Rule (issue 7): expired, revoked, malformed and wrong-client tokens are
// refused as RingCentral refuses them: 401 TokenExpired/OAU-128, 401
// TokenInvalid/OAU-213, and on the token endpoint 400 invalid_grant.
// Source: reference/ringcentral.md §3.1, §4.6 (P-OAUTH).
func TestRingCentralTokenRefusals(t *testing.T) {
	w := world.New(t)
	get := func(tok string) world.Response {
		r, err := w.Do(world.Request{Method: "GET", Path: rcMe, Token: tok})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	short := login(w, "jwt-a-103", url.Values{"access_token_ttl": {"60"}})
	if r := get(short.Get("access_token").String()); r.Status != 200 {
		t.Fatalf("a fresh token: %s", r)
	}
	w.Advance(61 * time.Second)
	expectRCError(t, "an expired access token", get(short.Get("access_token").String()), 401, "TokenExpired", "OAU-128")

	revoked := login(w, "jwt-a-103", nil)
	w.Must(200, world.Request{Method: "POST", Path: "/restapi/oauth/revoke", BasicUser: world.RCClient, BasicPass: world.RCSecret,
		Form: url.Values{"token": {revoked.Get("access_token").String()}}})
	expectRCError(t, "a revoked access token", get(revoked.Get("access_token").String()), 401, "TokenInvalid", "OAU-213")
	r, _ := w.Do(world.Request{Method: "POST", Path: "/restapi/oauth/token", BasicUser: world.RCClient, BasicPass: world.RCSecret,
		Form: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {revoked.Get("refresh_token").String()}}})
	expectOAuthError(t, "the refresh token of a revoked pair", r, 400, "invalid_grant", "OAU-213")

	for _, h := range []string{"Bearer", "Bearer ", "Token " + w.RC["A"].Token, "bearer" + w.RC["A"].Token, "Bearer " + w.RC["A"].Token + "x", "Bearer " + w.RC["A"].Refresh} {
		r, _ := w.Do(world.Request{Method: "GET", Path: rcMe, Header: map[string]string{"Authorization": h}})
		expectRCError(t, "Authorization: "+h[:min(len(h), 12)]+"…", r, 401, "TokenInvalid", "OAU-213")
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("a 401 without WWW-Authenticate: %s", r)
		}
	}

	// Another app cannot spend account A's refresh token, and trying does
	// not use it up.
	fresh := login(w, "jwt-a-102", nil)
	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {fresh.Get("refresh_token").String()}}
	r, _ = w.Do(world.Request{Method: "POST", Path: "/restapi/oauth/token", BasicUser: world.RCOtherClient, BasicPass: world.RCOtherSecret, Form: refresh})
	expectOAuthError(t, "a refresh token of another app", r, 400, "invalid_grant", "OAU-213")
	w.Must(200, world.Request{Method: "POST", Path: "/restapi/oauth/token", BasicUser: world.RCClient, BasicPass: world.RCSecret, Form: refresh})
}

// wsURL asks for a ws_access_token and returns the socket URL with it.
func wsURL(t *testing.T, w *world.World, token string) string {
	t.Helper()
	j := w.MustJSON(200, world.Request{Method: "POST", Path: "/restapi/oauth/wstoken", Token: token})
	return j.Get("uri").String() + "?access_token=" + url.QueryEscape(j.Get("ws_access_token").String())
}

// firstFrame connects and returns the server's first frame.
func firstFrame(t *testing.T, u string) gjson.Result {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", u, err, resp)
	}
	defer ws.Close()
	// A deadline on awaiting the frame, not a timed assertion.
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, msg, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("no first frame: %v", err)
	}
	return gjson.ParseBytes(msg)
}

// Rule (issue 7): a WebSocket token may be reused within its life (RCEX
// reconnects with it) and is refused after it: an Error frame with 401
// TokenInvalid, then the socket closes.
// Source: reference/ringcentral.md §4.4 (wstoken, 600 s).
func TestRingCentralWebSocketTokenPastItsLife(t *testing.T) {
	w := world.New(t)
	u := wsURL(t, w, w.RC["A"].Token)
	for i := range 2 {
		if f := firstFrame(t, u); f.Get("0.type").String() != "ConnectionDetails" {
			t.Fatalf("connection %d within the token's life: %s", i+1, f.Raw)
		}
	}
	w.Advance(601 * time.Second)
	f := firstFrame(t, u)
	if f.Get("0.type").String() != "Error" || f.Get("0.status").Int() != 401 || f.Get("1.errorCode").String() != "TokenInvalid" {
		t.Fatalf("a ws_access_token past its life: %s, want an Error frame 401 TokenInvalid", f.Raw)
	}
	expectRCError(t, "a garbage ws token", world.Response{Status: 401, Body: []byte(firstFrame(t, strings.Split(u, "?")[0]+"?access_token=nope").Get("1").Raw)}, 401, "TokenInvalid", "OAU-213")
}

// Rule (issue 7): a webhook address that fails the validation handshake
// (no Validation-Token echo) is refused with 400 SUB-525 and no
// subscription is made.
// Source: reference/ringcentral.md §4.2 (webhook validation).
func TestRingCentralWebhookThatFailsValidation(t *testing.T) {
	w := world.New(t)
	before := w.Snapshot()
	bad := world.NewRefusingReceiver(t)
	req := world.Request{Method: "POST", Path: "/restapi/v1.0/subscription", Token: w.RC["A"].Token, JSON: map[string]any{
		"eventFilters": []string{"/restapi/v1.0/account/~/telephony/sessions"},
		"deliveryMode": map[string]any{"transportType": "WebHook", "address": bad.URL},
	}}
	r, err := w.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	expectRCError(t, "a webhook that does not echo Validation-Token", r, http.StatusBadRequest, "SUB-525", "SUB-525")
	if d := before.Diff(w.Snapshot(), world.Sent{Method: req.Method, Path: req.Path}); d != "" {
		t.Fatalf("a refused subscription changed the state:\n%s", d)
	}
}
