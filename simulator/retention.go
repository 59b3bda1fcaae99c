package simulator

import "time"

// retentionQueue holds the ended calls on the Sim's own clock, in the
// order they ended, until their retention period is over. Every call waits
// the same period on the same clock, so the queue is in order of due time
// and one timer, armed for the oldest call, does what a timer per ended
// call did: under load that is a timer fewer per call, and a timer heap no
// longer as long as the calls that ended in the last retention period
// (issue 16). Each call is still forgotten at its own due instant: the
// timer forgets the calls that are due and arms itself for the next one.
// It runs under the Sim's lock.
type retentionQueue struct {
	due   []retainedCall
	head  int
	armed bool
}

type retainedCall struct {
	id  string
	due time.Time
}

// add queues call id, to be forgotten at due, and arms the timer if it is
// not armed.
func (q *retentionQueue) add(s *Sim, id string, due time.Time) {
	if q.head > 0 && q.head == len(q.due) {
		q.due, q.head = q.due[:0], 0
	}
	q.due = append(q.due, retainedCall{id, due})
	if !q.armed {
		q.arm(s, s.clock.Now())
	}
}

// arm schedules the timer for the oldest queued call.
func (q *retentionQueue) arm(s *Sim, now time.Time) {
	q.armed = true
	gen := s.gen
	s.afterFunc(s.clock, q.due[q.head].due.Sub(now), "retention", func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.gen != gen {
			return
		}
		s.retention.expire(s)
	})
}

// expire forgets the calls that are due, then arms the timer for the next.
func (q *retentionQueue) expire(s *Sim) {
	now := s.clock.Now()
	for q.head < len(q.due) && !q.due[q.head].due.After(now) {
		r := q.due[q.head]
		q.due[q.head] = retainedCall{}
		q.head++
		if c, ok := s.calls[r.id]; ok {
			s.forgetLocked(c)
		}
	}
	// The consumed front is dropped once it is half the slice, so the
	// queue's memory is that of the calls waiting, and adding stays O(1)
	// amortised.
	// After a burst, a slice four times longer than its calls is given
	// back.
	if q.head > len(q.due)/2 {
		rest := q.due[q.head:]
		if cap(q.due) > 1024 && 4*len(rest) < cap(q.due) {
			q.due = append(make([]retainedCall, 0, 2*len(rest)), rest...)
		} else {
			n := copy(q.due, rest)
			clear(q.due[n:])
			q.due = q.due[:n]
		}
		q.head = 0
	}
	q.armed = false
	if q.head < len(q.due) {
		q.arm(s, now)
	}
}

// onSimClock reports whether c runs on the Sim's own clock. Tenant clocks
// are manual clocks; the Sim's clock may be any Clock (even one whose type
// == cannot compare), so only manual clocks are compared.
func (s *Sim) onSimClock(c *call) bool {
	m, ok := c.clockOr(s.clock).(*ManualClock)
	if !ok {
		return true
	}
	own, _ := s.clock.(*ManualClock)
	return m == own
}
