package ringcentral

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func loginAndSubscribe(t *testing.T, f *fakePlatform, opts SubscribeOptions) (*Client, *Subscription) {
	t.Helper()
	c := f.client(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	sub, err := c.Subscribe(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sub.Close() })
	return c, sub
}

// seedEvent loads our copy of a seed sample event and addresses it to sub.
func seedEvent(t *testing.T, name, subscriptionID string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ringcentral-client", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["subscriptionId"] = subscriptionID
	return m
}

func awaitNote(t *testing.T, sub *Subscription) Notification {
	t.Helper()
	select {
	case n, ok := <-sub.Notifications():
		if !ok {
			t.Fatalf("notification channel closed: %v", sub.Err())
		}
		return n
	case <-time.After(5 * time.Second):
		t.Fatal("no notification within 5s")
		return Notification{}
	}
}

// Source: reference/ringcentral.md §4.4 and §4.5 step 3: POST
// /restapi/oauth/wstoken, connect uri?access_token=, ConnectionDetails
// first, then ClientRequest POST /restapi/v1.0/subscription over the
// socket with deliveryMode WebSocket and the telephony-sessions filter;
// ServerNotifications carry the envelope; only our subscriptionId counts.
func TestWebSocketHandshakeAndNotifications(t *testing.T) {
	f := newFakePlatform(t)
	_, sub := loginAndSubscribe(t, f, SubscribeOptions{})

	q := <-f.wsQueries
	if q.Get("access_token") != "wsat-at-1" || q.Get("wsc") != "" {
		t.Fatalf("connect query = %v, want access_token from wstoken and no wsc", q)
	}
	req := f.awaitFrame(t, "ClientRequest")
	meta := req[0].(map[string]any)
	if meta["method"] != "POST" || meta["path"] != "/restapi/v1.0/subscription" || meta["messageId"] == "" {
		t.Fatalf("subscription request meta = %v", meta)
	}
	body := req[1].(map[string]any)
	if filters := body["eventFilters"].([]any); len(filters) != 1 || filters[0] != TelephonySessionsFilter {
		t.Fatalf("eventFilters = %v", filters)
	}
	if dm := body["deliveryMode"].(map[string]any); dm["transportType"] != "WebSocket" {
		t.Fatalf("deliveryMode = %v", dm)
	}
	if sub.Info().ID != f.subID {
		t.Fatalf("subscription id = %q, want %q", sub.Info().ID, f.subID)
	}
	if sub.Details().RecoveryTimeout != 180 {
		t.Fatalf("ConnectionDetails not kept: %+v", sub.Details())
	}

	conn := awaitConn(t, f.wsConns)
	f.notify(t, conn, seedEvent(t, "seed-cust-to-oper-event.json", "another-subscription")) // not ours
	f.notify(t, conn, seedEvent(t, "seed-cust-to-oper-event.json", f.subID))
	n := awaitNote(t, sub)
	if n.SubscriptionID != f.subID {
		t.Fatalf("delivered a notification of subscription %q", n.SubscriptionID)
	}
	p := n.Body.Parties[0]
	if n.Body.TelephonySessionID != "s-a39d666edaab42fdaa476135027819bc" || n.Body.Sequence != 6 || p.ID != "p-a39d666edaab42fdaa476135027819bc-2" ||
		p.ExtensionID != "684351005" || p.Direction != Inbound || p.Status.Code != StatusAnswered || n.Body.SessionID != "11403473005" {
		t.Fatalf("notification decoded as %+v", n)
	}
	if !strings.Contains(string(n.Raw), `"mobilePickupData"`) {
		t.Fatalf("Raw does not keep the envelope as received: %s", n.Raw)
	}
}

// Source: reference/ringcentral.md §4.4 (Heartbeat): heart-beats are
// [{"type":"Heartbeat","messageId":id}] and are answered with the same
// messageId; the SDK sends one after a quiet period.
func TestHeartbeats(t *testing.T) {
	f := newFakePlatform(t)
	_, _ = loginAndSubscribe(t, f, SubscribeOptions{HeartbeatInterval: 20 * time.Millisecond})
	f.awaitFrame(t, "ClientRequest")
	conn := awaitConn(t, f.wsConns)
	// The client speaks up on a quiet socket.
	hb := f.awaitFrame(t, "Heartbeat")
	if id, _ := hb[0].(map[string]any)["messageId"].(string); id == "" {
		t.Fatalf("client heart-beat without messageId: %v", hb)
	}
	// The server asks; the client answers with the same messageId.
	if err := f.wsWrite(conn, []any{map[string]any{"type": "Heartbeat", "messageId": "srv-hb-1"}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case fr := <-f.wsFrames:
			if m := fr[0].(map[string]any); m["type"] == "Heartbeat" && m["messageId"] == "srv-hb-1" {
				return
			}
		case <-deadline:
			t.Fatal("the client did not answer the server's heart-beat srv-hb-1 within 5s")
		}
	}
}

// Source: reference/ringcentral.md §4.4 (Recovery): a lost socket is
// reconnected with a new wstoken plus &wsc=<token>; with recoveryState
// Successful the subscription survives (no new ClientRequest); with Failed
// the client subscribes again.
func TestRecoveryWithWSC(t *testing.T) {
	for _, ok := range []bool{true, false} {
		name := map[bool]string{true: "Successful", false: "Failed"}[ok]
		t.Run(name, func(t *testing.T) {
			f := newFakePlatform(t)
			f.recoverOK = ok
			_, sub := loginAndSubscribe(t, f, SubscribeOptions{ReconnectDelay: func(int) time.Duration { return 0 }})
			<-f.wsQueries
			f.awaitFrame(t, "ClientRequest")
			conn := awaitConn(t, f.wsConns)
			conn.Close() // the network drops the socket

			select {
			case q := <-f.wsQueries:
				if q.Get("wsc") != "wsc-token-1" || q.Get("access_token") == "" {
					t.Fatalf("reconnect query = %v, want a fresh access_token and wsc=wsc-token-1", q)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("no reconnect within 5s (err %v)", sub.Err())
			}
			conn2 := awaitConn(t, f.wsConns)
			if ok {
				// Prove no re-subscription happened: the next frame the
				// client sends is its answer to our heart-beat.
				_ = f.wsWrite(conn2, []any{map[string]any{"type": "Heartbeat", "messageId": "srv-hb-2"}})
				fr := <-f.wsFrames
				if m := fr[0].(map[string]any); m["type"] != "Heartbeat" {
					t.Fatalf("after a Successful recovery the client sent %v, want no new subscription", m)
				}
			} else {
				f.awaitFrame(t, "ClientRequest")
			}
			f.notify(t, conn2, seedEvent(t, "seed-oper-to-cust-event.json", f.subID))
			if n := awaitNote(t, sub); n.Body.Sequence != 4 {
				t.Fatalf("after recovery got %+v", n.Body)
			}
			if sub.Reconnects() != 1 {
				t.Fatalf("Reconnects = %d, want 1", sub.Reconnects())
			}
		})
	}
}

// Source: reference/ringcentral.md §4.4: the subscription reply must be a
// ClientRequest with the same messageId and a 2xx status; a refusal is an
// error carrying the status and errorCode.
func TestSubscriptionRefused(t *testing.T) {
	f := newFakePlatform(t)
	f.wsBlockSub = true
	c := f.client(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Subscribe(ctx, SubscribeOptions{})
		done <- err
	}()
	req := f.awaitFrame(t, "ClientRequest")
	conn := awaitConn(t, f.wsConns)
	id := req[0].(map[string]any)["messageId"]
	_ = f.wsWrite(conn, []any{map[string]any{"type": "ClientRequest", "messageId": id, "status": 400},
		map[string]any{"errorCode": "SUB-508", "message": "Invalid event filters"}})
	select {
	case err := <-done:
		if !IsStatus(err, 400) || !strings.Contains(err.Error(), "SUB-508") {
			t.Fatalf("Subscribe = %v, want 400 SUB-508", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Subscribe did not return within 5s")
	}
}
