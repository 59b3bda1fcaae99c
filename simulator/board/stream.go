package board

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/control"
)

// EventMessage is one core event on the stream, with its call after the
// change (so the browser replaces the call's card whole).
type EventMessage struct {
	Event control.EventView `json:"event"`
	Call  control.CallView  `json:"call"`
}

// JournalMessage carries new journal entries.
type JournalMessage struct {
	Entries []JournalView `json:"entries"`
}

// heartbeat keeps idle streams open through proxies.
const heartbeat = 15 * time.Second

// stream serves server-sent events: "snapshot" first (and again whenever
// the browser must resynchronise), then "event" for every core event and
// "journal" for new vendor requests. The browser reads the core's events
// through a bounded subscription: when it falls behind, the core drops the
// subscription (never waiting for it), and the stream subscribes again and
// sends a fresh snapshot.
func (b *Board) stream(w http.ResponseWriter, r *http.Request) {
	tenant := r.URL.Query().Get("tenant")
	if !b.knownTenant(w, tenant) {
		return
	}
	select {
	case <-b.done:
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": map[string]string{"code": "going_away", "message": "pbxsim is shutting down"}})
		return
	default:
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	s := &streamer{b: b, w: w, rc: rc, tenant: tenant}
	sub := s.resync("connect")
	defer func() { sub.Close() }()
	if s.err != nil {
		return
	}
	poll := time.NewTicker(b.limits.JournalPoll)
	defer poll.Stop()
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	for s.err == nil {
		select {
		case <-r.Context().Done():
			return
		case <-b.done:
			return
		case e, ok := <-sub.C:
			if !ok {
				sub = s.resync("behind")
				continue
			}
			if e.Seq <= s.lastEvent {
				continue // already in the snapshot
			}
			s.lastEvent = e.Seq
			s.send("event", EventMessage{Event: control.ViewEvent(e), Call: control.ViewCall(e.Call)})
		case <-poll.C:
			if last := b.sim.LastEventSeq(); last < s.lastEvent {
				// The event log restarted: POST /sim/v1/reset.
				sub.Close()
				sub = s.resync("reset")
				continue
			}
			if len(b.sim.Tenants()) != s.tenants {
				sub.Close()
				sub = s.resync("directory")
				continue
			}
			s.journal(&sub)
		case <-beat.C:
			s.write(": heartbeat\n\n")
		}
	}
}

type streamer struct {
	b         *Board
	w         http.ResponseWriter
	rc        *http.ResponseController
	tenant    string
	tenants   int
	lastEvent uint64
	lastJrnl  uint64
	err       error
}

// resync subscribes afresh and sends a snapshot. The subscription starts
// before the snapshot is read, so no event falls between the two.
func (s *streamer) resync(reason string) *simulator.Subscription {
	tenant := s.tenant
	sub := s.b.sim.Subscribe(simulator.SubscribeOptions{Buffer: s.b.limits.Queue, Filter: func(e *simulator.Event) bool {
		return tenant == "" || touches(e.Call, tenant)
	}})
	snap := s.b.snapshot(s.tenant, reason)
	s.tenants = len(snap.Directory)
	s.lastEvent, s.lastJrnl = snap.LastEvent, snap.LastJournal
	s.send("snapshot", snap)
	return sub
}

// journal sends the entries recorded since the last poll; more than
// Limits.JournalBatch means the browser is far behind: resynchronise.
func (s *streamer) journal(sub **simulator.Subscription) {
	batch := s.b.limits.JournalBatch
	entries := s.b.sim.Journal().Entries(simulator.JournalFilter{Tenant: s.tenant, After: s.lastJrnl, Limit: batch + 1})
	if len(entries) == 0 {
		return
	}
	if len(entries) > batch {
		(*sub).Close()
		*sub = s.resync("behind")
		return
	}
	msg := JournalMessage{Entries: make([]JournalView, 0, len(entries))}
	for _, e := range entries {
		msg.Entries = append(msg.Entries, s.b.viewJournal(e))
		s.lastJrnl = e.Seq
	}
	s.send("journal", msg)
}

func (s *streamer) send(event string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		s.err = err
		return
	}
	s.write(fmt.Sprintf("event: %s\ndata: %s\n\n", event, data))
}

// write sends one frame within Limits.WriteTimeout; a browser that does
// not read for that long loses the stream (EventSource reconnects).
func (s *streamer) write(frame string) {
	if s.err != nil {
		return
	}
	_ = s.rc.SetWriteDeadline(time.Now().Add(s.b.limits.WriteTimeout))
	if _, err := s.w.Write([]byte(frame)); err != nil {
		s.err = err
		return
	}
	s.err = s.rc.Flush()
}
