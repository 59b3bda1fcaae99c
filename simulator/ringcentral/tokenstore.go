package ringcentral

import (
	"container/heap"
	"sync"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// tokenStore keeps issued tokens. Lifetimes are checked against the sim
// clock when a token is used. Expired tokens are purged on the sim clock
// too (issue 10 item 19: 20,000 logins kept 42 MiB for good): every token
// is tracked in a min-heap by the time it may be forgotten, and each
// issue or use first pops what is due, so the store holds only tokens
// that still live (or expired less than expiredGrace ago), at an
// amortised O(log n) per token and no timer.
type tokenStore struct {
	mu      sync.Mutex
	access  map[string]*accessToken
	refresh map[string]*refreshToken
	ws      map[string]*wsToken
	due     expiryHeap
	// peak sizes of the maps since they were last rebuilt: Go maps never
	// give memory back, so a map that fell to a quarter of its peak is
	// copied into a new one.
	peakAccess, peakRefresh, peakWS int
	// ownClock finds an account's own clock (simulator.Sim.TenantClock):
	// an account with one (tenant clocks) expires its tokens on it. The
	// heap runs on the Sim's clock; a token due there but still alive on
	// its account's clock is put back for later. Nil: no account has one.
	ownClock func(account string) (*simulator.ManualClock, bool)
}

// accountNow is the time on the account's own clock, or now.
func (ts *tokenStore) accountNow(account string, now time.Time) time.Time {
	if ts.ownClock != nil {
		if c, ok := ts.ownClock(account); ok {
			return c.Now()
		}
	}
	return now
}

// keep reports whether a token due now on the Sim's clock is still to be
// kept on its account's clock (until forget), and if so tracks it again
// for when that may be.
func (ts *tokenStore) keep(e dueToken, account string, forget, now time.Time) bool {
	left := forget.Sub(ts.accountNow(account, now))
	if left <= 0 {
		return false
	}
	ts.track(e.kind, e.tok, now.Add(max(left, time.Second)))
	return true
}

func newTokenStore() *tokenStore {
	return &tokenStore{access: map[string]*accessToken{}, refresh: map[string]*refreshToken{}, ws: map[string]*wsToken{}}
}

// expiredGrace is how long an expired access or refresh token is kept, so
// a client using it is told "expired" (OAU-128, OAU-210) and refreshes or
// logs in again, rather than "not found". After it, the token is
// forgotten and answers like an unknown one (docs/limits.md).
const expiredGrace = time.Hour

type tokenKind uint8

const (
	kindAccess tokenKind = iota
	kindRefresh
	kindWS
)

// dueToken is when one token may be forgotten.
type dueToken struct {
	at   time.Time
	kind tokenKind
	tok  string
}

type expiryHeap []dueToken

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(dueToken)) }
func (h *expiryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = dueToken{}
	*h = old[:len(old)-1]
	return x
}

// track schedules tok to be forgotten at at; call with mu held.
func (ts *tokenStore) track(kind tokenKind, tok string, at time.Time) {
	heap.Push(&ts.due, dueToken{at: at, kind: kind, tok: tok})
}

// purgeLocked forgets every token that is due at now. A token revoked or
// rotated before its time is already gone from its map; its heap entry
// just leaves. Call with mu held.
func (ts *tokenStore) purgeLocked(now time.Time) {
	if len(ts.due) == 0 || now.Before(ts.due[0].at) {
		return // the common case: nothing is due
	}
	ts.peakAccess = max(ts.peakAccess, len(ts.access))
	ts.peakRefresh = max(ts.peakRefresh, len(ts.refresh))
	ts.peakWS = max(ts.peakWS, len(ts.ws))
	for len(ts.due) > 0 && !now.Before(ts.due[0].at) {
		e := heap.Pop(&ts.due).(dueToken)
		switch e.kind {
		case kindAccess:
			if t, ok := ts.access[e.tok]; ok && !ts.keep(e, t.AccountID, t.expires.Add(expiredGrace), now) {
				delete(ts.access, e.tok)
			}
		case kindRefresh:
			if t, ok := ts.refresh[e.tok]; ok && !ts.keep(e, t.AccountID, t.expires.Add(expiredGrace), now) {
				delete(ts.refresh, e.tok)
			}
		case kindWS:
			if t, ok := ts.ws[e.tok]; ok && !ts.keep(e, t.AccountID, t.expires, now) {
				delete(ts.ws, e.tok)
			}
		}
	}
	if cap(ts.due) > 1024 && len(ts.due) < cap(ts.due)/4 {
		ts.due = append(make(expiryHeap, 0, len(ts.due)*2), ts.due...) // give back a burst's memory
	}
	ts.access = shrunk(ts.access, &ts.peakAccess)
	ts.refresh = shrunk(ts.refresh, &ts.peakRefresh)
	ts.ws = shrunk(ts.ws, &ts.peakWS)
}

// shrunk returns m, or a copy of it once it holds less than a quarter of
// its peak: the copy's memory fits what is left. Each copy costs the
// entries that remain, after at least three times as many left, so
// copying is amortised O(1) per token.
func shrunk[V any](m map[string]V, peak *int) map[string]V {
	if *peak <= 1024 || len(m) >= *peak/4 {
		return m
	}
	n := make(map[string]V, len(m))
	for k, v := range m {
		n[k] = v
	}
	*peak = len(m)
	return n
}

// sizes reports how many tokens of each kind the store holds, and how
// many are scheduled (for tests and Stats).
func (ts *tokenStore) sizes() (access, refresh, ws, due int) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.access), len(ts.refresh), len(ts.ws), len(ts.due)
}
