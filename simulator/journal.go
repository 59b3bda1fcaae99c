package simulator

import (
	"strings"
	"sync"
	"time"
)

// JournalEntry is one vendor-API request as pbxsim saw it.
type JournalEntry struct {
	Seq      uint64    `json:"seq"`
	Time     time.Time `json:"time"`
	Dialect  string    `json:"dialect"` // "ringcentral", "netsapiens", "control"
	Tenant   string    `json:"tenant,omitempty"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	Query    string    `json:"query,omitempty"`
	Body     string    `json:"body,omitempty"`
	Status   int       `json:"status"`
	Response string    `json:"response,omitempty"`
	// Note carries what happened after the response, e.g. the outcome of a
	// NetSapiens change applied after its 202.
	Note string `json:"note,omitempty"`
}

// JournalFilter selects journal entries; zero fields match everything.
type JournalFilter struct {
	Dialect    string
	Tenant     string
	Method     string
	PathPrefix string
	PathHas    string
	After      uint64
	Limit      int
}

// Journal is a bounded, ordered record of vendor-API requests.
type Journal struct {
	mu      sync.Mutex
	entries []JournalEntry
	size    int
	seq     uint64
}

// NewJournal returns a journal keeping the newest size entries.
func NewJournal(size int) *Journal { return &Journal{size: size} }

// Record appends an entry and returns its sequence number.
func (j *Journal) Record(e JournalEntry) uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	j.entries = append(j.entries, e)
	if len(j.entries) > j.size {
		j.entries = append(j.entries[:0:0], j.entries[len(j.entries)-j.size:]...)
	}
	return e.Seq
}

// Annotate appends a note to an entry that is still retained.
func (j *Journal) Annotate(seq uint64, note string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := len(j.entries) - 1; i >= 0; i-- {
		if j.entries[i].Seq == seq {
			if j.entries[i].Note != "" {
				j.entries[i].Note += "; "
			}
			j.entries[i].Note += note
			return
		}
	}
}

// Entries returns the retained entries that match f, oldest first.
func (j *Journal) Entries(f JournalFilter) []JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []JournalEntry{}
	for _, e := range j.entries {
		if e.Seq <= f.After ||
			(f.Dialect != "" && e.Dialect != f.Dialect) ||
			(f.Tenant != "" && e.Tenant != f.Tenant) ||
			(f.Method != "" && !strings.EqualFold(e.Method, f.Method)) ||
			(f.PathPrefix != "" && !strings.HasPrefix(e.Path, f.PathPrefix)) ||
			(f.PathHas != "" && !strings.Contains(e.Path, f.PathHas)) {
			continue
		}
		out = append(out, e)
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
	}
	return out
}

// Clear empties the journal; sequence numbers keep counting.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = nil
}
