package faults

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Options configure an Engine.
type Options struct {
	// Seed makes fault decisions reproducible.
	Seed int64
	// Clock times notification and apply delays; default the wall clock.
	Clock simulator.Clock
	// Journal records requests a fault answered instead of the dialect;
	// may be nil.
	Journal *simulator.Journal
	// LogSize bounds the outcome log; default 1000.
	LogSize int
	// Dialects are the dialects the engine serves: Add checks rules
	// against them (Rule.ValidateFor). None means any dialect name.
	Dialects Dialects
}

// Engine holds the rules and decides, for each request, notification and
// change, which of them fire. It is safe for concurrent use.
type Engine struct {
	dialects Dialects // fixed at New
	clock    simulator.Clock
	journal  *simulator.Journal
	logSize  int
	stop     chan struct{}
	once     sync.Once

	mu      sync.Mutex
	seed    int64
	rules   []*ruleState
	nextID  int
	log     []Outcome
	logSeq  uint64
	dropper SocketDropper
	dropOf  string // the dialect whose sockets dropper closes
	// httpN counts the rules with On http, changed under mu and read
	// without it: the middleware's fast path takes no lock per request.
	httpN atomic.Int64
}

// ruleState is a rule with its compiled patterns and counters.
type ruleState struct {
	Rule
	glob, re *regexp.Regexp
	matched  uint64
	fired    uint64
}

// Status is a rule as the control API shows it: the rule and how often it
// matched and fired since it was added (or the seed was set).
type Status struct {
	Rule
	Matched uint64 `json:"matched"`
	Fired   uint64 `json:"fired"`
}

// Outcome is one fault that fired, in the order they fired: what a rerun
// with the same seed and the same traffic reproduces.
type Outcome struct {
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	Rule    string    `json:"rule"`
	On      string    `json:"on"`
	Match   uint64    `json:"match"` // the rule's n-th match
	Dialect string    `json:"dialect,omitempty"`
	Tenant  string    `json:"tenant,omitempty"`
	Subject string    `json:"subject"` // "POST /v1/...", "webhook subscription X", "hold"
	Effect  string    `json:"effect"`  // "status 503", "latency 212ms", "drop", ...
}

// Subject is what a rule is matched against.
type Subject struct {
	Dialect, Tenant, Method, Path, Operation, Transport, Subscription string
}

// Fired is a rule that fired on a subject, with its sampled latency.
type Fired struct {
	Rule    string
	Action  Action
	Latency time.Duration
}

// SocketDropper closes a dialect's notification sockets at once: those of
// tenant (and extension, when given), in mode recoverable or
// unrecoverable. It returns how many sockets it closed.
type SocketDropper func(tenant, extension, mode string) int

// Errors the engine returns, for errors.Is.
var (
	ErrNotFound  = errors.New("no such fault rule")
	ErrDuplicate = errors.New("duplicate fault rule id")
)

// New returns an engine with no rules.
func New(opts Options) *Engine {
	if opts.Clock == nil {
		opts.Clock = simulator.RealClock{}
	}
	if opts.LogSize <= 0 {
		opts.LogSize = 1000
	}
	return &Engine{clock: opts.Clock, journal: opts.Journal, logSize: opts.LogSize, seed: opts.Seed, stop: make(chan struct{}),
		dialects: append(Dialects(nil), opts.Dialects...)}
}

// Close ends held requests (timeouts, latency) so a server can shut down.
func (e *Engine) Close() { e.once.Do(func() { close(e.stop) }) }

// Seed returns the seed decisions are drawn from.
func (e *Engine) Seed() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.seed
}

// SetSeed replaces the seed and restarts every rule's counters and the
// outcome log, so the run from here on replays any earlier run that set
// the same seed.
func (e *Engine) SetSeed(seed int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seed = seed
	for _, r := range e.rules {
		r.matched, r.fired = 0, 0
	}
	e.log = nil
}

// Add validates and appends a rule (rules are checked in the order they
// were added) and returns it with its id.
func (e *Engine) Add(r Rule) (Rule, error) {
	if err := r.ValidateFor(e.dialects); err != nil {
		return Rule{}, err
	}
	if r.On == "" {
		r.On = OnHTTP
	}
	if r.Action.Latency != nil {
		l := *r.Action.Latency
		r.Action.Latency = &l
	}
	st := &ruleState{Rule: r}
	var err error
	if r.Match.Path != "" {
		if st.glob, err = compileGlob(r.Match.Path); err != nil {
			return Rule{}, fmt.Errorf("match.path: %v", err)
		}
	}
	if r.Match.PathRegex != "" {
		if st.re, err = compilePathRegex(r.Match.PathRegex); err != nil {
			return Rule{}, err
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if st.ID == "" {
		for {
			e.nextID++
			st.ID = "f" + strconv.Itoa(e.nextID)
			if e.find(st.ID) < 0 {
				break
			}
		}
	} else if e.find(st.ID) >= 0 {
		return Rule{}, fmt.Errorf("%w: a rule with id %q already exists; delete it first or choose another id", ErrDuplicate, st.ID)
	}
	e.rules = append(e.rules, st)
	if st.On == OnHTTP {
		e.httpN.Add(1)
	}
	return st.Rule, nil
}

func (e *Engine) find(id string) int {
	for i, r := range e.rules {
		if r.ID == id {
			return i
		}
	}
	return -1
}

// Remove deletes a rule.
func (e *Engine) Remove(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	i := e.find(id)
	if i < 0 {
		return fmt.Errorf("%w %q", ErrNotFound, id)
	}
	if e.rules[i].On == OnHTTP {
		e.httpN.Add(-1)
	}
	e.rules = append(e.rules[:i:i], e.rules[i+1:]...)
	return nil
}

// Clear deletes every rule and empties the outcome log; the seed stays.
func (e *Engine) Clear() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rules, e.log = nil, nil
	e.httpN.Store(0)
}

// Rules returns every rule with its counters, in check order.
func (e *Engine) Rules() []Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Status, 0, len(e.rules))
	for _, r := range e.rules {
		out = append(out, Status{Rule: r.Rule, Matched: r.matched, Fired: r.fired})
	}
	return out
}

// Rule returns one rule with its counters.
func (e *Engine) Rule(id string) (Status, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	i := e.find(id)
	if i < 0 {
		return Status{}, fmt.Errorf("%w %q", ErrNotFound, id)
	}
	r := e.rules[i]
	return Status{Rule: r.Rule, Matched: r.matched, Fired: r.fired}, nil
}

// Log returns the outcomes after seq, oldest first.
func (e *Engine) Log(after uint64) []Outcome {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []Outcome{}
	for _, o := range e.log {
		if o.Seq > after {
			out = append(out, o)
		}
	}
	return out
}

// SetSocketDropper registers the socket closer of the dialect named
// dialect (one with DialectSpec.Disconnect).
func (e *Engine) SetSocketDropper(dialect string, f SocketDropper) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dropper, e.dropOf = f, dialect
}

// Dialects returns the dialects the engine serves.
func (e *Engine) Dialects() Dialects { return append(Dialects(nil), e.dialects...) }

// DropSockets closes notification sockets now (see SocketDropper).
func (e *Engine) DropSockets(tenant, extension, mode string) (int, error) {
	if mode == "" {
		mode = DisconnectRecoverable
	}
	if mode != DisconnectRecoverable && mode != DisconnectUnrecoverable {
		return 0, fmt.Errorf("mode must be recoverable or unrecoverable, not %q", mode)
	}
	e.mu.Lock()
	f, dialect := e.dropper, e.dropOf
	e.mu.Unlock()
	if f == nil {
		return 0, errors.New("this pbxsim serves no dialect with notification sockets")
	}
	n := f(tenant, extension, mode)
	e.mu.Lock()
	e.record(Outcome{On: "websocket", Dialect: dialect, Tenant: tenant,
		Subject: "sockets of " + orAll(tenant, extension), Effect: fmt.Sprintf("disconnect %s (%d sockets)", mode, n)})
	e.mu.Unlock()
	return n, nil
}

func orAll(tenant, ext string) string {
	switch {
	case tenant == "":
		return "every account"
	case ext == "":
		return "account " + tenant
	}
	return "account " + tenant + " extension " + ext
}

// decide checks the rules of one kind against a subject, in order. Every
// rule the subject matches counts it. With firstOnly the first rule that
// fires ends the check; otherwise latency rules accumulate and the first
// terminal rule (status, drop, timeout) ends it.
func (e *Engine) decide(on string, s Subject, firstOnly bool, describe string) []Fired {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Fired
	for _, r := range e.rules {
		if r.On != on || !r.matches(s) {
			continue
		}
		r.matched++
		n := r.matched
		if n <= uint64(r.After) || (r.Times > 0 && r.fired >= uint64(r.Times)) {
			continue
		}
		rng := e.source(r.ID, n)
		if u := rng.Float64(); r.Probability > 0 && u >= r.Probability {
			continue
		}
		r.fired++
		f := Fired{Rule: r.ID, Action: r.Action}
		if r.Action.Latency != nil {
			f.Latency = r.Action.Latency.sample(rng)
		}
		out = append(out, f)
		e.record(Outcome{Rule: r.ID, On: on, Match: n, Dialect: s.Dialect, Tenant: s.Tenant, Subject: describe, Effect: f.describe()})
		if firstOnly || r.Action.Status != 0 || r.Action.Drop || r.Action.Timeout {
			break
		}
	}
	return out
}

// source is the random source of a rule's n-th match: a function of the
// seed, the rule id and n only, so concurrent traffic to other rules
// cannot shift it.
func (e *Engine) source(id string, n uint64) *rand.Rand {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	return rand.New(rand.NewPCG(uint64(e.seed), h.Sum64()^(n*0x9e3779b97f4a7c15)))
}

// record appends to the outcome log; e.mu is held.
func (e *Engine) record(o Outcome) {
	e.logSeq++
	o.Seq = e.logSeq
	o.Time = e.clock.Now()
	e.log = append(e.log, o)
	if over := len(e.log) - e.logSize; over > 0 {
		e.log = append(e.log[:0:0], e.log[over:]...)
	}
}

func (r *ruleState) matches(s Subject) bool {
	m := r.Match
	return (m.Dialect == "" || m.Dialect == s.Dialect) &&
		(m.Tenant == "" || m.Tenant == s.Tenant) &&
		(m.Method == "" || m.Method == s.Method) &&
		(r.glob == nil || r.glob.MatchString(s.Path)) &&
		(r.re == nil || r.re.MatchString(s.Path)) &&
		(m.Operation == "" || m.Operation == s.Operation) &&
		(m.Transport == "" || m.Transport == s.Transport) &&
		(m.Subscription == "" || m.Subscription == s.Subscription)
}

func (l *Latency) sample(r *rand.Rand) time.Duration {
	switch l.Dist {
	case "uniform":
		return l.Min.D() + time.Duration(r.Int64N(int64(l.Max-l.Min)+1))
	case "normal":
		d := l.Mean.D() + time.Duration(r.NormFloat64()*float64(l.StdDev))
		if d < l.Min.D() {
			d = l.Min.D()
		}
		if l.Max != 0 && d > l.Max.D() {
			d = l.Max.D()
		}
		if d < 0 {
			d = 0
		}
		return d
	}
	return l.Fixed.D()
}

func (f Fired) describe() string {
	a := f.Action
	var parts []string
	if a.Latency != nil {
		parts = append(parts, "latency "+f.Latency.String())
	}
	switch {
	case a.Status != 0:
		parts = append(parts, "status "+strconv.Itoa(a.Status))
	case a.Timeout:
		parts = append(parts, "timeout")
	case a.Fail != 0:
		parts = append(parts, "fail "+strconv.Itoa(a.Fail))
	case a.Disconnect != "":
		parts = append(parts, "disconnect "+a.Disconnect)
	}
	if a.Drop {
		parts = append(parts, "drop")
	}
	if a.Delay != 0 && !a.Reorder {
		parts = append(parts, "delay "+a.Delay.D().String())
	}
	if a.Duplicate != 0 {
		parts = append(parts, "duplicate x"+strconv.Itoa(a.Duplicate))
	}
	if a.Reorder {
		parts = append(parts, "reorder")
	}
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}
