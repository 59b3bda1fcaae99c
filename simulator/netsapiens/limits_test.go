package netsapiens

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// hook is a loopback address nothing is ever posted to in these tests
// (no call is made), unique per n so subscriptions are no duplicates.
func hook(n int) string { return fmt.Sprintf("http://127.0.0.1:9/hook-%d", n) }

// Rule: one credential may create at most SubscriptionsPerUser event
// subscriptions (default 20) and one domain hold at most
// SubscriptionsPerDomain (default 200); a create over a limit is a 400 in
// the NS shape and changes nothing; deleting one frees its place.
// Source: issue 10 item 16 (3,000 from one Basic User key were accepted);
// the numbers are inferred, the vendor documents none.
func TestSubscriptionLimits(t *testing.T) {
	t.Run("per user", func(t *testing.T) {
		w := newWorld(t, nil)
		var first string
		for i := 0; i < DefaultSubscriptionsPerUser; i++ {
			id := w.subscribe(key1000, "/subscriptions", hook(i)).Get("id").String()
			if first == "" {
				first = id
			}
		}
		r := w.do("POST", "/subscriptions", key1000, map[string]string{"model": "call", "post-url": hook(99)})
		errorShape(t, r, http.StatusBadRequest)
		if !strings.Contains(r.json().Get("message").String(), "limit") {
			t.Fatalf("the refusal should name the limit: %s", r.body)
		}
		if n := len(w.must(200, "GET", "/subscriptions", key1000, nil).Array()); n != DefaultSubscriptionsPerUser {
			t.Fatalf("a refused create changed the list: %d subscriptions", n)
		}
		w.subscribe(key1010, "/subscriptions", hook(99)) // another user has its own allowance
		w.must(202, "DELETE", "/subscriptions/"+first, key1000, nil)
		w.subscribe(key1000, "/subscriptions", hook(99))
	})
	t.Run("per domain", func(t *testing.T) {
		w := newWorld(t, nil, Options{SubscriptionsPerDomain: 3})
		w.subscribe(key1000, "/subscriptions", hook(1))
		w.subscribe(key1010, "/subscriptions", hook(2))
		w.subscribe(keyOM, "/subscriptions", hook(3))
		r := w.do("POST", "/domains/TEST/subscriptions", keyOM, map[string]string{"model": "call", "post-url": hook(4)})
		errorShape(t, r, http.StatusBadRequest)
		if !strings.Contains(r.json().Get("message").String(), "domain TEST") {
			t.Fatalf("the refusal should name the domain: %s", r.body)
		}
	})
}

// Rule: an idle subscription costs no goroutine; a worker runs only while
// posts are queued. Source: issue 10 item 16 (one goroutine each).
func TestIdleSubscriptionsCostNoGoroutine(t *testing.T) {
	const n = 300
	w := newWorld(t, nil, Options{SubscriptionsPerUser: n, SubscriptionsPerDomain: n})
	before := runtime.NumGoroutine()
	for i := 0; i < n; i++ {
		w.subscribe(keyOM, "/subscriptions", hook(i))
	}
	// The test's own HTTP connections add a few goroutines; n would not fit.
	if grew := runtime.NumGoroutine() - before; grew >= n/10 {
		t.Fatalf("%d idle subscriptions added %d goroutines", n, grew)
	}
}

// countingServer answers every request with status(n) for the n-th one
// (from 1) and counts them.
type countingServer struct {
	url  string
	hits atomic.Int64
}

func newCountingServer(t *testing.T, status func(n int64) int) *countingServer {
	t.Helper()
	cs := &countingServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status(cs.hits.Add(1)))
	}))
	t.Cleanup(srv.Close)
	cs.url = srv.URL + "/events"
	return cs
}

// Rule: a subscription whose receiver fails FailureLimit posts in a row
// (status above 302, network failure, time-out) is disabled: status
// "disabled", nothing more is posted, the journal says why; a success in
// between resets the count; a new post-url enables it again.
// Source: issue 10 item 16 (a receiver answering 500 forever was never
// disabled); GUIDE-SUBS for what counts as a failed post; the bound and
// the status are inferred.
func TestFailingReceiverIsDisabled(t *testing.T) {
	w := newWorld(t, nil, Options{FailureLimit: 3})
	counted := w.tallyPosts()
	failing := newCountingServer(t, func(int64) int { return http.StatusInternalServerError })
	// Two failures, one success, and again: never three in a row.
	flaky := newCountingServer(t, func(n int64) int {
		if n%3 == 0 {
			return http.StatusOK
		}
		return http.StatusServiceUnavailable
	})
	healthy := newReceiver(t, http.StatusOK, nil)
	id := w.subscribe(keyOM, "/subscriptions", failing.url).Get("id").String()
	flakyID := w.subscribe(keyOM, "/domains/TEST/subscriptions", flaky.url).Get("id").String()
	w.subscribe(key1000, "/subscriptions", healthy.url)

	c := w.inboundCall()
	if err := w.sim.HangupCall(c.ID); err != nil {
		t.Fatal(err)
	}
	healthy.await(t, untilRemoved)
	counted.await(t, id, 3)
	counted.await(t, flakyID, postsPerInboundCall)
	got := w.must(200, "GET", "/subscriptions/"+id, keyOM, nil)
	if got.Get("status").String() != statusDisabled || got.Get("posts-count").Int() != 3 || got.Get("error-count").Int() != 3 {
		t.Fatalf("after 3 failed posts in a row: %s", got.Raw)
	}
	w.requireNote("/subscriptions/"+id, "disabled after 3 failed posts in a row (last: 500 Internal Server Error)")
	if got := w.must(200, "GET", "/subscriptions/"+flakyID, keyOM, nil); got.Get("status").String() == statusDisabled {
		t.Fatalf("a receiver that never failed 3 in a row was disabled: %s", got.Raw)
	}

	// Disabled, it gets nothing of the next call.
	c = w.inboundCall()
	_ = w.sim.HangupCall(c.ID)
	healthy.await(t, untilRemoved)
	if n := failing.hits.Load(); n != 3 {
		t.Fatalf("a disabled subscription was posted to: %d posts, want 3", n)
	}

	// A new post-url enables it.
	next := newReceiver(t, http.StatusOK, nil)
	w.must(202, "PUT", "/subscriptions/"+id, keyOM, map[string]string{"post-url": next.url})
	if got := w.must(200, "GET", "/subscriptions/"+id, keyOM, nil); got.Get("status").String() != "pending" {
		t.Fatalf("after a new post-url: %s", got.Raw)
	}
	c = w.inboundCall()
	_ = w.sim.HangupCall(c.ID)
	next.await(t, untilRemoved)
}

// Rule: webhook posts go only to hosts the egress policy allows: loopback
// by default, more through the scenario's webhookHosts (and pbxsim's
// --webhook-host). A post-url elsewhere, or with credentials in it, is
// refused at create and update with a 400 in the NS shape naming the
// reason, and nothing changes. Source: issue 10 item 17; simulator/egress.
func TestWebhookHostAllowList(t *testing.T) {
	w := newWorld(t, nil)
	for url, why := range map[string]string{
		"https://hooks.example.test/ns":        `host "hooks.example.test" is not in the delivery allow-list`,
		"http://10.0.0.7:8080/ns":              `host "10.0.0.7" is not in the delivery allow-list`,
		"http://user:s3cret@127.0.0.1:9/hook":  "credentials in the URL are not accepted",
		"http://169.254.169.254/latest/meta":   "allow-list",
		"http://127.0.0.1.example.test:9/hook": "allow-list",
	} {
		r := w.do("POST", "/subscriptions", keyOM, map[string]string{"model": "call", "post-url": url})
		errorShape(t, r, http.StatusBadRequest)
		if msg := r.json().Get("message").String(); !strings.Contains(msg, why) || strings.Contains(msg, "s3cret") {
			t.Errorf("%s: message %q, want one saying %q (and no password)", url, msg, why)
		}
	}
	if n := len(w.must(200, "GET", "/subscriptions", keyOM, nil).Array()); n != 0 {
		t.Fatalf("refused creates left %d subscriptions", n)
	}
	id := w.subscribe(keyOM, "/subscriptions", "http://localhost:9/hook").Get("id").String()
	errorShape(t, w.do("PUT", "/subscriptions/"+id, keyOM, map[string]string{"post-url": "https://hooks.example.test/ns"}), http.StatusBadRequest)
	if got := w.must(200, "GET", "/subscriptions/"+id, keyOM, nil).Get("post-url").String(); got != "http://localhost:9/hook" {
		t.Fatalf("a refused PUT changed post-url to %q", got)
	}

	allowed := newWorld(t, func(sc *scenario.Scenario) { sc.WebhookHosts = []string{"hooks.example.test"} })
	allowed.subscribe(keyOM, "/subscriptions", "https://hooks.example.test/ns")
	allowed.subscribe(keyOM, "/subscriptions", "https://HOOKS.example.test./other")
}

// Rule: a redirect is an answer, never followed: up to 302 counts as
// delivered (GUIDE-SUBS), a 307 as failed, and the Location gets nothing.
// Source: issue 10 item 17; reference/netsapiens.md §6.1.
func TestDeliveriesDoNotFollowRedirects(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   string
	}{{http.StatusFound, "active"}, {http.StatusTemporaryRedirect, "error"}} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			w := newWorld(t, nil)
			counted := w.countPosts()
			elsewhere := newCountingServer(t, func(int64) int { return http.StatusOK })
			redirecting := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				http.Redirect(rw, r, elsewhere.url, tc.status)
			}))
			t.Cleanup(redirecting.Close)
			id := w.subscribe(keyOM, "/subscriptions", redirecting.URL+"/events").Get("id").String()
			w.inboundCall()
			awaitCounted(t, counted, id, 1)
			if n := elsewhere.hits.Load(); n != 0 {
				t.Fatalf("the %d was followed: %d posts reached its Location", tc.status, n)
			}
			if got := w.must(200, "GET", "/subscriptions/"+id, keyOM, nil); got.Get("status").String() != tc.want {
				t.Fatalf("after a %d: %s", tc.status, got.Raw)
			}
		})
	}
}

func (w *world) panics() []simulator.JournalEntry {
	return w.sim.Journal().Entries(simulator.JournalFilter{Dialect: "netsapiens", Method: "PANIC"})
}

// Rule: a panic while applying a 202'd change is recovered and journaled,
// the request's entry says the change was not applied, and the dialect
// carries on. Source: issue 10 item 1 (no goroutine that handles client
// input may take the process down).
func TestPanickingApplyIsRecovered(t *testing.T) {
	w := newWorld(t, nil)
	var once atomic.Bool
	w.d.applyHook = func(what string) {
		if what == "hold" && once.CompareAndSwap(false, true) {
			panic("injected by the test")
		}
	}
	w.inboundCall()
	term := w.calls()[0].Get("call-term-call-id").String()
	hold := "/domains/TEST/users/1000/calls/" + term + "/hold"
	w.must(202, "PATCH", hold, key1000, nil)
	w.settle()
	w.requireNote("/hold", "hold not applied: pbxsim failed applying it")
	if p := w.panics(); len(p) != 1 || !strings.Contains(p[0].Note, "injected by the test") {
		t.Fatalf("want one PANIC journal entry naming the panic, got %+v", p)
	}
	w.must(202, "PATCH", hold, key1000, nil)
	w.settle()
	if info := w.calls()[0].Get("term-orig-info").String(); info != "held" {
		t.Fatalf("the second hold should apply: term-orig-info %q", info)
	}
}

// Rule: a panic in a delivery worker is recovered and journaled, and the
// worker goes on with the next post. Source: issue 10 item 1.
func TestPanickingDeliveryIsRecovered(t *testing.T) {
	w := newWorld(t, nil)
	var once atomic.Bool
	w.d.subs.mu.Lock()
	w.d.subs.afterPost = func(string) {
		if once.CompareAndSwap(false, true) {
			panic("injected by the test")
		}
	}
	w.d.subs.mu.Unlock()
	rc := newReceiver(t, http.StatusOK, nil)
	w.subscribe(keyOM, "/subscriptions", rc.url)
	c := w.inboundCall()
	_ = w.sim.HangupCall(c.ID)
	if posts := rc.await(t, untilRemoved); len(posts) != postsPerInboundCall {
		t.Fatalf("want every post after the panic, got %d: %v", len(posts), posts)
	}
	if p := w.panics(); len(p) != 1 || !strings.Contains(p[0].Note, "delivery to subscription") {
		t.Fatalf("want one PANIC journal entry for the delivery, got %+v", p)
	}
}

// postsPerInboundCall is what one inbound call answered and hung up posts
// to a subscription: one post per visible change (visible.go; ringing,
// alerting, answered, removed), not one per core event.
const postsPerInboundCall = 4

// tally keeps count of counted delivery attempts per subscription across
// awaits.
type tally struct {
	ch   <-chan string
	seen map[string]int
}

func (w *world) tallyPosts() *tally { return &tally{ch: w.countPosts(), seen: map[string]int{}} }

func (c *tally) await(t *testing.T, id string, n int) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for c.seen[id] < n {
		select {
		case got := <-c.ch:
			c.seen[got]++
		case <-deadline:
			t.Fatalf("timed out waiting for %d counted posts to %s; counted %v", n, id, c.seen)
		}
	}
}

// Rule: an expired subscription does not count against the limits, and
// one expired for longer than expiredMemory is forgotten, so a client that
// subscribes with every short-lived token is not locked out. Source:
// issue 10 items 16 and 19; SPEC45 (a token's subscription expires with
// the token).
func TestExpiredSubscriptionsFreeTheirPlace(t *testing.T) {
	w := newWorld(t, nil, Options{SubscriptionsPerUser: 2})
	access, _ := w.passwordGrant("1000")
	w.subscribe(access, "/subscriptions", hook(1))
	w.subscribe(access, "/subscriptions", hook(2))
	errorShape(t, w.do("POST", "/subscriptions", access, map[string]string{"model": "call", "post-url": hook(3)}), http.StatusBadRequest)

	w.clk.Advance(w.d.tokenTTL) // the token and its subscriptions expire
	next, _ := w.passwordGrant("1000")
	w.subscribe(next, "/subscriptions", hook(3))
	if n := len(w.must(200, "GET", "/subscriptions", keyOM, nil).Array()); n != 3 {
		t.Fatalf("expired subscriptions stay listed for a while: %d, want 3", n)
	}
	w.clk.Advance(expiredMemory + purgeEvery)
	last, _ := w.passwordGrant("1000")
	w.subscribe(last, "/subscriptions", hook(4))
	if n := len(w.must(200, "GET", "/subscriptions", keyOM, nil).Array()); n != 2 {
		t.Fatalf("after the sweep: %d subscriptions, want 2 (the third, expired within the hour, and the fourth)", n)
	}
}
