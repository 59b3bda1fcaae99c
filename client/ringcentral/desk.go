package ringcentral

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Desk is one extension's view of its telephony sessions, built only from
// notifications, exactly as RingCentral's warm-transfer guide finds its
// IDs: "my" party is the one whose extensionId is the logged-in extension;
// the customer's call is the session where my party is Inbound and
// answered; the consult's call is the one where my party is Outbound and
// Answered. Events pass through a Sequencer first, so a late or repeated
// event never moves a party back. Safe for concurrent use.
type Desk struct {
	me string // the logged-in extension ID

	mu        sync.Mutex
	seq       Sequencer
	sessions  map[string]*deskSession
	order     []string // session IDs by first sight
	log       []Record
	snapshots []Snapshot
	resyncs   int
	changed   chan struct{} // closed and replaced on every admitted event
}

type deskSession struct {
	id        string // telephonySessionId
	legacyID  string // numeric sessionId
	origin    Origin
	parties   map[string]Party
	lastEvent string
	ended     bool // a REST read answered 404
}

// Record is one received notification and what the Sequencer made of it.
type Record struct {
	Notification Notification
	Verdict      Verdict
}

// NewDesk starts an empty view for the extension with this ID (the token's
// owner_id).
func NewDesk(extensionID string) *Desk {
	return &Desk{me: extensionID, sessions: map[string]*deskSession{}, changed: make(chan struct{})}
}

// Me is the extension the Desk belongs to.
func (d *Desk) Me() string { return d.me }

// Follow applies every notification of sub until the subscription ends.
// When sub had to subscribe again after a Failed recovery, the
// notifications in between are lost: Follow then reads every session the
// Desk tracks (Resync) before it goes on.
func (d *Desk) Follow(sub *Subscription) {
	for {
		select {
		case n, ok := <-sub.Notifications():
			if !ok {
				return
			}
			d.Apply(n)
		case <-sub.Resubscribed():
			ctx, cancel := context.WithTimeout(context.Background(), resyncTimeout)
			go func() {
				select {
				case <-sub.Done():
					cancel()
				case <-ctx.Done():
				}
			}()
			_ = d.Resync(ctx, sub.c)
			cancel()
		}
	}
}

// Apply takes one notification. Notifications that are not about
// telephony sessions are ignored (the guide's filter ends in
// /telephony/sessions, as the SDK checks).
func (d *Desk) Apply(n Notification) Verdict {
	d.mu.Lock()
	defer d.mu.Unlock()
	v := Malformed
	if strings.HasSuffix(eventPath(n.Event), "/telephony/sessions") {
		v = d.seq.Admit(n.Body)
	}
	d.log = append(d.log, Record{Notification: n, Verdict: v})
	if v != Admitted {
		return v
	}
	ev := n.Body
	s := d.sessions[ev.TelephonySessionID]
	if s == nil {
		s = &deskSession{id: ev.TelephonySessionID, parties: map[string]Party{}}
		d.sessions[s.id] = s
		d.order = append(d.order, s.id)
	}
	if ev.SessionID != "" {
		s.legacyID = ev.SessionID
	}
	if ev.Origin.Type != "" {
		s.origin = ev.Origin
	}
	for _, p := range ev.Parties {
		s.parties[p.ID] = p
	}
	s.lastEvent = ev.EventTime
	close(d.changed)
	d.changed = make(chan struct{})
	return v
}

func eventPath(event string) string {
	if i := strings.IndexByte(event, '?'); i >= 0 {
		return event[:i]
	}
	return event
}

// Session is the Desk's snapshot of a session: the latest state of every
// party it has heard of, ordered by party number.
func (d *Desk) Session(id string) (Session, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.sessions[id]
	if s == nil {
		return Session{}, false
	}
	return s.snapshot(), true
}

// LegacySessionID is the numeric sessionId the events carried for a session.
func (d *Desk) LegacySessionID(id string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s := d.sessions[id]; s != nil {
		return s.legacyID
	}
	return ""
}

func (s *deskSession) snapshot() Session {
	out := Session{ID: s.id, Origin: s.origin}
	for _, p := range s.parties {
		out.Parties = append(out.Parties, p)
	}
	sort.Slice(out.Parties, func(i, j int) bool { return partyNumber(out.Parties[i].ID) < partyNumber(out.Parties[j].ID) })
	return out
}

func partyNumber(id string) int {
	i := strings.LastIndexByte(id, '-')
	n, _ := strconv.Atoi(id[i+1:])
	return n
}

// Sessions lists every session heard of, in order of first sight.
func (d *Desk) Sessions() []Session {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Session, 0, len(d.order))
	for _, id := range d.order {
		out = append(out, d.sessions[id].snapshot())
	}
	return out
}

// MyParty is the Desk owner's party in a session.
func (d *Desk) MyParty(sessionID string) (Party, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.myPartyLocked(sessionID)
}

func (d *Desk) myPartyLocked(sessionID string) (Party, bool) {
	s := d.sessions[sessionID]
	if s == nil {
		return Party{}, false
	}
	for _, p := range s.parties {
		if p.OwnerExtensionID() == d.me {
			return p, true
		}
	}
	return Party{}, false
}

// findMine returns the newest session whose own party passes keep.
func (d *Desk) findMine(keep func(Party) bool) (Leg, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := len(d.order) - 1; i >= 0; i-- {
		id := d.order[i]
		if p, ok := d.myPartyLocked(id); ok && keep(p) {
			return Leg{SessionID: id, PartyID: p.ID}, true
		}
	}
	return Leg{}, false
}

// CustomerCall is the operator's leg in the customer's call: the newest
// session where the operator's party is Inbound and Answered (or already
// on Hold, once the warm transfer has begun).
func (d *Desk) CustomerCall() (Leg, bool) {
	return d.findMine(func(p Party) bool {
		return p.Direction == Inbound && (p.Status.Code == StatusAnswered || p.Status.Code == StatusHold)
	})
}

// ConsultCall is the operator's leg in the consult call: the newest session
// where the operator's party is Outbound and Answered.
func (d *Desk) ConsultCall() (Leg, bool) {
	return d.findMine(func(p Party) bool { return p.Direction == Outbound && p.Status.Code == StatusAnswered })
}

// Ringing is the operator's newest inbound party still ringing (Setup or
// Proceeding), to answer it.
func (d *Desk) Ringing() (Leg, bool) {
	return d.findMine(func(p Party) bool {
		return p.Direction == Inbound && (p.Status.Code == StatusSetup || p.Status.Code == StatusProceeding)
	})
}

// Log is every notification received so far, with its verdict.
func (d *Desk) Log() []Record {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Record(nil), d.log...)
}

// Wait blocks until cond holds (checked now and after every admitted
// event) or ctx ends. On time-out the error names what was awaited and
// describes everything the Desk saw.
func (d *Desk) Wait(ctx context.Context, what string, cond func() bool) error {
	for {
		d.mu.Lock()
		ch := d.changed
		d.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("ringcentral: waited for %s: %w\n%s", what, ctx.Err(), d.Describe())
		}
	}
}

// Describe renders the Desk: each session with its parties, then the
// last notifications and their verdicts. For failure reports.
func (d *Desk) Describe() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "desk of extension %s: %d session(s), %d notification(s)\n", d.me, len(d.order), len(d.log))
	for _, id := range d.order {
		s := d.sessions[id].snapshot()
		fmt.Fprintf(&b, "  %s (sessionId %s, origin %s, last sequence %d)\n", id, d.sessions[id].legacyID, s.Origin.Type, d.seq.Last(id))
		for _, p := range s.Parties {
			fmt.Fprintf(&b, "    %s\n", describeParty(p))
		}
	}
	from := max(0, len(d.log)-12)
	for _, r := range d.log[from:] {
		ev := r.Notification.Body
		pid, state := "", ""
		if len(ev.Parties) > 0 {
			pid, state = ev.Parties[0].ID, ev.Parties[0].Status.Code
		}
		fmt.Fprintf(&b, "  event seq %d %s %s %s: %s\n", ev.Sequence, ev.TelephonySessionID, pid, state, r.Verdict)
	}
	return b.String()
}

func describeParty(p Party) string {
	s := fmt.Sprintf("%s ext=%s %s %s", p.ID, p.OwnerExtensionID(), p.Direction, p.Status.Code)
	if p.Status.Reason != "" {
		s += "/" + p.Status.Reason
	}
	if pe := p.Status.PeerID; pe != nil {
		s += fmt.Sprintf(" peer{telephonySessionId=%s sessionId=%s partyId=%s}", pe.TelephonySessionID, pe.SessionID, pe.PartyID)
	}
	if p.Muted {
		s += " muted"
	}
	return s
}
