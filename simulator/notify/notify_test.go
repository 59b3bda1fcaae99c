package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/notify"
)

// deadline bounds every wait: a test that would hang fails instead.
const deadline = 10 * time.Second

// newSim is a core with one tenant and two users, on the manual clock.
func newSim(t *testing.T) *simulator.Sim {
	t.Helper()
	sim := simulator.New(simulator.Options{Clock: simulator.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), Seed: 1})
	if err := sim.AddTenant(simulator.Tenant{ID: "T1", Name: "tenant"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []simulator.User{{TenantID: "T1", ID: "U1", Extension: "101"}, {TenantID: "T1", ID: "U2", Extension: "102"}} {
		if err := sim.AddUser(u); err != nil {
			t.Fatal(err)
		}
	}
	return sim
}

// change makes core events: a call from U1 to U2, hung up. It returns the
// number of events it published.
func change(t *testing.T, sim *simulator.Sim) int {
	t.Helper()
	before := sim.LastEventSeq()
	c, err := sim.Originate(simulator.OriginateRequest{
		From: simulator.Endpoint{TenantID: "T1", UserID: "U1", Number: "101"},
		To:   simulator.Endpoint{TenantID: "T1", UserID: "U2", Number: "102"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.HangupCall(c.ID); err != nil {
		t.Fatal(err)
	}
	return int(sim.LastEventSeq() - before)
}

// answered places a call from U1 to U2 and answers it; it returns the
// callee's leg, which Hold and Unhold change with one event each.
func answered(t *testing.T, sim *simulator.Sim) string {
	t.Helper()
	c, err := sim.Originate(simulator.OriginateRequest{
		From: simulator.Endpoint{TenantID: "T1", UserID: "U1", Number: "101"},
		To:   simulator.Endpoint{TenantID: "T1", UserID: "U2", Number: "102"},
	})
	if err != nil {
		t.Fatal(err)
	}
	leg := c.Legs[len(c.Legs)-1].ID
	if err := sim.Answer(leg); err != nil {
		t.Fatal(err)
	}
	return leg
}

// await receives one value from ch or fails at the deadline.
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(deadline):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// Rule: a bounded queue never makes its producer wait: Push refuses when
// the queue is full, and items come out in the order they went in.
// Source: DESIGN "a slow subscriber never blocks the PBX"; issue 11 item 3
// (bounded queues).
func TestQueueIsBoundedAndNeverWaits(t *testing.T) {
	q := notify.NewQueue[int](2)
	if !q.Push(1) || !q.Push(2) {
		t.Fatal("a queue of 2 refused one of its first two items")
	}
	if q.Push(3) {
		t.Fatal("a full queue accepted a third item")
	}
	if got := []int{<-q, <-q}; got[0] != 1 || got[1] != 2 {
		t.Fatalf("items came out as %v, want [1 2]", got)
	}
	if !q.Push(4) {
		t.Fatal("a drained queue refused an item")
	}
	if cap(notify.NewQueue[int](0)) != 1 {
		t.Fatal("a queue of size 0 must hold one item")
	}
}

// Rule: a subscriber that falls behind never blocks the PBX: core
// operations complete while its handler is stuck. When the core drops it,
// the pipeline journals the gap (the pipeline, the subscriber and how many
// of its events were lost), subscribes again, and delivery resumes with
// the next event; every event queued before the drop is still handled.
// Source: issue 11 item 3 (one overflow behaviour, journaled, for every
// dialect); DESIGN "a slow subscriber never blocks the PBX".
func TestOverflowIsJournaledAndDeliveryResumes(t *testing.T) {
	sim := newSim(t)
	leg := answered(t, sim) // before the subscriber: its events are not its
	p := notify.New(sim, notify.Options{Dialect: "testvendor"})
	defer p.Close()

	entered, release := make(chan struct{}), make(chan struct{})
	handled := make(chan uint64, 100)
	resynced := make(chan int, 1)
	blocked := true
	p.Subscribe(notify.SubscriberOptions{
		Name: "test dispatcher", Path: "/test", Buffer: 2, Lost: "test posts were lost",
		Handle: func(e *simulator.Event) {
			if blocked {
				blocked = false
				close(entered)
				<-release
			}
			handled <- e.Seq
		},
		OnResync: func(lost int) { resynced <- lost },
	})
	// flip holds or unholds the leg: one core event. It runs on another
	// goroutine and must finish while the subscriber is stuck.
	held := false
	flip := func() {
		t.Helper()
		done := make(chan error, 1)
		go func() {
			if held {
				done <- sim.Unhold(leg)
			} else {
				done <- sim.Hold(leg)
			}
		}()
		if err := await(t, done, "a core operation while the subscriber is stuck"); err != nil {
			t.Fatal(err)
		}
		held = !held
	}

	// The first event reaches the handler, which stops there; the core
	// queues the next two, drops the subscriber at the fourth, and the
	// fifth and sixth have nowhere to go. None of them waits.
	first := sim.LastEventSeq() + 1
	flip()
	await(t, entered, "the handler to take the first event")
	for i := 0; i < 5; i++ {
		flip()
	}
	if got := sim.LastEventSeq(); got != first+5 {
		t.Fatalf("six holds and unholds made events %d to %d, want one each", first, got)
	}

	close(release)
	for want := first; want < first+3; want++ {
		if got := await(t, handled, "the queued events"); got != want {
			t.Fatalf("handled event %d, want %d", got, want)
		}
	}
	if lost := await(t, resynced, "the resync"); lost != 3 {
		t.Fatalf("lost %d events, want 3 (events %d to %d)", lost, first+3, first+5)
	}
	var notes []string
	for _, e := range sim.Journal().Entries(simulator.JournalFilter{Dialect: "testvendor"}) {
		if e.Method == "EVENT" && e.Path == "/test" {
			notes = append(notes, e.Note)
		}
	}
	if len(notes) != 1 {
		t.Fatalf("journal EVENT entries for /test: %q, want one", notes)
	}
	for _, want := range []string{"test dispatcher", "testvendor", "fell behind", "3 of its events were lost", "test posts were lost", "resubscribed"} {
		if !strings.Contains(notes[0], want) {
			t.Errorf("the overflow note %q does not say %q", notes[0], want)
		}
	}

	// Delivery resumed: the next change reaches the handler.
	next := sim.LastEventSeq() + 1
	flip()
	if got := await(t, handled, "an event after the resync"); got != next {
		t.Fatalf("after the resync the handler got event %d, want %d", got, next)
	}
}

// Rule: a panic in a handler costs that one event: it is journaled through
// the dialect's OnPanic, and the subscriber carries on with the next one.
// Source: issue 10 item 1 (no goroutine that handles client input may take
// pbxsim down); issue 11 item 3 (panic recovery as the dialects had it).
func TestHandlerPanicIsRecovered(t *testing.T) {
	sim := newSim(t)
	panics := make(chan string, 10)
	p := notify.New(sim, notify.Options{Dialect: "testvendor", OnPanic: func(where string, v any) { panics <- where }})
	defer p.Close()
	handled := make(chan uint64, 100)
	leg := answered(t, sim)
	first := sim.LastEventSeq() + 1
	p.Subscribe(notify.SubscriberOptions{Name: "test dispatcher", PanicWhere: "test dispatch", Buffer: 100,
		Handle: func(e *simulator.Event) {
			if e.Seq == first {
				panic("boom")
			}
			handled <- e.Seq
		}})
	if err := sim.Hold(leg); err != nil {
		t.Fatal(err)
	}
	if err := sim.Unhold(leg); err != nil {
		t.Fatal(err)
	}
	if where := await(t, panics, "the panic"); where != "test dispatch" {
		t.Fatalf("the panic was journaled as in %q, want %q", where, "test dispatch")
	}
	if got := await(t, handled, "the event after the panic"); got != first+1 {
		t.Fatalf("after the panic the handler got event %d, want %d", got, first+1)
	}
}

// Rule: Close ends every subscriber's goroutine and core subscription: it
// returns once they have ended, and no event is handled afterwards.
// Source: issue 11 item 3 (clean Close); issue 10 (no goroutine outlives
// the dialect).
func TestCloseEndsGoroutines(t *testing.T) {
	sim := newSim(t)
	p := notify.New(sim, notify.Options{Dialect: "testvendor"})
	handled := make(chan uint64, 100)
	subs := []*notify.Subscriber{
		p.Subscribe(notify.SubscriberOptions{Name: "a", Handle: func(e *simulator.Event) { handled <- e.Seq }}),
		p.Subscribe(notify.SubscriberOptions{Name: "b", Handle: func(e *simulator.Event) {}}),
	}
	change(t, sim)
	await(t, handled, "an event before Close")
	closed := make(chan struct{})
	go func() { p.Close(); close(closed) }()
	await(t, closed, "Close")
	for _, s := range subs {
		await(t, s.Done(), "a subscriber's goroutine to end")
	}
	// Drain what was handled before Close; nothing may follow.
	for len(handled) > 0 {
		<-handled
	}
	change(t, sim)
	if len(handled) != 0 {
		t.Fatal("an event was handled after Close")
	}
	// A subscriber added after Close is ended at once; Close twice is fine.
	late := p.Subscribe(notify.SubscriberOptions{Name: "late", Handle: func(*simulator.Event) {}})
	await(t, late.Done(), "a subscriber added after Close to be ended")
	p.Close()
	// One subscriber closes on its own, the others keep going.
	q := notify.New(sim, notify.Options{Dialect: "testvendor"})
	defer q.Close()
	one := q.Subscribe(notify.SubscriberOptions{Name: "one", Handle: func(*simulator.Event) {}})
	other := q.Subscribe(notify.SubscriberOptions{Name: "other", Handle: func(e *simulator.Event) { handled <- e.Seq }})
	one.Close()
	await(t, one.Done(), "the closed subscriber")
	change(t, sim)
	await(t, handled, "the other subscriber's event")
	select {
	case <-other.Done():
		t.Fatal("closing one subscriber ended another")
	default:
	}
}

// Rule: a slow subscriber never blocks the PBX nor the other subscribers:
// with one handler stuck, core operations complete and another subscriber
// of the same pipeline gets every event.
// Source: DESIGN "a slow subscriber never blocks the PBX"; issue 11 item 3
// (a bounded queue per subscriber).
func TestSlowSubscriberBlocksNobody(t *testing.T) {
	sim := newSim(t)
	p := notify.New(sim, notify.Options{Dialect: "testvendor"})
	release := make(chan struct{})
	defer func() { close(release); p.Close() }()
	p.Subscribe(notify.SubscriberOptions{Name: "stuck", Buffer: 1, Handle: func(*simulator.Event) { <-release }})
	fast := make(chan uint64, 1000)
	p.Subscribe(notify.SubscriberOptions{Name: "fast", Buffer: 1000, Handle: func(e *simulator.Event) { fast <- e.Seq }})

	done := make(chan int, 1)
	first := sim.LastEventSeq() + 1
	go func() {
		n := 0
		for i := 0; i < 20; i++ {
			c, err := sim.Originate(simulator.OriginateRequest{
				From: simulator.Endpoint{TenantID: "T1", UserID: "U1", Number: "101"},
				To:   simulator.Endpoint{TenantID: "T1", UserID: "U2", Number: "102"},
			})
			if err == nil && sim.HangupCall(c.ID) == nil {
				n++
			}
		}
		done <- n
	}()
	if n := await(t, done, "core operations with a stuck subscriber"); n != 20 {
		t.Fatalf("%d of 20 calls were placed and hung up", n)
	}
	for want := first; want <= sim.LastEventSeq(); want++ {
		if got := await(t, fast, "the fast subscriber's events"); got != want {
			t.Fatalf("the fast subscriber got event %d, want %d", got, want)
		}
	}
}
