package netsapiens

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// receiver is a webhook endpoint that answers with a fixed status and
// hands every post to the test.
type receiver struct {
	url   string
	posts chan gjson.Result
}

func newReceiver(t *testing.T, status int, block <-chan struct{}) *receiver {
	t.Helper()
	rc := &receiver{posts: make(chan gjson.Result, 1000)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		if r.Header.Get("Content-Type") != "application/json" || !json.Valid(raw) {
			t.Errorf("delivery is not JSON: %q %s", r.Header.Get("Content-Type"), raw)
		}
		rc.posts <- gjson.ParseBytes(raw)
		if block != nil {
			<-block
		}
		if status == http.StatusFound {
			w.Header().Set("Location", "/elsewhere")
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	rc.url = srv.URL + "/events"
	return rc
}

// await collects posts until done says the list is complete; on time-out
// it reports every post it saw.
func (rc *receiver) await(t *testing.T, done func([]gjson.Result) bool) []gjson.Result {
	t.Helper()
	var got []gjson.Result
	deadline := time.After(5 * time.Second)
	for !done(got) {
		select {
		case p := <-rc.posts:
			got = append(got, p)
		case <-deadline:
			t.Fatalf("timed out; %d posts seen:\n%v", len(got), got)
		}
	}
	return got
}

func untilRemoved(posts []gjson.Result) bool {
	return len(posts) > 0 && posts[len(posts)-1].Get("0.remove").String() == "yes"
}

// countPosts makes the dialect report every counted delivery attempt.
func (w *world) countPosts() <-chan string {
	ch := make(chan string, 1000)
	w.d.subs.mu.Lock()
	w.d.subs.afterPost = func(id string) { ch <- id }
	w.d.subs.mu.Unlock()
	return ch
}

func awaitCounted(t *testing.T, ch <-chan string, id string, n int) {
	t.Helper()
	seen := map[string]int{}
	deadline := time.After(5 * time.Second)
	for seen[id] < n {
		select {
		case got := <-ch:
			seen[got]++
		case <-deadline:
			t.Fatalf("timed out waiting for %d counted posts to %s; counted %v", n, id, seen)
		}
	}
}

func (w *world) subscribe(key, path, url string) gjson.Result {
	w.t.Helper()
	return w.must(200, "POST", path, key, map[string]string{"model": "call", "post-url": url})
}

// Source: SPEC45 Subscription and GUIDE-SUBS, reference §6.1-6.2, §8.11:
// create answers 200 pending; each change of a call posts a JSON array of
// the legacy underscore object; the final post has "remove":"yes"; the
// status turns active and posts-count counts.
func TestSubscriptionDeliversCallChanges(t *testing.T) {
	w := newWorld(t, nil)
	counted := w.countPosts()
	rc := newReceiver(t, http.StatusOK, nil)
	sub := w.subscribe(keyOM, "/subscriptions", rc.url)
	id := sub.Get("id").String()
	for k, want := range map[string]string{
		"status": "pending", "model": "call", "domain": "TEST", "user": "*", "reseller": "*", "post-url": rc.url,
		"user-scope": scopeOfficeManager, "subscription-geo-support": "yes", "preferred-server": coreHost,
		"subscription-creation-datetime": "2026-01-01 00:00:00", "subscription-expires-datetime": "2046-01-01 00:00:00",
	} {
		if got := sub.Get(k).String(); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) || sub.Get("posts-count").Raw != "0" || sub.Get("error-count").Raw != "0" {
		t.Fatalf("subscription = %s", sub.Raw)
	}

	c := w.inboundCall()
	if err := w.sim.HangupCall(c.ID); err != nil {
		t.Fatal(err)
	}
	posts := rc.await(t, untilRemoved)
	// One post per visible change (issue 13 item 9): the caller alone
	// (progressing), the callee alerting, both active, the final remove.
	// The core's other changes (the caller connected while the callee
	// rings, the callee's setup turning proceeding, the first hang-up)
	// read the same and are not posted again.
	if len(posts) != 4 {
		t.Fatalf("want one post per visible change (4), got %d: %v", len(posts), posts)
	}
	for i := 1; i < len(posts); i++ {
		if posts[i].Raw == posts[i-1].Raw {
			t.Fatalf("posts %d and %d are identical: %s", i-1, i, posts[i].Raw)
		}
	}

	var keys []string
	for _, k := range fixture(t, "legacy-call-keys.json").Get("keys").Array() {
		keys = append(keys, k.String())
	}
	sawAlerting, sawActive := false, false
	for i, p := range posts {
		if !p.IsArray() || len(p.Array()) != 1 {
			t.Fatalf("post %d should be an array of one call: %s", i, p.Raw)
		}
		o := p.Array()[0]
		for _, k := range keys {
			if !o.Get(k).Exists() {
				t.Fatalf("post %d lacks %s: %s", i, k, o.Raw)
			}
		}
		if o.Get("sessionId").String() != c.Attrs[AttrSessionID] || o.Get("hostname").String() != coreHost {
			t.Fatalf("post %d is not about session %s: %s", i, c.Attrs[AttrSessionID], o.Raw)
		}
		if i < len(posts)-1 && o.Get("remove").Exists() {
			t.Fatalf("post %d before the end carries remove: %s", i, o.Raw)
		}
		if o.Get("term_call_info").String() == "alerting" && o.Get("time_answer").String() == "0000-00-00 00:00:00" && o.Get("term_user").String() == "1000" {
			sawAlerting = true
		}
		if o.Get("term_call_info").String() == "active" && o.Get("orig_call_info").String() == "active" {
			sawActive = true
		}
	}
	if !sawAlerting || !sawActive {
		t.Fatalf("want a ringing post (alerting, 0000-00-00 answer time) and an active one; got %v", posts)
	}

	awaitCounted(t, counted, id, len(posts))
	got := w.must(200, "GET", "/subscriptions/"+id, keyOM, nil)
	if got.Get("status").String() != "active" || got.Get("posts-count").Int() != int64(len(posts)) ||
		got.Get("error-count").Int() != 0 || got.Get("current-active-server").String() != coreHost {
		t.Fatalf("after %d good posts: %s", len(posts), got.Raw)
	}
}

// Source: SPEC45 POST /subscriptions 409 and reference §5: a duplicate is
// 409 with exactly {"message": ...} and no code.
func TestDuplicateSubscription(t *testing.T) {
	w := newWorld(t, allowHooks)
	w.subscribe(keyOM, "/subscriptions", "https://hooks.example.test/ns")
	r := w.do("POST", "/domains/TEST/subscriptions", keyOM, map[string]string{"model": "call", "post-url": "https://hooks.example.test/ns"})
	if r.status != http.StatusConflict || r.json().Raw != `{"message":"Subscription ID already Exists or matching set of parameters already exists"}` {
		t.Fatalf("duplicate: got %d %s", r.status, r.body)
	}
	// Another model or URL is not a duplicate.
	w.must(200, "POST", "/subscriptions", keyOM, map[string]string{"model": "call_origid", "post-url": "https://hooks.example.test/ns"})
	if n := len(w.must(200, "GET", "/subscriptions", keyOM, nil).Array()); n != 2 {
		t.Fatalf("want 2 subscriptions, got %d", n)
	}
}

// Source: GUIDE-SUBS: a response above 302 or a network failure counts as
// an error and the status turns error; 302 itself is a success.
func TestSubscriptionErrorCounting(t *testing.T) {
	for _, tc := range []struct {
		status     int
		wantStatus string
	}{{http.StatusInternalServerError, "error"}, {http.StatusNotFound, "error"}, {http.StatusFound, "active"}} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			w := newWorld(t, nil)
			counted := w.countPosts()
			rc := newReceiver(t, tc.status, nil)
			id := w.subscribe(keyOM, "/subscriptions", rc.url).Get("id").String()
			c := w.inboundCall()
			_ = w.sim.HangupCall(c.ID)
			posts := rc.await(t, untilRemoved)
			awaitCounted(t, counted, id, len(posts))
			got := w.must(200, "GET", "/subscriptions/"+id, keyOM, nil)
			wantErrors := int64(len(posts))
			if tc.wantStatus == "active" {
				wantErrors = 0
			}
			if got.Get("status").String() != tc.wantStatus || got.Get("posts-count").Int() != int64(len(posts)) || got.Get("error-count").Int() != wantErrors {
				t.Fatalf("after %d posts answered %d: %s", len(posts), tc.status, got.Raw)
			}
		})
	}

	// A network failure: nothing listens at the URL.
	w := newWorld(t, nil)
	counted := w.countPosts()
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	id := w.subscribe(keyOM, "/subscriptions", url).Get("id").String()
	w.inboundCall()
	awaitCounted(t, counted, id, 1)
	if got := w.must(200, "GET", "/subscriptions/"+id, keyOM, nil); got.Get("status").String() != "error" || got.Get("error-count").Int() < 1 {
		t.Fatalf("unreachable endpoint: %s", got.Raw)
	}
}

// Source: DESIGN (a slow subscriber never blocks the PBX): a stuck
// endpoint fills only its own queue; its extra posts are dropped and
// counted as errors while another subscriber gets every post.
func TestSlowEndpointBlocksNobody(t *testing.T) {
	// A call makes 4 visible changes: a queue of 4 holds one call's posts.
	w := newWorld(t, nil, Options{QueueSize: 4})
	release := make(chan struct{})
	slow := newReceiver(t, http.StatusOK, release)
	t.Cleanup(func() { close(release) })
	fast := newReceiver(t, http.StatusOK, nil)
	slowID := w.subscribe(keyOM, "/subscriptions", slow.url).Get("id").String()
	w.subscribe(keyOM, "/domains/TEST/subscriptions", fast.url)

	// One call at a time, so the fast endpoint's queue never holds more
	// than one call; the stuck one holds its first post and queues the rest.
	for i := 0; i < 3; i++ {
		c := w.inboundCall()
		if err := w.sim.HangupCall(c.ID); err != nil {
			t.Fatal(err)
		}
		posts := fast.await(t, untilRemoved)
		if len(posts) != 4 {
			t.Fatalf("call %d: the fast endpoint got %d posts, want 4: %v", i, len(posts), posts)
		}
	}
	got := w.must(200, "GET", "/subscriptions/"+slowID, keyOM, nil)
	if got.Get("error-count").Int() != 3*4-1-4 || got.Get("status").String() != "error" {
		t.Fatalf("the stuck endpoint: 1 post in flight, 4 queued, the other 7 dropped as errors: %s", got.Raw)
	}
}

// Source: rules (tenant isolation) and SPEC45 Subscription domain/user:
// a subscription sees only its scope; a Basic User's subscription is
// limited to its own calls; other scopes cannot see or delete it.
func TestSubscriptionScopes(t *testing.T) {
	w := newWorld(t, withOtherDomain)
	user1010 := newReceiver(t, http.StatusOK, nil)
	other := newReceiver(t, http.StatusOK, nil)
	s1010 := w.subscribe(key1010, "/subscriptions", user1010.url)
	if s1010.Get("user").String() != "1010" || s1010.Get("domain").String() != "TEST" {
		t.Fatalf("a Basic User's subscription is its own: %s", s1010.Raw)
	}
	otherSub := w.subscribe(keyOtherOM, "/domains/~/subscriptions", other.url)

	// A TEST call without 1010, then a call of each scope.
	c := w.inboundCall()
	_ = w.sim.HangupCall(c.ID)
	mine := w.must(200, "POST", "/domains/TEST/users/1010/calls", key1010, map[string]string{"synchronous": "yes", "call-id": "c-1010", "call-term-user": "1099", "auto-answer-enabled": "yes"})
	theirs := w.must(200, "POST", "/domains/OTHER/users/2000/calls", keyOther200, map[string]string{"synchronous": "yes", "call-id": "c-2000", "call-term-user": "2010", "auto-answer-enabled": "yes"})

	// Deliveries are in order per subscription: the first post each gets
	// is its own scope's call, so the foreign ones were never queued.
	if p := user1010.await(t, func(ps []gjson.Result) bool { return len(ps) == 1 }); p[0].Get("0.sessionId").String() != mine.Get("call-session-id").String() {
		t.Fatalf("1010's subscription got another call first: %s", p[0].Raw)
	}
	if p := other.await(t, func(ps []gjson.Result) bool { return len(ps) == 1 }); p[0].Get("0.sessionId").String() != theirs.Get("call-session-id").String() {
		t.Fatalf("OTHER's subscription got another call first: %s", p[0].Raw)
	}

	otherID := otherSub.Get("id").String()
	errorShape(t, w.do("GET", "/subscriptions/"+otherID, keyOM, nil), 404)
	errorShape(t, w.do("DELETE", "/subscriptions/"+otherID, keyOM, nil), 404)
	errorShape(t, w.do("GET", "/domains/OTHER/subscriptions", keyOM, nil), 403)
	if n := len(w.must(200, "GET", "/subscriptions", keyOM, nil).Array()); n != 1 {
		t.Fatalf("TEST's office manager should see only 1010's subscription, sees %d", n)
	}
	if n := len(w.must(200, "GET", "/subscriptions", keySuper, nil).Array()); n != 2 {
		t.Fatalf("the super user sees all, got %d", n)
	}
	errorShape(t, w.do("POST", "/subscriptions", key1010, map[string]string{"model": "call", "post-url": "https://x.test/", "user": "1000"}), 403)
}

// Source: SPEC45 PUT/DELETE /subscriptions/{id}: 202; counters may only be
// reset to 0; a refused update leaves the subscription unchanged.
func TestSubscriptionUpdateAndDelete(t *testing.T) {
	w := newWorld(t, allowHooks)
	id := w.subscribe(keyOM, "/subscriptions", "https://hooks.example.test/a").Get("id").String()
	if r := w.must(202, "PUT", "/subscriptions/"+id, keyOM, map[string]any{"post-url": "https://hooks.example.test/b", "error-count": 0}); r.Get("code").Int() != 202 {
		t.Fatalf("PUT body = %s", r.Raw)
	}
	errorShape(t, w.do("PUT", "/subscriptions/"+id, keyOM, map[string]any{"post-url": "https://hooks.example.test/c", "posts-count": 3}), 400)
	if got := w.must(200, "GET", "/subscriptions/"+id, keyOM, nil); got.Get("post-url").String() != "https://hooks.example.test/b" {
		t.Fatalf("a refused PUT changed the subscription: %s", got.Raw)
	}
	errorShape(t, w.do("DELETE", "/subscriptions/"+id, keyRO, nil), 403)
	w.must(202, "DELETE", "/domains/TEST/subscriptions/"+id, keyOM, nil)
	errorShape(t, w.do("GET", "/subscriptions/"+id, keyOM, nil), 404)
	w.subscribe(keyOM, "/subscriptions", "https://hooks.example.test/b") // no longer a duplicate
}

// Source: seed (attended transfer) with reference §6.2: the original call's
// posts show 1000 ringing, talking, holding, then 1010 in its place; the
// consult call's last post says remove when it is merged away, the
// original call's when the caller hangs up.
func TestDeliveriesFollowTheAttendedTransfer(t *testing.T) {
	w := newWorld(t, nil)
	rc := newReceiver(t, http.StatusOK, nil)
	w.subscribe(keyOM, "/subscriptions", rc.url)
	s := w.upToConsult(true)
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+s.origCallID+"/transfer", key1000, w.transferBody(s))
	w.settle()
	c, ok := w.sim.LookupCall(AttrSessionID, s.origSession)
	if !ok {
		t.Fatal("original call lost")
	}
	if err := w.sim.HangupCall(c.ID); err != nil {
		t.Fatal(err)
	}
	bySession := map[string][]gjson.Result{}
	rc.await(t, func(ps []gjson.Result) bool {
		if len(ps) == 0 {
			return false
		}
		last := ps[len(ps)-1].Get("0")
		bySession[last.Get("sessionId").String()] = append(bySession[last.Get("sessionId").String()], last)
		return last.Get("sessionId").String() == s.origSession && last.Get("remove").String() == "yes"
	})
	want := [][3]string{ // term_user, term_call_info, orig_call_info
		{"1000", "alerting", "progressing"}, {"1000", "active", "active"}, {"1000", "held", "active"}, {"1010", "active", "active"},
	}
	i := 0
	for _, p := range bySession[s.origSession] {
		if i < len(want) && p.Get("term_user").String() == want[i][0] && p.Get("term_call_info").String() == want[i][1] && p.Get("orig_call_info").String() == want[i][2] {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("original call's posts lack %v (in order); got %v", want[i], bySession[s.origSession])
	}
	consult := bySession[s.consultSession]
	if len(consult) == 0 || consult[len(consult)-1].Get("remove").String() != "yes" {
		t.Fatalf("the consult call's last post should say remove: %v", consult)
	}
	for _, p := range consult[:len(consult)-1] {
		if p.Get("remove").Exists() {
			t.Fatalf("remove before the consult call ended: %v", consult)
		}
	}
}
