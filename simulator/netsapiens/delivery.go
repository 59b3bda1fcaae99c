package netsapiens

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/notify"
)

// Event delivery: one goroutine takes the core's events and renders them
// into each interested subscription's bounded queue; a subscription with
// posts queued has one worker that posts them in order and ends when the
// queue is empty, so an idle subscription costs no goroutine. A slow
// endpoint only fills its own queue; when full, further posts to it are
// dropped and counted as errors. Nothing here ever blocks the core.
//
// Every post goes through the dialect's egress policy (simulator/egress):
// allowed hosts only, checked again at dial time, redirects never
// followed. A receiver that fails failureLimit posts in a row (a status
// above 302, a network failure or a time-out) is disabled and the journal
// says so; PUT error-count 0 or a new post-url enables it again.

func newSubscriptions(d *Dialect) *subscriptions {
	s := &subscriptions{d: d, byID: map[string]*subscription{}, outbox: faults.NewOutbox(d.sim.Clock())}
	// The dialect's fan-out of core events (package notify): if the core
	// drops it for falling behind, the pipeline journals the gap (method
	// EVENT, path /subscriptions) and subscribes again; a panic while
	// rendering loses that event's posts, is journaled, and delivery
	// carries on.
	s.pipeline = notify.New(d.sim, notify.Options{Dialect: vendor, OnPanic: d.journalPanic})
	s.pipeline.Subscribe(notify.SubscriberOptions{
		Name: "event delivery", PanicWhere: "rendering event deliveries", Path: "/subscriptions",
		Buffer: d.opts.EventBuffer,
		Filter: func(e *simulator.Event) bool { return e.Call.Attrs[AttrSessionID] != "" },
		Handle: s.fanOut,
		Lost:   "call changes in the gap were not posted",
		OnResync: func(lost int) {
			s.mu.Lock()
			after := s.afterResync
			s.mu.Unlock()
			if after != nil {
				after(lost)
			}
		},
	})
	return s
}

// fanOut renders one change for every subscription that wants it: one
// post per change, a JSON array of one legacy call object, "remove":"yes"
// on the change that ended the call.
func (s *subscriptions) fanOut(e *simulator.Event) {
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
		if !sub.disabled {
			subs = append(subs, sub)
		}
	}
	// A fixed order keeps fault decisions reproducible for a given seed.
	sort.Slice(subs, func(i, j int) bool { return subs[i].id < subs[j].id })
	for _, sub := range subs {
		if e.Seq <= sub.since {
			continue // the change came before the subscription
		}
		// A subscription expires on its domain's clock (tenant clocks).
		if !sub.wantsEvent(e.Call, s.d.sim.NowOf(sub.domain)) {
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

// add registers a subscription; subs.mu is held. After close it refuses,
// so no worker starts while Close waits.
func (s *subscriptions) add(sub *subscription) bool {
	if s.closed {
		return false
	}
	s.byID[sub.id] = sub
	return true
}

// remove forgets a subscription and its queued posts (a nil queue: the
// next post, if any, starts a new one); subs.mu is held. A worker posting
// for it stops after the post in flight.
func (s *subscriptions) remove(sub *subscription) {
	delete(s.byID, sub.id)
	sub.pending = nil
}

// enqueue queues one post and starts the subscription's worker if it has
// none; subs.mu is held.
func (s *subscriptions) enqueue(sub *subscription, post []byte) {
	if s.closed || s.byID[sub.id] != sub || sub.disabled {
		return // removed meanwhile, or disabled: nothing to post to
	}
	if sub.pending == nil {
		sub.pending = notify.NewQueue[[]byte](s.d.opts.QueueSize)
	}
	if !sub.pending.Push(post) {
		sub.errorCount++
		sub.status = "error"
		return
	}
	if !sub.posting {
		sub.posting = true
		s.d.wg.Add(1)
		go s.deliver(sub)
	}
}

// deliver is a subscription's worker: it posts the queue in order and
// ends when the queue is empty.
func (s *subscriptions) deliver(sub *subscription) {
	defer s.d.wg.Done()
	for {
		s.mu.Lock()
		var post []byte
		ok := !s.closed && s.d.ctx.Err() == nil && s.byID[sub.id] == sub && !sub.disabled
		if ok {
			select {
			case post = <-sub.pending: // a nil queue (dropped) is never ready
			default:
				ok = false
			}
		}
		if !ok {
			sub.posting = false
			s.mu.Unlock()
			return
		}
		target := sub.postURL
		s.mu.Unlock()
		s.deliverOne(sub, target, post)
	}
}

// deliverOne posts once and counts the outcome. A panic is journaled and
// the worker carries on with the next post.
func (s *subscriptions) deliverOne(sub *subscription, target string, post []byte) {
	defer s.d.recoverPanic("delivery to subscription " + sub.id)
	outcome := s.post(target, post)
	s.mu.Lock()
	sub.postsCount++
	disabled := false
	if outcome != "" {
		sub.errorCount++
		sub.status = "error"
		sub.failures++
		if sub.failures >= s.d.opts.FailureLimit && !sub.disabled {
			sub.disabled, disabled = true, true
			sub.status = statusDisabled
			sub.pending = nil
		}
	} else {
		sub.status = "active"
		sub.current = s.d.core
		sub.failures = 0
	}
	id, domain, failures := sub.id, sub.domain, sub.failures
	after := s.afterPost
	s.mu.Unlock()
	if disabled {
		s.journalNote(id, domain, fmt.Sprintf("subscription %s disabled after %d failed posts in a row (last: %s); PUT error-count 0 or a new post-url enables it again",
			id, failures, outcome))
	}
	if after != nil {
		after(id)
	}
}

// statusDisabled is the status of a subscription whose receiver kept
// failing. The vendor documents only pending, active and error; this one
// is pbxsim's (inferred, docs/limits-netsapiens.md).
const statusDisabled = "disabled"

// post sends one delivery and returns "" when it was delivered, else why
// not. A network failure or a status above 302 is an error (GUIDE-SUBS);
// a redirect is an answer, never followed.
func (s *subscriptions) post(target string, payload []byte) (failure string) {
	req, err := http.NewRequestWithContext(s.d.ctx, http.MethodPost, target, bytes.NewReader(payload))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.d.client.Do(req)
	if err != nil {
		return err.Error()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode > 302 {
		return resp.Status
	}
	return ""
}

// close ends delivery: the core subscription and every queue.
func (s *subscriptions) close() {
	s.outbox.Close()
	s.pipeline.Close() // before the lock: a fan-out in progress takes it
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, sub := range s.byID {
		s.remove(sub)
	}
}
