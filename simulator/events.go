package simulator

import (
	"sync"
	"time"
)

// Event is one change to one leg of a call. Events are immutable once
// published; subscribers share them.
type Event struct {
	// Seq counts every event of the Sim, from 1.
	Seq uint64 `json:"seq"`
	// CallSeq counts the events of one call, from 1, across all its legs.
	CallSeq int64     `json:"callSeq"`
	Time    time.Time `json:"time"`
	// Cause is the operation that made the change ("originate", "answer",
	// "hold", "attended-transfer", ...).
	Cause string `json:"cause"`
	// Leg is the changed leg after the change.
	Leg Leg `json:"leg"`
	// Call is the whole call after the change.
	Call Call `json:"call"`
	// CallEnded is set on the event that ended the call.
	CallEnded bool `json:"callEnded,omitempty"`
}

// TenantIDs returns the tenants whose users have a leg in the event's call.
func (e *Event) TenantIDs() []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range e.Call.Legs {
		t := l.Endpoint.TenantID
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// Events returns the retained events with Seq greater than after.
func (s *Sim) Events(after uint64) []*Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events.since(after)
}

// EventLogLen returns the number of events the log keeps.
func (s *Sim) EventLogLen() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events.n
}

// EventLogBytes returns the estimated bytes the kept events account for.
func (s *Sim) EventLogBytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events.bytes
}

// LastEventSeq returns the Seq of the newest event.
func (s *Sim) LastEventSeq() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events.seq
}

// SubscribeOptions configure a Subscription.
type SubscribeOptions struct {
	// Buffer is the queue length; default 256. When the queue is full the
	// subscriber is dropped (its channel closed, Overflowed true): a slow
	// subscriber never blocks the PBX.
	Buffer int
	// Filter, when set, selects the events to queue. It runs with the Sim's
	// lock held and must be quick and not call back into the Sim.
	Filter func(*Event) bool
}

// Subscription receives events through a bounded queue.
type Subscription struct {
	C <-chan *Event

	ch     chan *Event
	filter func(*Event) bool
	sim    *Sim

	mu         sync.Mutex
	closed     bool
	overflowed bool
}

// Subscribe starts a subscription to future events.
func (s *Sim) Subscribe(opts SubscribeOptions) *Subscription {
	if opts.Buffer <= 0 {
		opts.Buffer = 256
	}
	ch := make(chan *Event, opts.Buffer)
	sub := &Subscription{C: ch, ch: ch, filter: opts.Filter, sim: s}
	s.mu.Lock()
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	return sub
}

// Close ends the subscription and closes its channel.
func (sub *Subscription) Close() {
	sub.sim.mu.Lock()
	defer sub.sim.mu.Unlock()
	sub.closeLocked(false)
}

// Overflowed reports whether the subscription was dropped for falling behind.
func (sub *Subscription) Overflowed() bool {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	return sub.overflowed
}

// closeLocked runs with the Sim's lock held.
func (sub *Subscription) closeLocked(overflow bool) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.closed {
		return
	}
	sub.closed = true
	sub.overflowed = overflow
	delete(sub.sim.subs, sub)
	close(sub.ch)
}

// emit records a change of l and fans it out. Runs with the lock held.
func (s *Sim) emit(c *call, l *leg, cause string) {
	c.Seq++
	s.events.seq++
	ended := false
	now := c.clockOr(s.clock).Now()
	if c.Ended.IsZero() && !c.hasLive() {
		c.Ended = now
		ended = true
		s.unfileCallLocked(c)
	}
	// The event is filled in place, field by field: a composite literal
	// would be built on the stack first, and emit runs on timer goroutines
	// whose stacks are small (a large frame here cost a stack growth per
	// timer).
	e, legs := newEvent(len(c.legs))
	e.Seq, e.CallSeq, e.Time, e.Cause, e.CallEnded = s.events.seq, c.Seq, now, cause, ended
	e.Leg = l.Leg
	e.Call = c.Call
	for i, o := range c.legs {
		legs[i] = o.Leg
	}
	e.Call.Legs = legs
	// The snapshot reads shared (call.view) is out of date. Reads do not
	// share the event's: it would hold the event (newEvent) as long as the
	// call lasts, after the event log has let go of it.
	c.last, c.hasLast = Call{}, false
	size := int64(eventOverhead+len(cause)) + l.bytes() + c.fixed
	for _, o := range c.legs {
		size += o.bytes()
	}
	s.events.add(e, size)
	for sub := range s.subs {
		if sub.filter != nil && !sub.filter(e) {
			continue
		}
		select {
		case sub.ch <- e:
		default:
			sub.closeLocked(true)
		}
	}
	if ended {
		s.scheduleRetention(c)
	}
}

// newEvent allocates an event and the legs of its call's snapshot
// together, in one allocation for calls of up to four legs (a warm
// transfer's calls have two to four): an event is the core's most frequent
// allocation. The legs live as long as the event, which holds them.
func newEvent(legs int) (*Event, []Leg) {
	switch {
	case legs <= 1:
		b := new(struct {
			e Event
			l [1]Leg
		})
		return &b.e, b.l[:legs:legs]
	case legs == 2:
		b := new(struct {
			e Event
			l [2]Leg
		})
		return &b.e, b.l[:]
	case legs == 3:
		b := new(struct {
			e Event
			l [3]Leg
		})
		return &b.e, b.l[:]
	case legs == 4:
		b := new(struct {
			e Event
			l [4]Leg
		})
		return &b.e, b.l[:]
	}
	return new(Event), make([]Leg, legs)
}

func (c *call) hasLive() bool {
	for _, l := range c.legs {
		if l.State.Live() {
			return true
		}
	}
	return false
}
