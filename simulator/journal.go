package simulator

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// JournalEntry is one vendor-API request as pbxsim saw it.
type JournalEntry struct {
	Seq      uint64    `json:"seq"`
	Time     time.Time `json:"time"`
	Dialect  string    `json:"dialect"` // a dialect's name, or "control"
	Tenant   string    `json:"tenant,omitempty"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	Query    string    `json:"query,omitempty"`
	Body     string    `json:"body,omitempty"`
	Status   int       `json:"status"`
	Response string    `json:"response,omitempty"`
	// Note carries what happened after the response, e.g. the outcome of a
	// change a dialect applied after answering 202.
	Note string `json:"note,omitempty"`
	// Findings are the request's contract findings (docs/contracts.md):
	// what the request got wrong, not what happened, so they stay out of
	// Note. At most MaxFindings, each cut to the field bound.
	Findings []string `json:"findings,omitempty"`
}

// MaxFindings bounds the contract findings one entry keeps.
const MaxFindings = 16

// JournalFilter selects journal entries; zero fields match everything.
type JournalFilter struct {
	Dialect string
	Tenant  string
	// Tenants, when set, keeps the entries of any of these tenants.
	Tenants    []string
	Method     string
	PathPrefix string
	PathHas    string
	After      uint64
	Limit      int
}

// Journal defaults (docs/limits.md, "Server and control API").
const (
	// DefaultJournalEntries is the entry cap of a journal.
	DefaultJournalEntries = 10000
	// DefaultJournalBytes bounds the bytes a journal keeps: 64 MiB.
	DefaultJournalBytes = 64 << 20
	// DefaultJournalFieldBytes bounds each long field (path, query, body,
	// response, note) of one entry: 16 KiB.
	DefaultJournalFieldBytes = 16 << 10
)

// TruncatedMarker ends a field the journal cut short; the number of bytes
// left out follows it: "…(truncated 12345 bytes)".
const TruncatedMarker = "…(truncated"

// entryOverhead is what one entry costs beside its strings (the struct,
// its slot in the ring): counted so a flood of empty entries is bounded too.
const entryOverhead = 160

// JournalLimits bound a journal; zero fields take the defaults.
type JournalLimits struct {
	// Entries caps the number of entries kept.
	Entries int
	// Bytes caps the bytes kept (the entries' strings plus a fixed
	// overhead each); the oldest entries go first.
	Bytes int64
	// FieldBytes caps each of path, query, body, response and note; a
	// longer field is cut and ends with TruncatedMarker.
	FieldBytes int
}

func (l JournalLimits) withDefaults() JournalLimits {
	if l.Entries <= 0 {
		l.Entries = DefaultJournalEntries
	}
	if l.Bytes <= 0 {
		l.Bytes = DefaultJournalBytes
	}
	if l.FieldBytes <= 0 {
		l.FieldBytes = DefaultJournalFieldBytes
	}
	return l
}

// Journal is a bounded, ordered record of vendor-API requests: a ring
// bounded in entries and in bytes. Record and Annotate cost O(1) however
// much history it holds; sequence numbers are consecutive, so an entry is
// found by its Seq without a scan.
type Journal struct {
	mu     sync.Mutex
	limits JournalLimits
	ring   []JournalEntry // grows up to limits.Entries, then wraps
	head   int            // slot of the oldest entry
	n      int            // entries kept
	bytes  int64
	seq    uint64 // Seq of the newest entry ever recorded
}

// NewJournal returns a journal keeping the newest size entries (and at
// most DefaultJournalBytes).
func NewJournal(size int) *Journal { return NewJournalWithLimits(JournalLimits{Entries: size}) }

// NewJournalWithLimits returns a journal with the given bounds.
func NewJournalWithLimits(l JournalLimits) *Journal {
	return &Journal{limits: l.withDefaults()}
}

// Limits returns the journal's bounds.
func (j *Journal) Limits() JournalLimits { return j.limits }

// Len returns the number of entries kept.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.n
}

// Bytes returns the bytes the kept entries account for.
func (j *Journal) Bytes() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.bytes
}

// Record appends an entry and returns its sequence number. Long fields are
// truncated; the oldest entries are dropped to stay within the bounds.
func (j *Journal) Record(e JournalEntry) uint64 {
	max := j.limits.FieldBytes
	e.Path = truncateField(e.Path, max)
	e.Query = truncateField(e.Query, max)
	e.Body = truncateField(e.Body, max)
	e.Response = truncateField(e.Response, max)
	e.Note = truncateField(e.Note, max)
	if len(e.Findings) > MaxFindings {
		e.Findings = e.Findings[:MaxFindings]
	}
	for i := range e.Findings {
		e.Findings[i] = StripURLUserinfo(truncateField(e.Findings[i], max))
	}
	e.Path, e.Body, e.Response, e.Note = StripURLUserinfo(e.Path), StripURLUserinfo(e.Body), StripURLUserinfo(e.Response), StripURLUserinfo(e.Note)
	size := entryBytes(&e)

	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	if j.n == len(j.ring) {
		if len(j.ring) < j.limits.Entries {
			j.grow()
		} else {
			j.evictOldest()
		}
	}
	j.ring[(j.head+j.n)%len(j.ring)] = e
	j.n++
	j.bytes += size
	j.shrinkToBytes()
	return e.Seq
}

// grow doubles the ring (up to the entry cap), oldest entry first. It runs
// O(log cap) times in a journal's life, so Record stays amortised O(1).
func (j *Journal) grow() {
	size := 2 * len(j.ring)
	if size < 16 {
		size = 16
	}
	if size > j.limits.Entries {
		size = j.limits.Entries
	}
	ring := make([]JournalEntry, size)
	for i := 0; i < j.n; i++ {
		ring[i] = j.ring[(j.head+i)%len(j.ring)]
	}
	j.ring, j.head = ring, 0
}

func (j *Journal) evictOldest() {
	old := &j.ring[j.head]
	j.bytes -= entryBytes(old)
	*old = JournalEntry{} // let its strings go
	j.head = (j.head + 1) % len(j.ring)
	j.n--
}

// shrinkToBytes drops the oldest entries until the journal is within its
// byte bound; the newest entry always stays.
func (j *Journal) shrinkToBytes() {
	for j.n > 1 && j.bytes > j.limits.Bytes {
		j.evictOldest()
	}
}

// at returns the kept entry with sequence number seq, or nil.
func (j *Journal) at(seq uint64) *JournalEntry {
	first := j.seq - uint64(j.n) + 1
	if j.n == 0 || seq < first || seq > j.seq {
		return nil
	}
	return &j.ring[(j.head+int(seq-first))%len(j.ring)]
}

// Annotate appends a note to an entry that is still retained.
func (j *Journal) Annotate(seq uint64, note string) {
	note = StripURLUserinfo(note)
	j.mu.Lock()
	defer j.mu.Unlock()
	e := j.at(seq)
	if e == nil {
		return
	}
	if len(e.Note) > j.limits.FieldBytes {
		return // already cut: later notes are left out
	}
	before := int64(len(e.Note))
	if e.Note != "" {
		note = e.Note + "; " + note
	}
	e.Note = truncateField(note, j.limits.FieldBytes)
	j.bytes += int64(len(e.Note)) - before
	j.shrinkToBytes()
}

// Entries returns the retained entries that match f, oldest first.
func (j *Journal) Entries(f JournalFilter) []JournalEntry {
	out, _ := j.Page(f, 0)
	return out
}

// Page is Entries with a bound on the answer: it stops once the entries
// returned account for maxBytes (0: no bound; at least one entry is
// returned) or f.Limit entries, and reports whether more entries match.
// It costs the entries it looks at, from f.After on, not the whole ring.
func (j *Journal) Page(f JournalFilter, maxBytes int64) ([]JournalEntry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []JournalEntry{}
	if j.n == 0 {
		return out, false
	}
	first := j.seq - uint64(j.n) + 1
	start := 0
	if f.After >= first {
		if f.After >= j.seq {
			return out, false
		}
		start = int(f.After - first + 1)
	}
	var used int64
	for i := start; i < j.n; i++ {
		e := &j.ring[(j.head+i)%len(j.ring)]
		if (f.Dialect != "" && e.Dialect != f.Dialect) ||
			(f.Tenant != "" && e.Tenant != f.Tenant) ||
			(len(f.Tenants) > 0 && !slices.Contains(f.Tenants, e.Tenant)) ||
			(f.Method != "" && !strings.EqualFold(e.Method, f.Method)) ||
			(f.PathPrefix != "" && !strings.HasPrefix(e.Path, f.PathPrefix)) ||
			(f.PathHas != "" && !strings.Contains(e.Path, f.PathHas)) {
			continue
		}
		size := entryBytes(e)
		if (f.Limit > 0 && len(out) >= f.Limit) || (maxBytes > 0 && len(out) > 0 && used+size > maxBytes) {
			return out, true
		}
		out = append(out, *e)
		used += size
	}
	return out, false
}

// Clear empties the journal; sequence numbers keep counting.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.ring, j.head, j.n, j.bytes = nil, 0, 0, 0
}

func entryBytes(e *JournalEntry) int64 {
	n := entryOverhead + int64(len(e.Dialect)+len(e.Tenant)+len(e.Method)+len(e.Path)+len(e.Query)+len(e.Body)+len(e.Response)+len(e.Note))
	for _, f := range e.Findings {
		n += int64(len(f))
	}
	return n
}

// truncateField cuts s to at most max bytes (on a UTF-8 boundary) and
// says how much was left out.
func truncateField(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && cut < len(s) && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + TruncatedMarker + " " + strconv.Itoa(len(s)-cut) + " bytes)"
}
