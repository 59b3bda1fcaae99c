package ringcentral

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/journalhttp"
)

// RingCentral's user-level rate limits (reference §3.3, DOCS
// rate-limits.md), opt-in per account with rateLimits in the scenario:
// requests are counted per user, per app, per group (Light, Medium, Heavy,
// Auth) in a window on the simulator clock; every response of a limited
// account carries X-Rate-Limit-Group, -Limit, -Remaining and -Window; the
// request past the limit gets 429 CMN-301 with Retry-After and starts a
// penalty, and every request during the penalty restarts it.

// Rate-limit groups, as the X-Rate-Limit-Group header spells them.
const (
	groupLight  = "light"
	groupMedium = "medium"
	groupHeavy  = "heavy"
	groupAuth   = "auth"
)

// groupOf maps operation names to groups, from the route table
// (reference §3.3): call control is Light, call-out Heavy, the OAuth
// endpoints Auth, subscription writes Medium, account presence Heavy.
var groupOf = groupsOf(routeTable)

func groupsOf(table []route) map[string]string {
	m := map[string]string{}
	for _, rt := range table {
		if rt.group != "" {
			m[rt.op] = rt.group
		}
	}
	return m
}

// rateGroup is the group of an operation; a request no route names (a
// 404) counts as Light.
func rateGroup(op string) string {
	if g, ok := groupOf[op]; ok {
		return g
	}
	return groupLight
}

// limits is one account's configuration.
type limits struct {
	perGroup map[string]int
	window   time.Duration
	penalty  time.Duration
}

type rateKey struct{ account, extension, client, group string }

type rateCounter struct {
	start        time.Time // of the current window
	count        int
	penaltyUntil time.Time
}

// rateLimiter counts requests on the simulator clock, so a manual clock
// makes windows and penalties exact.
type rateLimiter struct {
	clock simulator.Clock
	// accounts holds only accounts that opted in; tenants.go changes it
	// at runtime under accMu.
	accMu    sync.RWMutex
	accounts map[string]limits

	mu       sync.Mutex
	counters map[rateKey]*rateCounter
}

func newRateLimiter(rc *Section, clock simulator.Clock) *rateLimiter {
	rl := &rateLimiter{clock: clock, accounts: map[string]limits{}, counters: map[rateKey]*rateCounter{}}
	for _, a := range rc.Accounts {
		if a.RateLimits == nil {
			continue
		}
		rl.accounts[a.ID] = limitsOf(*a.RateLimits)
	}
	return rl
}

func limitsOf(rl RateLimits) limits {
	l := rl.Resolved()
	return limits{
		perGroup: map[string]int{groupLight: l.Light, groupMedium: l.Medium, groupHeavy: l.Heavy, groupAuth: l.Auth},
		window:   l.Window.D(), penalty: l.Penalty.D(),
	}
}

func (rl *rateLimiter) anyAccount() bool {
	rl.accMu.RLock()
	defer rl.accMu.RUnlock()
	return len(rl.accounts) > 0
}

func (rl *rateLimiter) forAccount(id string) (limits, bool) {
	rl.accMu.RLock()
	defer rl.accMu.RUnlock()
	l, ok := rl.accounts[id]
	return l, ok
}

// setAccount turns an account's rate limits on (profile non-nil) or off,
// and forgets its counters, so a new profile starts with fresh windows.
func (rl *rateLimiter) setAccount(id string, profile *RateLimits) {
	rl.accMu.Lock()
	if profile == nil {
		delete(rl.accounts, id)
	} else {
		rl.accounts[id] = limitsOf(*profile)
	}
	rl.accMu.Unlock()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	for k := range rl.counters {
		if k.account == id {
			delete(rl.counters, k)
		}
	}
}

// verdict is the outcome of counting one request.
type verdict struct {
	group      string
	limit      int
	remaining  int
	window     time.Duration
	retryAfter time.Duration // > 0: refuse with 429
}

// take counts one request of key.
func (rl *rateLimiter) take(key rateKey, l limits) verdict {
	now := rl.clock.Now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	c := rl.counters[key]
	if c == nil {
		c = &rateCounter{start: now}
		rl.counters[key] = c
	}
	v := verdict{group: key.group, limit: l.perGroup[key.group], window: l.window}
	if now.Before(c.penaltyUntil) {
		// A request during the penalty restarts it (DOCS rate-limits.md).
		c.penaltyUntil = now.Add(l.penalty)
		v.retryAfter = l.penalty
		return v
	}
	if !c.penaltyUntil.IsZero() || !now.Before(c.start.Add(l.window)) {
		c.start, c.count, c.penaltyUntil = now, 0, time.Time{}
	}
	c.count++
	if c.count > v.limit {
		c.penaltyUntil = now.Add(l.penalty)
		v.retryAfter = l.penalty
		return v
	}
	v.remaining = v.limit - c.count
	return v
}

// rateLimit is the middleware on /restapi (inside the journal, so refused
// requests are journaled like any other).
func (d *Dialect) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, l, ok := d.rateKeyOf(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		v := d.limits.take(key, l)
		h := w.Header()
		h.Set("X-Rate-Limit-Group", v.group)
		h.Set("X-Rate-Limit-Limit", strconv.Itoa(v.limit))
		h.Set("X-Rate-Limit-Remaining", strconv.Itoa(v.remaining))
		h.Set("X-Rate-Limit-Window", strconv.FormatInt(int64(v.window/time.Second), 10))
		if v.retryAfter > 0 {
			h.Set("Retry-After", strconv.FormatInt(int64(v.retryAfter/time.Second), 10))
			journalhttp.Note(r, "rate limit: group "+v.group+" of extension "+key.extension+" exceeded; penalty "+v.retryAfter.String())
			writeError(w, refuse(errRateExceeded, ""))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// rateKeyOf finds who a request counts against: the caller's user and
// app, and the group of the operation. Requests of accounts without
// rateLimits, and requests whose caller is unknown (they will be refused
// 401 or 400 anyway), are not counted.
func (d *Dialect) rateKeyOf(r *http.Request) (rateKey, limits, bool) {
	if !d.limits.anyAccount() {
		return rateKey{}, limits{}, false
	}
	op := operationOf(r.Method, r.URL.Path)
	var g grantInfo
	var ok bool
	if op == "token" {
		g, ok = d.tokenRequester(r)
	} else {
		g, ok = d.peekGrant(r)
	}
	if !ok {
		return rateKey{}, limits{}, false
	}
	l, limited := d.limits.forAccount(g.AccountID)
	if !limited {
		return rateKey{}, limits{}, false
	}
	return rateKey{account: g.AccountID, extension: g.ExtensionID, client: g.ClientID, group: rateGroup(op)}, l, true
}

// tokenRequester finds the user and app of a token request from its form
// (the form stays parsed for the handler).
func (d *Dialect) tokenRequester(r *http.Request) (grantInfo, bool) {
	if parseForm(r) != nil {
		return grantInfo{}, false
	}
	client, _, basic := r.BasicAuth()
	if !basic {
		client = r.PostForm.Get("client_id")
	}
	var x *extension
	var ok bool
	switch r.PostForm.Get("grant_type") {
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		x, ok = d.dir().byJWT(r.PostForm.Get("assertion"))
	case "password":
		x, ok = d.dir().byLogin(r.PostForm.Get("username"), r.PostForm.Get("extension"))
	case "refresh_token":
		d.auth.mu.Lock()
		rt, found := d.auth.refresh[r.PostForm.Get("refresh_token")]
		d.auth.mu.Unlock()
		if found {
			return grantInfo{AccountID: rt.AccountID, ExtensionID: rt.ExtensionID, ClientID: client}, true
		}
	}
	if !ok {
		return grantInfo{}, false
	}
	return grantInfo{AccountID: x.AccountID, ExtensionID: x.ID, ClientID: client}, true
}
