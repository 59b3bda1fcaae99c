package faults

import (
	"sync"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Notification decides the fault, if any, for one notification on its way
// to one subscription. The first notification rule that fires decides.
// The subject's Transport and Subscription should be set.
func (e *Engine) Notification(s Subject) (Fired, bool) {
	fs := e.decide(OnNotification, s, true, s.Transport+" subscription "+s.Subscription)
	if len(fs) == 0 {
		return Fired{}, false
	}
	return fs[0], true
}

// Apply decides the fault, if any, for an apply-phase change that has been
// answered (say with a 202): a different delay, or no change at all.
func (e *Engine) Apply(s Subject) (Fired, bool) {
	fs := e.decide(OnApply, s, true, s.Operation)
	if len(fs) == 0 {
		return Fired{}, false
	}
	return fs[0], true
}

// defaultReorderHold is how long a reordered notification waits for a
// later one before it goes anyway.
const defaultReorderHold = time.Second

// Outbox carries out a dialect's notification faults: drop, delay,
// duplicate and reorder, per subscription, on the simulator clock. The
// dialect handles fail and disconnect itself (they need its state) and
// hands everything else here.
type Outbox struct {
	clock simulator.Clock

	mu     sync.Mutex
	held   map[string][]*heldSend // by subscription
	timers map[*heldSend]simulator.Timer
	closed bool
}

type heldSend struct {
	key  string
	send func()
}

// NewOutbox returns an outbox on clock.
func NewOutbox(clock simulator.Clock) *Outbox {
	return &Outbox{clock: clock, held: map[string][]*heldSend{}, timers: map[*heldSend]simulator.Timer{}}
}

// Send delivers one notification to the subscription key through send,
// applying fault f when fired is true. send must not block for long; it
// runs on the caller's goroutine, or on the clock's for delayed sends.
func (o *Outbox) Send(key string, f Fired, fired bool, send func()) {
	if !fired {
		o.emit(key, send, 0)
		return
	}
	a := f.Action
	switch {
	case a.Drop:
		return
	case a.Reorder:
		o.hold(key, a.Delay.D(), func() { emitN(send, a.Duplicate) })
	case a.Delay != 0:
		o.later(a.Delay.D(), func() { o.emit(key, send, a.Duplicate) })
	default:
		o.emit(key, send, a.Duplicate)
	}
}

// emit sends now (plus duplicates), then releases what was held back for
// the same subscription: the reordered notifications now arrive after a
// later one.
func (o *Outbox) emit(key string, send func(), dups int) {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return
	}
	held := o.held[key]
	delete(o.held, key)
	for _, h := range held {
		if t := o.timers[h]; t != nil {
			t.Stop()
		}
		delete(o.timers, h)
	}
	o.mu.Unlock()
	emitN(send, dups)
	for _, h := range held {
		h.send()
	}
}

func emitN(send func(), dups int) {
	for i := 0; i <= dups; i++ {
		send()
	}
}

// hold keeps a send back until the next emit for key, or until wait
// passes on the clock.
func (o *Outbox) hold(key string, wait time.Duration, send func()) {
	if wait <= 0 {
		wait = defaultReorderHold
	}
	h := &heldSend{key: key, send: send}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return
	}
	o.held[key] = append(o.held[key], h)
	o.timers[h] = o.clock.AfterFunc(wait, func() { o.release(h) })
}

func (o *Outbox) release(h *heldSend) {
	o.mu.Lock()
	list := o.held[h.key]
	found := false
	for i, x := range list {
		if x == h {
			o.held[h.key] = append(list[:i:i], list[i+1:]...)
			found = true
			break
		}
	}
	if len(o.held[h.key]) == 0 {
		delete(o.held, h.key)
	}
	delete(o.timers, h)
	closed := o.closed
	o.mu.Unlock()
	if found && !closed {
		h.send()
	}
}

func (o *Outbox) later(d time.Duration, f func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return
	}
	h := &heldSend{}
	o.timers[h] = o.clock.AfterFunc(d, func() {
		o.mu.Lock()
		delete(o.timers, h)
		closed := o.closed
		o.mu.Unlock()
		if !closed {
			f()
		}
	})
}

// Close drops everything held or delayed; nothing is sent afterwards.
func (o *Outbox) Close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	for h, t := range o.timers {
		t.Stop()
		delete(o.timers, h)
	}
	o.held = map[string][]*heldSend{}
}

// Pending reports how many notifications are held back or delayed.
func (o *Outbox) Pending() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.timers)
}
