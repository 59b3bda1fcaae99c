package ringcentral

import "fmt"

// Sequencer puts telephony-session events in order. The platform counts
// `sequence` per session across all its parties, but notifications can
// arrive out of order (5 before 2) and, after a WebSocket recovery, twice.
// An extension-level subscription also sees only its own parties, so gaps
// in the sequence are normal and waiting for them to fill would stall.
//
// The rule (the one the official call-control SDK applies, keyed per
// party): an event is admitted only when its sequence is new for its
// session and higher than the last one admitted for its party. So the
// state of each party only moves forward, and a replay is never applied
// twice. The zero value is ready to use; it is not safe for concurrent use
// (the Desk guards it).
type Sequencer struct {
	sessions map[string]*sessionSeq
}

type sessionSeq struct {
	seen     map[int64]bool
	parties  map[string]int64 // last admitted sequence per party
	lastSeen int64            // highest sequence admitted in the session
}

// Verdict says what the Sequencer did with an event.
type Verdict int

// Verdicts.
const (
	Admitted  Verdict = iota
	Duplicate         // this session's sequence was seen already
	Stale             // a later event about the same party was admitted already
	Malformed         // no telephonySessionId, or no party
)

func (v Verdict) String() string {
	switch v {
	case Admitted:
		return "admitted"
	case Duplicate:
		return "duplicate"
	case Stale:
		return "stale"
	case Malformed:
		return "malformed"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// Admit decides whether ev brings news, and records it when it does.
func (q *Sequencer) Admit(ev SessionEvent) Verdict {
	if ev.TelephonySessionID == "" || len(ev.Parties) == 0 {
		return Malformed
	}
	if q.sessions == nil {
		q.sessions = map[string]*sessionSeq{}
	}
	st := q.sessions[ev.TelephonySessionID]
	if st == nil {
		st = &sessionSeq{seen: map[int64]bool{}, parties: map[string]int64{}}
		q.sessions[ev.TelephonySessionID] = st
	}
	if st.seen[ev.Sequence] {
		return Duplicate
	}
	for _, p := range ev.Parties {
		if last, ok := st.parties[p.ID]; ok && ev.Sequence <= last {
			return Stale
		}
	}
	st.seen[ev.Sequence] = true
	for _, p := range ev.Parties {
		st.parties[p.ID] = ev.Sequence
	}
	st.lastSeen = max(st.lastSeen, ev.Sequence)
	return Admitted
}

// Last is the highest sequence admitted for a session (0: none).
func (q *Sequencer) Last(sessionID string) int64 {
	if st := q.sessions[sessionID]; st != nil {
		return st.lastSeen
	}
	return 0
}

// Forget drops what the Sequencer knows about a session that has ended.
func (q *Sequencer) Forget(sessionID string) { delete(q.sessions, sessionID) }
