package netsapiens

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sort"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// Event delivery: one goroutine takes the core's events and renders them
// into each interested subscription's bounded queue; one worker per
// subscription posts its queue in order. A slow endpoint only fills its
// own queue; when full, further posts to it are dropped and counted as
// errors. Nothing here ever blocks the core.

func newSubscriptions(d *Dialect) *subscriptions {
	s := &subscriptions{d: d, byID: map[string]*subscription{}, outbox: faults.NewOutbox(d.sim.Clock())}
	s.events = s.subscribe()
	d.wg.Add(1)
	go s.dispatch()
	return s
}

func (s *subscriptions) subscribe() *simulator.Subscription {
	return s.d.sim.Subscribe(simulator.SubscribeOptions{
		Buffer: s.d.opts.EventBuffer,
		Filter: func(e *simulator.Event) bool { return e.Call.Attrs[AttrSessionID] != "" },
	})
}

func (s *subscriptions) dispatch() {
	defer s.d.wg.Done()
	for {
		s.mu.Lock()
		events := s.events
		s.mu.Unlock()
		for e := range events.C {
			s.fanOut(e)
		}
		// The core dropped us for falling behind (or Close ended us):
		// carry on with new events unless the dialect is closing.
		if s.d.ctx.Err() != nil || !events.Overflowed() {
			return
		}
		s.journalOverflow()
		s.mu.Lock()
		s.events = s.subscribe()
		s.mu.Unlock()
	}
}

// fanOut renders one change for every subscription that wants it: one
// post per change, a JSON array of one legacy call object, "remove":"yes"
// on the change that ended the call.
func (s *subscriptions) fanOut(e *simulator.Event) {
	now := s.d.sim.Clock().Now()
	type post struct {
		sub  *subscription
		body []byte
	}
	var posts []post
	defer func() {
		// Outside the lock: a fault may delay, duplicate or hold a post.
		for _, p := range posts {
			s.push(p.sub, p.body)
		}
	}()
	s.mu.Lock()
	defer s.mu.Unlock()
	subs := make([]*subscription, 0, len(s.byID))
	for _, sub := range s.byID {
		subs = append(subs, sub)
	}
	// A fixed order keeps fault decisions reproducible for a given seed.
	sort.Slice(subs, func(i, j int) bool { return subs[i].id < subs[j].id })
	for _, sub := range subs {
		if !sub.wantsEvent(e.Call, now) {
			continue
		}
		prof := s.d.profileFor(sub.domain, e.Call)
		var obj object
		if sub.model == "call_origid" {
			obj = legacyOrigID(e.Call, prof, e.CallEnded)
		} else {
			obj = legacyCall(e.Call, s.d.core, prof, e.CallEnded)
		}
		body, err := json.Marshal([]object{obj})
		if err != nil || !sub.visibleChange(e.Call.ID, body, e.CallEnded) {
			continue
		}
		posts = append(posts, post{sub, body})
	}
}

// add registers a subscription and starts its worker; subs.mu is held.
// After close it refuses, so no worker starts while Close waits.
func (s *subscriptions) add(sub *subscription) bool {
	if s.closed {
		return false
	}
	sub.queue = make(chan []byte, s.d.opts.QueueSize)
	s.byID[sub.id] = sub
	s.d.wg.Add(1)
	go s.deliver(sub, sub.queue)
	return true
}

// remove stops a subscription's worker; subs.mu is held.
func (s *subscriptions) remove(sub *subscription) {
	delete(s.byID, sub.id)
	close(sub.queue)
}

func (s *subscriptions) deliver(sub *subscription, queue <-chan []byte) {
	defer s.d.wg.Done()
	for {
		select {
		case <-s.d.ctx.Done():
			return
		case post, ok := <-queue:
			if !ok {
				return
			}
			s.mu.Lock()
			target, id := sub.postURL, sub.id
			s.mu.Unlock()
			failed := s.post(target, post)
			s.mu.Lock()
			sub.postsCount++
			if failed {
				sub.errorCount++
				sub.status = "error"
			} else {
				sub.status = "active"
				sub.current = s.d.core
			}
			after := s.afterPost
			s.mu.Unlock()
			if after != nil {
				after(id)
			}
		}
	}
}

// post sends one delivery; a network failure or a status above 302 is an
// error (GUIDE-SUBS).
func (s *subscriptions) post(target string, payload []byte) (failed bool) {
	req, err := http.NewRequestWithContext(s.d.ctx, http.MethodPost, target, bytes.NewReader(payload))
	if err != nil {
		return true
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.d.opts.HTTPClient.Do(req)
	if err != nil {
		return true
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode > 302
}

// close ends delivery: the core subscription and every worker.
func (s *subscriptions) close() {
	s.outbox.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.events.Close()
	for _, sub := range s.byID {
		s.remove(sub)
	}
}
