package netsapiens

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Rule: NetSapiens' event overflow goes through the shared notification
// pipeline and is journaled as RingCentral's is: one EVENT entry that
// names the pipeline (netsapiens) and its subscriber (event delivery),
// says how many of its events were lost and that the changes of the gap
// were not posted; then delivery resubscribes.
// Source: issue 11 item 3 (one overflow behaviour for both dialects);
// docs/resilience.md ("When pbxsim falls behind").
func TestEventOverflowGoesThroughThePipeline(t *testing.T) {
	w := newWorld(t, nil, Options{EventBuffer: 2})
	resynced := make(chan int, 1)
	w.d.subs.mu.Lock()
	w.d.subs.afterResync = func(lost int) { resynced <- lost }
	// Hold the fan-out lock: the dispatcher stops at its first event, so
	// the core's queue of 2 fills and the core drops the subscription.
	first := w.sim.LastEventSeq() + 1
	for i := 0; i < 3; i++ {
		c := w.inboundCall()
		if err := w.sim.HangupCall(c.ID); err != nil {
			w.d.subs.mu.Unlock()
			t.Fatal(err)
		}
	}
	last := w.sim.LastEventSeq()
	w.d.subs.mu.Unlock()

	var lost int
	select {
	case lost = <-resynced:
	case <-time.After(10 * time.Second):
		t.Fatal("delivery did not resubscribe after the overflow")
	}
	// The core queued two events and the dispatcher had taken one or none
	// of them by then: every other event of the three calls was lost.
	if total := int(last - first + 1); lost != total-3 && lost != total-2 {
		t.Fatalf("lost %d of %d events, want %d or %d", lost, total, total-3, total-2)
	}
	var notes []string
	for _, e := range w.sim.Journal().Entries(simulator.JournalFilter{Dialect: "netsapiens"}) {
		if e.Method == "EVENT" {
			notes = append(notes, e.Note)
		}
	}
	if len(notes) != 1 {
		t.Fatalf("EVENT journal entries: %q, want one", notes)
	}
	for _, want := range []string{"event delivery of the netsapiens notification pipeline", "of its events were lost", "were not posted", "resubscribed"} {
		if !strings.Contains(notes[0], want) {
			t.Errorf("the overflow note %q does not say %q", notes[0], want)
		}
	}
}

// Rule: a subscription posts only the changes made after it exists: a
// change the event pipeline reaches late (it runs behind the core under
// load) is not posted to a subscription made after that change.
// Source: SPEC45 subscriptions (a subscription is notified of the
// changes that follow it); found as a flake in test/isolation, where a
// lagging pipeline posted the set-up call to a newer subscription.
func TestSubscriptionPostsOnlyLaterChanges(t *testing.T) {
	w := newWorld(t, nil)
	rc := newReceiver(t, http.StatusOK, nil)
	c := w.inboundCall()
	old := w.sim.Events(0)
	if len(old) == 0 {
		t.Fatal("the call made no events")
	}
	id := w.subscribe(keyOM, "/subscriptions", rc.url).Get("id").String()
	// The pipeline reaches the call's events only now.
	for _, e := range old {
		w.d.subs.fanOut(e)
	}
	w.d.subs.mu.Lock()
	sub := w.d.subs.byID[id]
	queued := sub.pending != nil || sub.posting || sub.postsCount > 0
	w.d.subs.mu.Unlock()
	if queued {
		t.Fatalf("a change from before subscription %s (call %s) was queued for it", id, c.ID)
	}
	// A change after it is posted.
	if err := w.sim.HangupCall(c.ID); err != nil {
		t.Fatal(err)
	}
	rc.await(t, untilRemoved)
}
