package faults

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// vendorX is a dialect whose error body says which status it wrote.
type vendorX struct{}

func (vendorX) Classify(r *http.Request) (string, string) {
	return r.Header.Get("X-Tenant"), strings.TrimPrefix(r.URL.Path, "/x/")
}

func (vendorX) WriteFault(w http.ResponseWriter, status int, retryAfter time.Duration, msg string) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", retryAfter.String())
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, "vendor-x error: "+msg)
}

type httpWorld struct {
	eng     *Engine
	journal *simulator.Journal
	srv     *httptest.Server
	served  chan string
}

func newHTTPWorld(t *testing.T, rules ...Rule) *httpWorld {
	t.Helper()
	j := simulator.NewJournal(100)
	e := New(Options{Seed: 1, Clock: simulator.NewManualClock(start), Journal: j})
	for _, r := range rules {
		if _, err := e.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	w := &httpWorld{eng: e, journal: j, served: make(chan string, 10)}
	inner := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.served <- r.URL.Path
		_, _ = io.WriteString(rw, "ok")
	})
	w.srv = httptest.NewServer(e.Middleware([]Route{{Prefix: "/x", Dialect: "x", Vendor: vendorX{}}})(inner))
	t.Cleanup(func() {
		e.Close()
		w.srv.Close()
	})
	return w
}

func (w *httpWorld) get(t *testing.T, path string, timeout time.Duration) (*http.Response, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.srv.URL+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b), nil
}

// Issue 6: a vendor-shaped 5xx, and a 429 with Retry-After (60s by
// default, RingCentral's penalty interval), answered instead of the
// dialect and journaled with the rule's name.
func TestHTTPStatusFaults(t *testing.T) {
	w := newHTTPWorld(t,
		Rule{ID: "b503", Match: Match{Operation: "bridge"}, Action: Action{Status: 503}, Times: 1},
		Rule{ID: "h429", Match: Match{Operation: "hold"}, Action: Action{Status: 429}},
	)
	resp, body, err := w.get(t, "/x/bridge", 5*time.Second)
	if err != nil || resp.StatusCode != 503 || !strings.Contains(body, "vendor-x error: Service Unavailable (pbxsim fault rule b503)") {
		t.Fatalf("first bridge: %v %v %q", err, resp, body)
	}
	if resp, _, _ := w.get(t, "/x/bridge", 5*time.Second); resp.StatusCode != 200 {
		t.Fatalf("times 1: the second bridge got %d", resp.StatusCode)
	}
	resp, _, _ = w.get(t, "/x/hold", 5*time.Second)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1m0s" {
		t.Fatalf("hold: %d Retry-After %q, want 429 with the default 60s", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp, _, _ := w.get(t, "/other", 5*time.Second); resp.StatusCode != 200 {
		t.Fatalf("a path outside every route was faulted: %d", resp.StatusCode)
	}
	es := w.journal.Entries(simulator.JournalFilter{})
	if len(es) != 2 || es[0].Status != 503 || !strings.Contains(es[0].Note, "fault b503 (injected)") || es[1].Status != 429 {
		t.Fatalf("journal: %+v", es)
	}
	// The integration judge reads the wait a 429 announced from its note.
	if !strings.Contains(es[1].Note, "Retry-After: 60") || strings.Contains(es[0].Note, "Retry-After") {
		t.Fatalf("journal notes should carry the Retry-After of the 429 only: %q, %q", es[0].Note, es[1].Note)
	}
	if len(w.served) != 2 {
		t.Errorf("the dialect served %d requests, want 2 (the second bridge and /other)", len(w.served))
	}
}

// Issue 6: "a dropped connection": the client gets no answer at all.
func TestHTTPDropFault(t *testing.T) {
	w := newHTTPWorld(t, Rule{ID: "gone", Match: Match{Operation: "bridge"}, Action: Action{Drop: true}})
	_, _, err := w.get(t, "/x/bridge", 5*time.Second)
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a connection error, got %v", err)
	}
	if es := w.journal.Entries(simulator.JournalFilter{}); len(es) != 1 || es[0].Status != 0 || !strings.Contains(es[0].Note, "connection closed without an answer") {
		t.Fatalf("journal: %+v", es)
	}
}

// Issue 6: "a timeout": the request is held until the client gives up;
// the journal says so once it has.
func TestHTTPTimeoutFault(t *testing.T) {
	w := newHTTPWorld(t, Rule{ID: "stuck", Match: Match{Operation: "bridge"}, Action: Action{Timeout: true}})
	_, _, err := w.get(t, "/x/bridge", 50*time.Millisecond)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the client's own deadline to end the request, got %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		es := w.journal.Entries(simulator.JournalFilter{})
		if len(es) == 1 && strings.Contains(es[0].Note, "the client gave up") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("journal never noted the client giving up: %+v", es)
		}
		time.Sleep(5 * time.Millisecond) // polling an effect of another goroutine, with a deadline
	}
}

// A timeout with maxHold closes the connection once it passes.
func TestHTTPTimeoutMaxHold(t *testing.T) {
	w := newHTTPWorld(t, Rule{ID: "stuck", Action: Action{Timeout: true, MaxHold: Duration(20 * time.Millisecond)}})
	_, _, err := w.get(t, "/x/bridge", 5*time.Second)
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the server to close the connection after maxHold, got %v", err)
	}
}

// Latency alone delays and then serves; the sampled latency is in the log.
func TestHTTPLatencyFault(t *testing.T) {
	w := newHTTPWorld(t, Rule{ID: "slow", Action: Action{Latency: &Latency{Dist: "fixed", Fixed: Duration(5 * time.Millisecond)}}})
	resp, body, err := w.get(t, "/x/bridge", 5*time.Second)
	if err != nil || resp.StatusCode != 200 || body != "ok" {
		t.Fatalf("%v %v %q", err, resp, body)
	}
	if log := w.eng.Log(0); len(log) != 1 || log[0].Effect != "latency 5ms" || log[0].Subject != "GET /x/bridge" {
		t.Fatalf("log: %+v", log)
	}
}

// Closing the engine releases a held request (server shutdown).
func TestCloseReleasesHeldRequests(t *testing.T) {
	w := newHTTPWorld(t, Rule{ID: "stuck", Action: Action{Timeout: true}})
	done := make(chan error, 1)
	go func() {
		_, _, err := w.get(t, "/x/bridge", time.Minute)
		done <- err
	}()
	deadline := time.After(5 * time.Second)
	for len(w.eng.Log(0)) == 0 {
		select {
		case <-deadline:
			t.Fatal("the request never reached the fault")
		case <-time.After(time.Millisecond):
		}
	}
	w.eng.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a held request got an answer after Close")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not release the held request")
	}
}
