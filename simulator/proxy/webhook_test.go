package proxy_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/proxy"
	"github.com/xfer-conform/xfer-conform/simulator/proxy/replay"
)

// Rule: with a webhook relay, the integration registers the proxy's
// /.pbxsim-proxy/webhook address; the vendor's webhooks (the RingCentral
// validation request included) go through the proxy to the integration's
// receiver unchanged and are recorded, and the replay checks that pbxsim
// delivers the same webhooks.
// Source: issue 15 item 3 ("forwards requests and WebSocket/webhook
// traffic unchanged"; "the recorded events checked against what pbxsim
// emits").
func TestWebhooksThroughTheRelayAreRecordedAndReplayed(t *testing.T) {
	got := make(chan string, 64)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if v := r.Header.Get("Validation-Token"); v != "" {
			w.Header().Set("Validation-Token", v)
		}
		got <- r.URL.Path + " " + string(b)
	}))
	defer receiver.Close()
	relay, _ := url.Parse(receiver.URL + "/hooks")
	up := upstream(t, scenarioFile)
	yaml := readFile(t, scenarioFile)
	r := startProxy(t, up.URL(), proxy.SessionInfo{ScenarioFile: scenarioFile, Scenario: yaml}, proxy.Config{WebhookRelay: relay})

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := rc.New(rc.Config{ServerURL: r.server.URL, ClientID: "pbxsim-client", ClientSecret: "pbxsim-secret", JWT: "jwt-102"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	sub := map[string]any{
		"eventFilters": []string{"/restapi/v1.0/account/~/extension/~/telephony/sessions"},
		"deliveryMode": map[string]string{"transportType": "WebHook", "address": r.server.URL + proxy.WebhookPath + "/rc", "verificationToken": "vt-secret"},
	}
	if err := c.Send(ctx, http.MethodPost, "/restapi/v1.0/subscription", sub, nil); err != nil {
		t.Fatal(err)
	}
	await := func(what string) {
		t.Helper()
		for {
			select {
			case s := <-got:
				if !strings.HasPrefix(s, "/hooks/rc ") {
					t.Fatalf("the relay delivered to %q", s)
				}
				if strings.Contains(s, what) {
					return
				}
			case <-ctx.Done():
				t.Fatalf("no webhook with %s", what)
			}
		}
	}
	s, err := c.CallOut(ctx, rc.Caller{DeviceID: "801536579005"}, rc.Callee{ExtensionNumber: "103"})
	if err != nil {
		t.Fatal(err)
	}
	await(`"code":"Answered"`)
	if err := c.Drop(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	await(`"code":"Disconnected"`)
	entries := r.entries(t)
	hooks := 0
	for _, e := range entries {
		if e.Kind == proxy.KindWebhook {
			hooks++
			if v := e.Request.Header["Verification-Token"]; v != "" && !strings.HasPrefix(v, proxy.RefPrefix) {
				t.Errorf("the verification token was recorded: %q", v)
			}
		}
	}
	if hooks < 3 {
		t.Fatalf("recorded %d webhooks; want the validation and the notifications", hooks)
	}
	res, err := replay.Session(ctx, entries, replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() || res.Webhooks != hooks {
		t.Fatalf("replay of %d webhooks (%d compared):\n%s", hooks, res.Webhooks, diffs(res))
	}
}
