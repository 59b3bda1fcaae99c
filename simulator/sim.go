package simulator

import (
	"math/rand"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Options configure a Sim.
type Options struct {
	Clock Clock
	// Seed makes IDs and random choices reproducible.
	Seed int64
	// RingTimeout ends a call nobody answers (ring-no-answer); default 60s.
	RingTimeout time.Duration
	// Retention is how long an ended call stays readable; default 5m.
	Retention time.Duration
	// EventLogSize caps the events the in-memory event log keeps; default
	// DefaultEventLogEntries.
	EventLogSize int
	// EventLogBytes bounds the event log's estimated bytes; default
	// DefaultEventLogBytes.
	EventLogBytes int64
	// JournalSize caps the request journal's entries; default
	// DefaultJournalEntries.
	JournalSize int
	// JournalBytes bounds the journal's bytes; default DefaultJournalBytes.
	JournalBytes int64
	// JournalFieldBytes bounds each long field of a journal entry; default
	// DefaultJournalFieldBytes.
	JournalFieldBytes int
}

// Namer gives new calls and legs their vendor identifiers. A dialect
// registers one with AddNamer. It is called with the Sim's lock held and
// must not call back into the Sim, nor keep the Call and Leg it is given
// (the Sim reuses them for the next naming). The attributes it returns
// are merged into the call's or leg's Attrs (keys already set win) and
// indexed, so LookupCall and LookupLeg find them in constant time; the Sim
// may keep the returned map itself, so a namer does not change it later.
//
// Attribute keys are "<dialect>.<field>" (e.g. "acme.partyId"); the
// control API groups them by dialect. A namer names only the calls that
// concern its tenants: NameCall sees both ends of the new call, NameLeg the
// call (with the attributes given so far) and the new leg.
type Namer interface {
	NameCall(c *Call, from, to Endpoint, r *rand.Rand) map[string]string
	NameLeg(c *Call, l *Leg, r *rand.Rand) map[string]string
}

// Sim is the PBX core. All methods are safe for concurrent use.
type Sim struct {
	mu    sync.Mutex
	clock Clock
	opts  Options
	rand  *rand.Rand

	tenants  map[string]*Tenant
	tenantIx []string
	users    map[userKey]*User
	byExt    map[string]map[string]*User // tenant -> extension -> user
	// extUsers are the users with an extension number, in every tenant, so
	// that an extension dialled without a tenant is found without visiting
	// every tenant.
	extUsers map[string][]*User
	byNumber map[string]*User // E.164 -> user

	calls    map[string]*call
	legs     map[string]*leg
	aliases  map[alias]string            // vendor attribute -> call or leg id
	userLegs map[userKey]map[string]bool // live legs of a user
	// tenantCalls are the active calls by tenant (tenantcalls.go).
	tenantCalls map[string]map[string]*call
	nextCall    uint64
	nextLeg     uint64
	gen         uint64 // bumped by Reset so stale timers do nothing

	namers  []Namer
	naming  namingView               // what namers read (ops.go)
	outside map[string]OutsideNumber // known outside numbers: name and answer policy
	events  eventLog
	subs    map[*Subscription]struct{}

	// retention holds the ended calls on the Sim's clock until they are
	// forgotten (retention.go).
	retention retentionQueue

	journal *Journal
	// tclocks are the tenants' own clocks (tenantclock.go).
	tclocks tenantClocks
}

type userKey struct{ tenant, user string }

// alias is a vendor attribute (key and value) that names a call or leg. A
// pair, not a "key=value" string, so that filing and finding one builds no
// string.
type alias struct{ key, value string }

type call struct {
	Call
	legs []*leg
	// callee waits for the caller's own phone to answer (CallerRingsFirst).
	callee *pendingCallee
	// clock is the clock the call runs on (tenantclock.go): its timers
	// and every time it records.
	clock Clock
	// last is the snapshot the latest read made (view), which reads return
	// while no event has happened since: every change to a call is
	// followed by an event within the same locked operation, and emit
	// drops last.
	last    Call
	hasLast bool
	// fixed is fixedBytes, set once the call is named.
	fixed int64
}

type leg struct {
	Leg
	call      *call
	ringTimer Timer
	answerTmr Timer
	// fixed is legFixed of the leg, set once it is named.
	fixed int64
}

// New returns an empty Sim.
func New(opts Options) *Sim {
	if opts.Clock == nil {
		opts.Clock = RealClock{}
	}
	if opts.RingTimeout <= 0 {
		opts.RingTimeout = 60 * time.Second
	}
	if opts.Retention <= 0 {
		opts.Retention = 5 * time.Minute
	}
	s := &Sim{
		clock:    opts.Clock,
		opts:     opts,
		rand:     rand.New(rand.NewSource(opts.Seed)),
		tenants:  map[string]*Tenant{},
		users:    map[userKey]*User{},
		byExt:    map[string]map[string]*User{},
		extUsers: map[string][]*User{},
		byNumber: map[string]*User{},
		subs:     map[*Subscription]struct{}{},
		outside:  map[string]OutsideNumber{},
		journal:  NewJournalWithLimits(JournalLimits{Entries: opts.JournalSize, Bytes: opts.JournalBytes, FieldBytes: opts.JournalFieldBytes}),
	}
	s.resetCallsLocked()
	s.events = newEventLog(opts.EventLogSize, opts.EventLogBytes)
	return s
}

// Clock returns the clock the Sim runs on.
func (s *Sim) Clock() Clock { return s.clock }

// Journal returns the vendor-API request journal.
func (s *Sim) Journal() *Journal { return s.journal }

// Now returns the simulator time.
func (s *Sim) Now() time.Time { return s.clock.Now() }

// AddNamer registers a dialect's ID generator. Register namers before the
// first call is made.
func (s *Sim) AddNamer(n Namer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.namers = append(s.namers, n)
}

// Rand runs f with the Sim's seeded random source, under its lock, so
// dialects draw reproducible values (tokens, IDs) in a single sequence.
func (s *Sim) Rand(f func(r *rand.Rand)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.rand)
}

// AddTenant adds a tenant to the directory.
func (s *Sim) AddTenant(t Tenant) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.ID == "" {
		return newError(ErrInvalid, "tenant", "", "tenant id is empty")
	}
	if _, ok := s.tenants[t.ID]; ok {
		return newError(ErrInvalid, "tenant", t.ID, "tenant %q already exists", t.ID)
	}
	tt := t
	s.tenants[t.ID] = &tt
	s.tenantIx = append(s.tenantIx, t.ID)
	s.byExt[t.ID] = map[string]*User{}
	return nil
}

// AddUser adds a user to an existing tenant.
func (s *Sim) AddUser(u User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tenants[u.TenantID]; !ok {
		return newError(ErrNotFound, "tenant", u.TenantID, "tenant %q not found", u.TenantID)
	}
	if u.ID == "" {
		return newError(ErrInvalid, "user", "", "user id is empty")
	}
	k := userKey{u.TenantID, u.ID}
	if _, ok := s.users[k]; ok {
		return newError(ErrInvalid, "user", u.ID, "user %q already exists in tenant %q", u.ID, u.TenantID)
	}
	if u.Extension != "" {
		if _, ok := s.byExt[u.TenantID][u.Extension]; ok {
			return newError(ErrInvalid, "user", u.Extension, "extension %q already exists in tenant %q", u.Extension, u.TenantID)
		}
	}
	for _, n := range u.Numbers {
		if other, ok := s.byNumber[n]; ok {
			return newError(ErrInvalid, "number", n, "number %s is already routed to user %s/%s", n, other.TenantID, other.ID)
		}
	}
	if u.Answer.Mode == "" {
		u.Answer.Mode = AnswerManual
	}
	uu := u
	uu.Numbers = append([]string(nil), u.Numbers...)
	uu.Devices = append([]Device(nil), u.Devices...)
	s.users[k] = &uu
	if u.Extension != "" {
		s.byExt[u.TenantID][u.Extension] = &uu
		s.extUsers[u.Extension] = append(s.extUsers[u.Extension], &uu)
	}
	for _, n := range u.Numbers {
		s.byNumber[n] = &uu
	}
	return nil
}

// SetAnswerPolicy changes what a user's phone does when it rings.
func (s *Sim) SetAnswerPolicy(tenantID, userID string, p AnswerPolicy) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userKey{tenantID, userID}]
	if !ok {
		return newError(ErrNotFound, "user", userID, "user %q not found in tenant %q", userID, tenantID)
	}
	if p.Mode == "" {
		p.Mode = AnswerManual
	}
	u.Answer = p
	return nil
}

// OutsideNumber is a phone outside every tenant that the scenario knows:
// its caller name and what it does when the PBX calls it.
type OutsideNumber struct {
	Number string
	Name   string
	Answer AnswerPolicy
}

// AddOutside registers an outside number's name and answer policy.
func (s *Sim) AddOutside(o OutsideNumber) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.Answer.Mode == "" {
		o.Answer.Mode = AnswerManual
	}
	s.outside[o.Number] = o
}

// Tenants returns the directory's tenants in the order they were added.
func (s *Sim) Tenants() []Tenant {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Tenant, 0, len(s.tenantIx))
	for _, id := range s.tenantIx {
		out = append(out, *s.tenants[id])
	}
	return out
}

// Tenant returns one tenant.
func (s *Sim) Tenant(id string) (Tenant, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tenants[id]
	if !ok {
		return Tenant{}, false
	}
	return *t, true
}

// Users returns a tenant's users sorted by extension, then id.
func (s *Sim) Users(tenantID string) []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []User
	for k, u := range s.users {
		if k.tenant == tenantID {
			out = append(out, copyUser(u))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Extension != out[j].Extension {
			return out[i].Extension < out[j].Extension
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// User returns one user of a tenant.
func (s *Sim) User(tenantID, userID string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userKey{tenantID, userID}]
	if !ok {
		return User{}, false
	}
	return copyUser(u), true
}

// UserByExtension returns the user with an extension number in a tenant.
func (s *Sim) UserByExtension(tenantID, ext string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.byExt[tenantID][ext]
	if !ok {
		return User{}, false
	}
	return copyUser(u), true
}

func copyUser(u *User) User {
	c := *u
	c.Numbers = append([]string(nil), u.Numbers...)
	c.Devices = append([]Device(nil), u.Devices...)
	return c
}

// Call returns a snapshot of a call by core ID.
func (s *Sim) Call(id string) (Call, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.calls[id]
	if !ok {
		return Call{}, newError(ErrNotFound, "call", id, "call %q not found", id)
	}
	return c.view(), nil
}

// Calls returns snapshots of all calls the Sim still holds (active and
// recently ended), oldest first.
func (s *Sim) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, 0, len(s.calls))
	for _, c := range s.calls {
		out = append(out, c.view())
	}
	sortCalls(out)
	return out
}

// CallsOfUser returns snapshots of the active calls in which a user has a
// live leg, oldest first. It costs the user's calls, not all calls.
func (s *Sim) CallsOfUser(tenantID, userID string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	var out []Call
	for legID := range s.userLegs[userKey{tenantID, userID}] {
		l := s.legs[legID]
		if l == nil || seen[l.call.ID] {
			continue
		}
		seen[l.call.ID] = true
		out = append(out, l.call.view())
	}
	sortCalls(out)
	return out
}

// Leg returns a snapshot of one leg and its call.
func (s *Sim) Leg(id string) (Leg, Call, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.legs[id]
	if !ok {
		return Leg{}, Call{}, newError(ErrNotFound, "leg", id, "leg %q not found", id)
	}
	return l.snapshot(), l.call.view(), nil
}

// LookupCall finds a call by a vendor attribute (e.g. key
// "acme.sessionId"). It returns the call's snapshot.
func (s *Sim) LookupCall(key, value string) (Call, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.aliases[alias{key, value}]
	if !ok {
		return Call{}, false
	}
	c, ok := s.calls[id]
	if !ok {
		return Call{}, false
	}
	return c.view(), true
}

// LookupLeg finds a leg by a vendor attribute (e.g. key "acme.partyId").
func (s *Sim) LookupLeg(key, value string) (Leg, Call, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.aliases[alias{key, value}]
	if !ok {
		return Leg{}, Call{}, false
	}
	l, ok := s.legs[id]
	if !ok {
		return Leg{}, Call{}, false
	}
	return l.snapshot(), l.call.view(), true
}

// Reset ends every call without events, empties the event log and the
// journal, and keeps the directory and subscribers.
func (s *Sim) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.legs {
		l.stopTimers()
	}
	s.resetCallsLocked()
	s.events = newEventLog(s.opts.EventLogSize, s.opts.EventLogBytes)
	s.journal.Clear()
}

func (s *Sim) resetCallsLocked() {
	s.calls = map[string]*call{}
	s.legs = map[string]*leg{}
	s.aliases = map[alias]string{}
	s.userLegs = map[userKey]map[string]bool{}
	s.tenantCalls = map[string]map[string]*call{}
	s.retention = retentionQueue{}
	s.gen++
}

func sortCalls(cs []Call) {
	sort.Slice(cs, func(i, j int) bool {
		if !cs[i].Created.Equal(cs[j].Created) {
			return cs[i].Created.Before(cs[j].Created)
		}
		return idNum(cs[i].ID) < idNum(cs[j].ID)
	})
}

func idNum(id string) uint64 {
	n, _ := strconv.ParseUint(id[1:], 10, 64)
	return n
}

// snapshot copies the call and its legs. The attribute maps and the
// Peer and MovedFrom refs are shared, not copied: the core never writes
// into them once they are set (a new value replaces the old one), so a
// snapshot stays what it was when taken, and the ~20 snapshots of a warm
// transfer cost no map copies (issue 16).
func (c *call) snapshot() Call { return c.snapshotInto(make([]Leg, len(c.legs))) }

// snapshotInto is snapshot with the legs written into legs, whose length
// is the call's number of legs.
func (c *call) snapshotInto(legs []Leg) Call {
	out := c.Call
	for i, l := range c.legs {
		legs[i] = l.Leg
	}
	out.Legs = legs
	return out
}

// view returns the call as it is now, to a reader holding the lock between
// operations: the snapshot the last reader got while Seq and the legs say
// nothing happened since, else a new one, kept for the next reader of an
// active call. Readers of one state share one Legs slice, as subscribers
// of an event do.
func (c *call) view() Call {
	if c.hasLast && c.last.Seq == c.Seq && len(c.last.Legs) == len(c.legs) {
		return c.last
	}
	out := c.snapshot()
	if c.Ended.IsZero() {
		c.last, c.hasLast = out, true
	}
	return out
}

// snapshot copies the leg; it shares what call.snapshot shares.
func (l *leg) snapshot() Leg { return l.Leg }

func (l *leg) stopTimers() {
	if l.ringTimer != nil {
		l.ringTimer.Stop()
		l.ringTimer = nil
	}
	if l.answerTmr != nil {
		l.answerTmr.Stop()
		l.answerTmr = nil
	}
}

// noAttrs is the attribute map of a call or leg that has none. It is
// shared like every live attribute map, so it is never written either.
var noAttrs = map[string]string{}

// ownAttrs returns the attributes a new call or leg starts with: a copy of
// the caller's preset map, which the caller may still change.
func ownAttrs(preset map[string]string) map[string]string {
	if len(preset) == 0 {
		return noAttrs
	}
	out := make(map[string]string, len(preset))
	for k, v := range preset {
		out[k] = v
	}
	return out
}
