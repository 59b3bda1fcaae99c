// Package notify is the notification pipeline every vendor dialect uses to
// fan the core's events out to its clients (issue 11 item 3).
//
// A Pipeline belongs to one dialect. Each of its subscribers (a dialect's
// notification dispatcher, its call-log recorder, its webhook delivery)
// has its own core subscription, a bounded queue of events, and
// one goroutine that hands the events to the subscriber's handler in
// order. Nothing here ever blocks the PBX: the core never waits for a
// subscriber; a subscriber whose queue is full is dropped by the core.
// The pipeline then handles what was queued, journals the gap (which
// subscriber, how many of its events were lost) and subscribes again, so
// delivery resumes with the next event. Every dialect's overflow is
// journaled the same way.
//
// A panic in a handler is recovered: it costs that one event, the dialect
// journals it (Options.OnPanic), and the subscriber carries on.
//
// Queue is the bounded queue the dialects' own delivery queues (a
// webhook's posts, a socket's frames) are built on: its producer never
// waits.
//
// The package imports the core simulator package and the standard
// library only, so any dialect can use it.
package notify

import (
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Queue is a bounded FIFO whose producer never waits: Push reports false
// when the queue is full, and the caller decides what a full queue costs
// (drop the item and journal it, close the socket). The consumer receives
// from it as from a channel, so it can wait on it beside other channels.
type Queue[T any] chan T

// NewQueue returns an empty queue of size items (at least 1).
func NewQueue[T any](size int) Queue[T] {
	if size < 1 {
		size = 1
	}
	return make(Queue[T], size)
}

// Push adds v unless the queue is full, without waiting.
func (q Queue[T]) Push(v T) bool {
	select {
	case q <- v:
		return true
	default:
		return false
	}
}

// DefaultBuffer is a subscriber's queue of core events when its options
// name none.
const DefaultBuffer = 256

// Options configure a Pipeline.
type Options struct {
	// Dialect names the pipeline: the Dialect field of its journal entries
	// (the dialect's name).
	Dialect string
	// OnPanic journals a panic recovered in a handler, in the dialect's
	// own shape; it runs in the deferred recovery, so debug.Stack still
	// shows where the panic happened. Default: a PANIC journal entry.
	OnPanic func(where string, v any)
}

// SubscriberOptions configure one subscriber of a Pipeline.
type SubscriberOptions struct {
	// Name says who the subscriber is in its journal entries
	// ("notification dispatcher").
	Name string
	// Path is the Path of its journal entries ("/notifications").
	Path string
	// Buffer is its queue of core events; default DefaultBuffer.
	Buffer int
	// Filter selects its events. It runs with the Sim's lock held (and on
	// the subscriber's goroutine to count a gap), so it must be quick, a
	// function of the event only, and must not call back into the Sim.
	Filter func(*simulator.Event) bool
	// Handle is given each event in order, on the subscriber's goroutine.
	Handle func(*simulator.Event)
	// PanicWhere names the subscriber in a recovered panic's journal
	// entry ("notification dispatch"); default Name.
	PanicWhere string
	// Lost says what a gap costs the subscriber's clients, for the
	// journal ("notifications were lost").
	Lost string
	// OnResync, when set, runs after a gap was journaled and the
	// subscriber subscribed again, with the number of events lost
	// (metrics, tests).
	OnResync func(lost int)
}

// Pipeline fans the core's events out to its subscribers.
type Pipeline struct {
	sim  *simulator.Sim
	opts Options

	mu     sync.Mutex
	subs   map[*Subscriber]struct{}
	closed bool
	wg     sync.WaitGroup
}

// New returns a pipeline for sim's events.
func New(sim *simulator.Sim, opts Options) *Pipeline {
	return &Pipeline{sim: sim, opts: opts, subs: map[*Subscriber]struct{}{}}
}

// Subscriber is one consumer of a Pipeline: a core subscription, its
// bounded queue, and the goroutine that drains it.
type Subscriber struct {
	p    *Pipeline
	opts SubscriberOptions

	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once

	mu  sync.Mutex // guards sub
	sub *simulator.Subscription

	overflows atomic.Int64
	lost      atomic.Int64
	panics    atomic.Int64
}

// Subscribe adds a subscriber. It is subscribed to the core before
// Subscribe returns, so it sees every event published afterwards. After
// Close the subscriber is returned already ended.
func (p *Pipeline) Subscribe(opts SubscriberOptions) *Subscriber {
	if opts.Buffer <= 0 {
		opts.Buffer = DefaultBuffer
	}
	s := &Subscriber{p: p, opts: opts, stop: make(chan struct{}), done: make(chan struct{})}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		close(s.stop)
		close(s.done)
		return s
	}
	s.sub = p.subscribe(opts)
	p.subs[s] = struct{}{}
	p.wg.Add(1)
	go s.run(s.sub, p.sim.LastEventSeq())
	return s
}

func (p *Pipeline) subscribe(o SubscriberOptions) *simulator.Subscription {
	return p.sim.Subscribe(simulator.SubscribeOptions{Buffer: o.Buffer, Filter: o.Filter})
}

// Close ends every subscriber and waits until their goroutines have
// returned: a handler running finishes its event first. Events still
// queued are not handled. Close must not be called from a handler, nor
// while holding a lock a handler takes.
func (p *Pipeline) Close() {
	p.mu.Lock()
	p.closed = true
	subs := make([]*Subscriber, 0, len(p.subs))
	for s := range p.subs {
		subs = append(subs, s)
	}
	p.mu.Unlock()
	for _, s := range subs {
		s.end()
	}
	p.wg.Wait()
}

// Close ends the subscriber and waits for its goroutine. It must not be
// called from its own handler.
func (s *Subscriber) Close() {
	s.end()
	<-s.done
}

// end stops the subscriber's goroutine and its core subscription, without
// waiting.
func (s *Subscriber) end() {
	s.stopOnce.Do(func() {
		close(s.stop)
		s.mu.Lock()
		if s.sub != nil {
			s.sub.Close()
		}
		s.mu.Unlock()
	})
}

// Done is closed when the subscriber's goroutine has returned.
func (s *Subscriber) Done() <-chan struct{} { return s.done }

// Overflows counts the times the core dropped the subscriber for falling
// behind.
func (s *Subscriber) Overflows() int64 { return s.overflows.Load() }

// Lost counts the events the subscriber lost in those gaps.
func (s *Subscriber) Lost() int64 { return s.lost.Load() }

// Panics counts the handler panics recovered.
func (s *Subscriber) Panics() int64 { return s.panics.Load() }

func (s *Subscriber) stopped() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}

// run is the subscriber's goroutine. last is the Seq of the newest event
// handled (or published before the subscription began).
func (s *Subscriber) run(sub *simulator.Subscription, last uint64) {
	p := s.p
	defer p.wg.Done()
	defer close(s.done)
	defer func() {
		p.mu.Lock()
		delete(p.subs, s)
		p.mu.Unlock()
	}()
	var pending []*simulator.Event // received while counting a gap
	for {
		var e *simulator.Event
		if len(pending) > 0 {
			e, pending = pending[0], pending[1:]
		} else {
			var ok bool
			select {
			case <-s.stop:
				return
			case e, ok = <-sub.C:
			}
			if !ok {
				if s.stopped() || !sub.Overflowed() {
					return
				}
				sub, pending = s.resync(last)
				if sub == nil {
					return
				}
				continue
			}
		}
		if s.stopped() {
			return
		}
		last = e.Seq
		s.handle(e)
	}
}

// resync runs after the core dropped the subscriber and the events it had
// queued were handled: it subscribes again, counts the subscriber's events
// published in the gap (after last, before the new subscription), and
// journals the loss. It returns the new subscription and the events it
// already holds (taken out to find the end of the gap), or nil when the
// subscriber was closed meanwhile.
func (s *Subscriber) resync(last uint64) (*simulator.Subscription, []*simulator.Event) {
	p := s.p
	s.mu.Lock()
	if s.stopped() {
		s.mu.Unlock()
		return nil, nil
	}
	sub := p.subscribe(s.opts)
	s.sub = sub
	s.mu.Unlock()

	// Every event up to end was published before the new subscription's
	// events were read here: those the new subscription holds are already
	// in its queue, so taking them out shows exactly where the gap ends.
	end := p.sim.LastEventSeq()
	var pending []*simulator.Event
	got := map[uint64]bool{}
	for drained := false; !drained; {
		select {
		case e, ok := <-sub.C:
			if !ok {
				drained = true // dropped again at once: the next resync counts it
				break
			}
			pending = append(pending, e)
			got[e.Seq] = true
			drained = e.Seq >= end
		default:
			drained = true
		}
	}
	if end < last {
		last = 0 // the Sim was reset meanwhile: its events count from 1 again
	}
	lost, unknown := 0, uint64(0)
	events := p.sim.Events(last)
	switch {
	case len(events) > 0 && events[0].Seq > last+1:
		unknown = min(events[0].Seq, end+1) - last - 1 // left the event log before they could be counted
	case len(events) == 0:
		unknown = end - last
	}
	for _, e := range events {
		if e.Seq > end {
			break
		}
		if !got[e.Seq] && (s.opts.Filter == nil || s.opts.Filter(e)) {
			lost++
		}
	}
	count := fmt.Sprintf("%d of its events were lost", lost)
	if unknown > 0 {
		count = fmt.Sprintf("at least %d of its events were lost (%d more core events had left the event log and could not be counted)", lost, unknown)
	}
	note := fmt.Sprintf("%s of the %s notification pipeline fell behind the simulator and was dropped; %s (core events %d to %d)",
		s.opts.Name, p.opts.Dialect, count, last+1, end)
	if s.opts.Lost != "" {
		note += "; " + s.opts.Lost
	}
	note += "; resubscribed"
	s.overflows.Add(1)
	s.lost.Add(int64(lost))
	p.sim.Journal().Record(simulator.JournalEntry{
		Time: p.sim.Now(), Dialect: p.opts.Dialect, Method: "EVENT", Path: s.opts.Path, Note: note,
	})
	if s.opts.OnResync != nil {
		s.opts.OnResync(lost)
	}
	return sub, pending
}

// handle runs the handler on one event; a panic costs that event only.
func (s *Subscriber) handle(e *simulator.Event) {
	defer func() {
		if v := recover(); v != nil {
			s.panics.Add(1)
			where := s.opts.PanicWhere
			if where == "" {
				where = s.opts.Name
			}
			if s.p.opts.OnPanic != nil {
				s.p.opts.OnPanic(where, v)
				return
			}
			s.p.sim.Journal().Record(simulator.JournalEntry{
				Time: s.p.sim.Now(), Dialect: s.p.opts.Dialect, Method: "PANIC", Path: s.opts.Path, Status: 500,
				Note: fmt.Sprintf("panic recovered in %s: %v\n%s", where, v, debug.Stack()),
			})
		}
	}()
	s.opts.Handle(e)
}
