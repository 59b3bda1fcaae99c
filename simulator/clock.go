package simulator

import (
	"container/heap"
	"sync"
	"time"
)

// Clock is where the simulator reads time and schedules timers. Production
// uses RealClock; tests use a ManualClock and move time with Advance.
type Clock interface {
	Now() time.Time
	// AfterFunc runs f once d has passed on this clock. f runs on its own
	// goroutine for a real clock and on the caller of Advance for a manual one.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a scheduled call that can be cancelled.
type Timer interface {
	// Stop cancels the timer; it reports whether the timer was still pending.
	Stop() bool
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns the wall-clock time.
func (RealClock) Now() time.Time { return time.Now() }

// AfterFunc schedules f with time.AfterFunc. A panic in f is recovered
// and logged: it runs on its own goroutine, where a panic would end the
// process.
func (RealClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, guardTimer(f)) }

// ManualClock only moves when Advance is called, so timers fire at exact,
// reproducible instants and tests never sleep.
type ManualClock struct {
	mu     sync.Mutex
	now    time.Time
	timers timerHeap
	nextID uint64
	closed bool
}

// NewManualClock returns a clock standing still at start.
func NewManualClock(start time.Time) *ManualClock { return &ManualClock{now: start} }

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f to run when the clock has advanced by d.
// A non-positive d fires on the next Advance (even Advance(0)). A panic in
// f is recovered and logged, and Advance goes on with the next timer.
func (c *ManualClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d < 0 {
		d = 0
	}
	c.nextID++
	t := &manualTimer{clock: c, when: c.now.Add(d), f: guardTimer(f), id: c.nextID, index: -1}
	if c.closed {
		return t
	}
	heap.Push(&c.timers, t)
	return t
}

// Close stops every pending timer, and every timer scheduled later never
// fires: a tenant's clock is closed when its tenant set is deleted
// (tenantclock.go). Now and Advance still work. It returns how many
// timers it stopped.
func (c *ManualClock) Close() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	n := len(c.timers)
	for _, t := range c.timers {
		t.index = -1
	}
	c.timers = nil
	return n
}

// Pending returns how many timers are waiting to fire.
func (c *ManualClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Advance moves the clock forward by d, firing every timer that falls due,
// in order of due time (then of scheduling), each at its own instant. Timers
// scheduled by a firing timer fire too if they fall due within the window.
// Callbacks run on the caller's goroutine without the clock's lock held.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	for len(c.timers) > 0 && !c.timers[0].when.After(target) {
		t := heap.Pop(&c.timers).(*manualTimer)
		t.index = -1
		if t.when.After(c.now) {
			c.now = t.when
		}
		c.mu.Unlock()
		t.f()
		c.mu.Lock()
	}
	if target.After(c.now) {
		c.now = target
	}
	c.mu.Unlock()
}

type manualTimer struct {
	clock *ManualClock
	when  time.Time
	f     func()
	id    uint64
	index int
}

func (t *manualTimer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.index < 0 || t.index >= len(c.timers) || c.timers[t.index] != t {
		return false
	}
	heap.Remove(&c.timers, t.index)
	t.index = -1
	return true
}

type timerHeap []*manualTimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].when.Equal(h[j].when) {
		return h[i].id < h[j].id
	}
	return h[i].when.Before(h[j].when)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*manualTimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	*h = old[:n-1]
	return t
}
