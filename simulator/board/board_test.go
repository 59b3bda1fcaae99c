package board_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/board"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
)

const rcAccount = "684349005" // the built-in scenario's RingCentral account

func newServer(t *testing.T, token string) (*pbxsim.Server, *httptest.Server) {
	t.Helper()
	srv, err := pbxsim.New(pbxsim.Config{ControlToken: token})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		_ = srv.Shutdown(context.Background())
	})
	return srv, hs
}

func resolve(t *testing.T, sim *simulator.Sim, ext string) simulator.Endpoint {
	t.Helper()
	ep, err := sim.Resolve(ext, rcAccount)
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// Rule: the board respects the control token: without it a page, the
// state and the stream answer the control API's 401; a browser presents
// it once as ?token=, which becomes a cookie and leaves the address bar.
// Source: issue 14 item 1 ("respects the control token").
func TestBoardNeedsTheControlToken(t *testing.T) {
	_, hs := newServer(t, "s3cret")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/sim/", "/sim/state", "/sim/stream", "/sim/assets/board.js"} {
		resp, err := noRedirect.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s without the token: %d, want 401", path, resp.StatusCode)
		}
	}
	resp, err := noRedirect.Get(hs.URL + "/sim/?token=wrong")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Errorf("a wrong token: %d with cookies %v, want 401 and no cookie", resp.StatusCode, resp.Cookies())
	}
	resp, err = noRedirect.Get(hs.URL + "/sim/?token=s3cret&tenant=" + rcAccount)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sim/?tenant="+rcAccount {
		t.Fatalf("the token in the query: %d to %q, want 303 to the page without it", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == board.CookieName {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie %+v, want an HttpOnly SameSite=Strict %s", cookie, board.CookieName)
	}
	for _, auth := range []func(*http.Request){
		func(r *http.Request) { r.AddCookie(cookie) },
		func(r *http.Request) { r.Header.Set("Authorization", "Bearer s3cret") },
	} {
		req, _ := http.NewRequest(http.MethodGet, hs.URL+"/sim/state", nil)
		auth(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /sim/state with the token: %d", resp.StatusCode)
		}
	}
}

// Rule: the board's assets are embedded and fetch nothing from elsewhere:
// every reference is relative and the page's CSP allows only itself.
// Source: issue 14 item 1 ("nothing is fetched from the internet").
func TestBoardFetchesNothingFromElsewhere(t *testing.T) {
	_, hs := newServer(t, "")
	for _, path := range []string{"/sim/", "/sim/assets/board.js", "/sim/assets/board.css"} {
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		_, _ = bufio.NewReader(resp.Body).WriteTo(&b)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		for _, bad := range []string{"http://", "https://", "//cdn", "@import"} {
			if strings.Contains(b.String(), bad) {
				t.Errorf("%s refers to %q", path, bad)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
	}
}

// Rule: GET /sim/state shows tenants with users and devices, and calls in
// the control API's own view, filtered by tenant.
// Source: issue 14 item 1.
func TestStateShowsTenantsAndCallsByTenant(t *testing.T) {
	srv, hs := newServer(t, "")
	if _, err := srv.Sim.Originate(simulator.OriginateRequest{From: resolve(t, srv.Sim, "101"), To: resolve(t, srv.Sim, "102")}); err != nil {
		t.Fatal(err)
	}
	get := func(q string) board.Snapshot {
		resp, err := http.Get(hs.URL + "/sim/state" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var s board.Snapshot
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	all := get("")
	if len(all.Directory) < 2 || len(all.Tenants) != len(all.Directory) || len(all.Calls) != 1 {
		t.Fatalf("unfiltered: %d tenants of %d, %d calls", len(all.Tenants), len(all.Directory), len(all.Calls))
	}
	rc := get("?tenant=" + rcAccount)
	if len(rc.Tenants) != 1 || rc.Tenants[0].ID != rcAccount || len(rc.Calls) != 1 {
		t.Fatalf("RingCentral only: %+v", rc.Tenants)
	}
	var devices int
	for _, u := range rc.Tenants[0].Users {
		devices += len(u.Devices)
	}
	if devices == 0 {
		t.Errorf("no devices in %+v", rc.Tenants[0].Users)
	}
	if rc.Calls[0].Legs[0].Vendor["ringcentral"]["partyId"] == "" {
		t.Errorf("call without the control view's vendor IDs: %+v", rc.Calls[0].Legs[0])
	}
	for _, other := range all.Directory {
		if other.ID != rcAccount {
			if s := get("?tenant=" + other.ID); len(s.Calls) != 0 {
				t.Errorf("tenant %s sees %d calls of another tenant", other.ID, len(s.Calls))
			}
		}
	}
	resp, err := http.Get(hs.URL + "/sim/state?tenant=nope")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown tenant: %d, want 404", resp.StatusCode)
	}
}

// sse reads server-sent events from a stream.
type sse struct {
	t     *testing.T
	frame chan [2]string
}

func openStream(t *testing.T, url string) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	s := &sse{t: t, frame: make(chan [2]string, 1024)}
	var wg sync.WaitGroup
	wg.Add(1)
	t.Cleanup(func() { cancel(); resp.Body.Close(); wg.Wait() })
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		var name string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				s.frame <- [2]string{name, strings.TrimPrefix(line, "data: ")}
			}
		}
		close(s.frame)
	}()
	return s
}

// next returns the next frame named one of names, within a deadline.
func (s *sse) next(names ...string) (string, string) {
	s.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case f, ok := <-s.frame:
			if !ok {
				s.t.Fatalf("the stream ended waiting for %v", names)
			}
			for _, n := range names {
				if f[0] == n {
					return f[0], f[1]
				}
			}
		case <-deadline:
			s.t.Fatalf("no %v frame within 10s", names)
		}
	}
}

// Rule: the stream sends a snapshot, then every change of a call (with
// the call after it) and the vendor requests of the journal, without a
// reload. Source: issue 14 item 1 ("updates live").
func TestStreamSendsChangesAndRequests(t *testing.T) {
	srv, hs := newServer(t, "")
	s := openStream(t, hs.URL+"/sim/stream")
	if _, data := s.next("snapshot"); !strings.Contains(data, `"reason":"connect"`) {
		t.Fatalf("first snapshot: %s", data)
	}
	c, err := srv.Sim.Originate(simulator.OriginateRequest{From: resolve(t, srv.Sim, "101"), To: resolve(t, srv.Sim, "102")})
	if err != nil {
		t.Fatal(err)
	}
	_, data := s.next("event")
	var m board.EventMessage
	if err := json.Unmarshal([]byte(data), &m); err != nil || m.Call.ID != c.ID || m.Event.CallID != c.ID {
		t.Fatalf("event %s (%v)", data, err)
	}
	srv.Sim.Journal().Record(simulator.JournalEntry{Dialect: "ringcentral", Method: "GET", Path: "/restapi/v1.0/account/~", Status: 200, Body: strings.Repeat("x", 5000)})
	_, data = s.next("journal")
	var j board.JournalMessage
	if err := json.Unmarshal([]byte(data), &j); err != nil || len(j.Entries) != 1 || j.Entries[0].Path != "/restapi/v1.0/account/~" {
		t.Fatalf("journal %s (%v)", data, err)
	}
	if n := len(j.Entries[0].Body); n > 1100 {
		t.Errorf("a journal body of %d bytes went to the browser; the stream clips bodies", n)
	}
}

// Rule: a slow browser never blocks the PBX: its bounded queue overflows,
// the core drops it, and the stream resynchronises it with a snapshot.
// Source: issue 14 brief ("bounded queue, drop + resync"); DESIGN.md
// ("a slow subscriber never blocks the PBX").
func TestSlowBrowserIsResynchronised(t *testing.T) {
	srv, err := pbxsim.New(pbxsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	b := board.New(srv.Sim, board.Options{Limits: board.Limits{Queue: 2}})
	h := boardHandler(b)
	w := newStuckWriter()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/sim/stream", nil).WithContext(ctx))
	}()
	w.awaitFrames(t, 1) // the first snapshot went out
	w.stick()
	from, to := resolve(t, srv.Sim, "101"), resolve(t, srv.Sim, "102")
	for i := 0; i < 10; i++ { // returns: the PBX does not wait for the browser
		if _, err := srv.Sim.Originate(simulator.OriginateRequest{From: from, To: to}); err != nil {
			t.Fatal(err)
		}
	}
	w.release()
	w.awaitText(t, `"reason":"behind"`)
	cancel()
	<-done
}

// Rule: after POST /sim/v1/reset (the event log restarts) the board is
// resynchronised rather than left showing calls that no longer exist.
// Source: issue 14 item 1 ("updates live").
func TestStreamResynchronisesAfterReset(t *testing.T) {
	srv, hs := newServer(t, "")
	if _, err := srv.Sim.Originate(simulator.OriginateRequest{From: resolve(t, srv.Sim, "101"), To: resolve(t, srv.Sim, "102")}); err != nil {
		t.Fatal(err)
	}
	s := openStream(t, hs.URL+"/sim/stream")
	if _, data := s.next("snapshot"); !strings.Contains(data, `"legs"`) {
		t.Fatalf("first snapshot has no call: %s", data)
	}
	resp, err := http.Post(hs.URL+"/sim/v1/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, data := s.next("snapshot")
	var snap board.Snapshot
	if err := json.Unmarshal([]byte(data), &snap); err != nil || snap.Reason != "reset" || len(snap.Calls) != 0 {
		t.Fatalf("after the reset: %s (%v)", data, err)
	}
}

// Rule: an open board does not hold up pbxsim's graceful shutdown: its
// stream ends as soon as shutdown begins (a stream never ends by itself).
// Source: issue 14 item 1; the graceful-shutdown rule of cmd/pbxsim.
func TestStreamEndsWhenShutdownBegins(t *testing.T) {
	srv, err := pbxsim.New(pbxsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	s := openStream(t, srv.URL()+"/sim/stream")
	s.next("snapshot")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown with a board open: %v (it waited for the stream)", err)
	}
}
