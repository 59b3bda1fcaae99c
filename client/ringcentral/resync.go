package ringcentral

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// resyncTimeout bounds one Resync after a lost subscription.
const resyncTimeout = 10 * time.Second

// Snapshot is a session as read over REST and applied to the Desk, for
// the Desk's log: a read carries no sequence, so it is not a Notification.
type Snapshot struct {
	SessionID string
	// Err is why the read failed (nil when it worked).
	Err error
}

// ApplySnapshot takes a session as read over REST: every party it lists
// replaces what the Desk knew of that party. A read has no sequence, so
// the Sequencer is left alone: a notification that was already late when
// the read was made can still be admitted after it, and the next
// notification about that party puts it right.
func (d *Desk) ApplySnapshot(s *Session) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ds := d.sessions[s.ID]
	if ds == nil {
		ds = &deskSession{id: s.ID, parties: map[string]Party{}}
		d.sessions[s.ID] = ds
		d.order = append(d.order, s.ID)
	}
	if s.Origin.Type != "" {
		ds.origin = s.Origin
	}
	for _, p := range s.Parties {
		ds.parties[p.ID] = p
	}
	d.snapshots = append(d.snapshots, Snapshot{SessionID: s.ID})
	close(d.changed)
	d.changed = make(chan struct{})
}

// markEnded records that a tracked session is gone (the read answered
// 404). The parties keep the last state the Desk knew: a session also ends
// when a bridge moves its far party into the other session, and only a
// notification could tell how the owner's party left.
func (d *Desk) markEnded(sessionID string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ds := d.sessions[sessionID]
	if ds == nil {
		return
	}
	ds.ended = true
	d.snapshots = append(d.snapshots, Snapshot{SessionID: sessionID, Err: errSessionGone})
	close(d.changed)
	d.changed = make(chan struct{})
}

// Ended says whether a REST read found the session gone.
func (d *Desk) Ended(sessionID string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	ds := d.sessions[sessionID]
	return ds != nil && ds.ended
}

var errSessionGone = errors.New("session not found (ended)")

// Snapshots lists the REST reads applied so far, oldest first.
func (d *Desk) Snapshots() []Snapshot {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Snapshot(nil), d.snapshots...)
}

// live lists the sessions where the owner's party has not ended.
func (d *Desk) live() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, id := range d.order {
		p, ok := d.myPartyLocked(id)
		if d.sessions[id].ended {
			continue
		}
		if !ok || (p.Status.Code != StatusDisconnected && p.Status.Code != StatusGone) {
			out = append(out, id)
		}
	}
	return out
}

// Resync reads every session where the owner's party is still live
// (GET .../telephony/sessions/{id}) and applies what it reads. It is what
// a client must do when notifications were lost: after a Failed WebSocket
// recovery, or when an awaited change does not arrive in time.
func (d *Desk) Resync(ctx context.Context, c *Client) error {
	d.mu.Lock()
	d.resyncs++
	d.mu.Unlock()
	return d.resync(ctx, c, d.live())
}

// Resyncs counts the Resync calls so far (Follow makes one after every
// new subscription that followed a Failed recovery).
func (d *Desk) Resyncs() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.resyncs
}

func (d *Desk) resync(ctx context.Context, c *Client, ids []string) error {
	var errs []error
	for _, id := range ids {
		s, err := c.Session(ctx, id)
		switch {
		case IsStatus(err, http.StatusNotFound):
			d.markEnded(id)
		case err != nil:
			errs = append(errs, fmt.Errorf("reading session %s: %w", id, err))
		default:
			d.ApplySnapshot(s)
		}
	}
	return errors.Join(errs...)
}

// awaitOrRead waits for cond on the Desk; every readAfter without it
// holding, it reads the sessions (a notification may have been lost) and
// checks again. The time-out error describes the Desk.
func (d *Desk) awaitOrRead(ctx context.Context, c *Client, what string, readAfter time.Duration, sessions []string, cond func() bool) error {
	for {
		wctx, cancel := context.WithTimeout(ctx, readAfter)
		err := d.Wait(wctx, what, cond)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("ringcentral: waited for %s: %w\n%s", what, ctx.Err(), d.Describe())
		}
		_ = d.resync(ctx, c, sessions)
		if cond() {
			return nil
		}
	}
}
