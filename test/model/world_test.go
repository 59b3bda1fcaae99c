package model

import (
	"context"
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

	"github.com/tidwall/gjson"

	nsclient "github.com/xfer-conform/xfer-conform/client/netsapiens"
	rcclient "github.com/xfer-conform/xfer-conform/client/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

const (
	rcAccount = "684349005"
	nsDomain  = "TEST"
	nsKey     = "nsd_QLTzfB3v6vVySzayxfEo1adY7n4O0zB2I6NKXEf7taE2IYvcb9ea433f"
)

// rig is one pbxsim with its observers: a core subscriber, an
// account-level RingCentral WebSocket subscriber, a NetSapiens webhook.
type rig struct {
	t     *testing.T
	srv   *pbxsim.Server
	http  *httptest.Server
	clk   *simulator.ManualClock
	sim   *simulator.Sim
	core  *simulator.Subscription
	rcSub *rcclient.Subscription
	nsRx  *nsclient.WebhookReceiver

	mu       sync.Mutex
	rcNotes  []rcclient.Notification
	requests int // vendor-API HTTP requests this test sent

	tokens map[string]string // RC extension number -> bearer token
}

func newRig(t *testing.T) *rig {
	t.Helper()
	clk := simulator.NewManualClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	sc := scenario.Default()
	// A short retention makes ended calls get forgotten during a run, so
	// the orphan check (vendor IDs of forgotten calls resolve to nothing)
	// has something to check.
	sc.Retention = scenario.Duration(20 * time.Second)
	srv, err := pbxsim.New(pbxsim.Config{Scenario: sc, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, srv: srv, clk: clk, sim: srv.Sim, tokens: map[string]string{}}
	r.http = httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if r.rcSub != nil {
			r.rcSub.Close()
		}
		_ = srv.Shutdown(ctx)
		r.http.Close()
	})
	r.core = r.sim.Subscribe(simulator.SubscribeOptions{Buffer: 1 << 16})
	for _, ext := range []string{"101", "102", "103"} {
		r.tokens[ext] = r.login(ext)
	}
	r.subscribeRC()
	r.subscribeNS()
	return r
}

// vendor sends a vendor-API request and counts it for the journal check.
func (r *rig) vendor(method, path, token, body string) (int, gjson.Result) {
	r.t.Helper()
	req, _ := http.NewRequest(method, r.http.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r.mu.Lock()
	r.requests++
	r.mu.Unlock()
	if resp.StatusCode >= 500 {
		r.t.Fatalf("%s %s %s: server error %d: %s", method, path, body, resp.StatusCode, b)
	}
	return resp.StatusCode, gjson.ParseBytes(b)
}

func (r *rig) login(ext string) string {
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"jwt-" + ext}}
	req, _ := http.NewRequest("POST", r.http.URL+"/restapi/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("pbxsim-client", "pbxsim-secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r.requests++
	tok := gjson.GetBytes(b, "access_token").String()
	if tok == "" {
		r.t.Fatalf("login %s: %d %s", ext, resp.StatusCode, b)
	}
	return tok
}

func (r *rig) subscribeRC() {
	c, err := rcclient.New(rcclient.Config{ServerURL: r.http.URL, ClientID: "pbxsim-client", ClientSecret: "pbxsim-secret", JWT: "jwt-102",
		HTTPClient: &http.Client{Transport: countingTransport{r}}})
	if err != nil {
		r.t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Login(ctx); err != nil {
		r.t.Fatal(err)
	}
	sub, err := c.Subscribe(ctx, rcclient.SubscribeOptions{Filters: []string{"/restapi/v1.0/account/~/telephony/sessions"}, Buffer: 1 << 15})
	if err != nil {
		r.t.Fatal(err)
	}
	r.rcSub = sub
	go func() {
		for n := range sub.Notifications() {
			r.mu.Lock()
			r.rcNotes = append(r.rcNotes, n)
			r.mu.Unlock()
		}
	}()
}

func (r *rig) subscribeNS() {
	r.nsRx = nsclient.NewWebhookReceiver()
	hook := httptest.NewServer(r.nsRx)
	r.t.Cleanup(hook.Close)
	body, _ := json.Marshal(map[string]string{"model": "call", "post-url": hook.URL + "/events"})
	if st, b := r.vendor("POST", "/ns-api/v2/domains/TEST/subscriptions", nsKey, string(body)); st >= 300 {
		r.t.Fatalf("NS subscription: %d %s", st, b.Raw)
	}
}

type countingTransport struct{ r *rig }

func (c countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && !strings.HasPrefix(req.URL.Path, "/ws") {
		c.r.mu.Lock()
		c.r.requests++
		c.r.mu.Unlock()
	}
	return resp, err
}

// ctl runs a control-API request in-process through the handler (not
// journaled: the journal is for vendor APIs).
func (r *rig) ctl(method, path, body string) (int, gjson.Result) {
	r.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	r.srv.Handler().ServeHTTP(rec, req)
	if rec.Code >= 500 {
		r.t.Fatalf("control %s %s: %d %s", method, path, rec.Code, rec.Body.String())
	}
	return rec.Code, gjson.Parse(rec.Body.String())
}

func describe(c simulator.Call) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s[", c.ID)
	for _, l := range c.Legs {
		fmt.Fprintf(&b, " %s:%s/%s", l.ID, l.Endpoint.UserID+l.Endpoint.Number, l.State)
	}
	b.WriteString(" ]")
	return b.String()
}
