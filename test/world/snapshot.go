package world

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strings"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Snapshot is the world's observable state: the calls and events the
// control API shows, each tenant's subscriptions and signed-in sessions as
// its own credentials read them, the request journal and what every
// webhook receiver got. Refused requests must leave it unchanged, apart
// from their own journal entries.
type Snapshot struct {
	Calls   string
	Events  string
	Reads   map[string]string // "what" -> status and body of a tenant's read
	Journal []simulator.JournalEntry
	Posts   map[string]int
}

// remaining matches a subscription's seconds left, which only says that the
// clock moved.
var remaining = regexp.MustCompile(`"expiresIn":[0-9]+`)

// read is one vendor read a snapshot makes with a tenant's credentials.
type read struct {
	what string
	req  Request
}

func (w *World) reads() []read {
	var out []read
	for _, name := range []string{"A", "B"} {
		rc, ns := w.RC[name], w.NS[name]
		out = append(out,
			read{"ringcentral " + name + " subscriptions", Request{Method: "GET", Path: "/restapi/v1.0/subscription", Token: rc.Token}},
			read{"netsapiens " + name + " subscriptions", Request{Method: "GET", Path: "/ns-api/v2/domains/" + ns.Domain + "/subscriptions", Token: ns.OMKey}},
			read{"netsapiens " + name + " calls by token", Request{Method: "GET", Path: "/ns-api/v2/domains/~/users/~/calls", Token: ns.Token}},
			read{"netsapiens " + name + " jwt", Request{Method: "GET", Path: "/ns-api/v2/jwt", Token: ns.JWT}},
		)
	}
	return out
}

// Snapshot reads the world's state.
func (w *World) Snapshot() Snapshot {
	w.T.Helper()
	s := Snapshot{Reads: map[string]string{}, Posts: map[string]int{}}
	s.Calls = string(w.Must(200, Request{Method: "GET", Path: "/sim/v1/calls", Token: ControlToken}).Body)
	s.Events = string(w.Must(200, Request{Method: "GET", Path: "/sim/v1/events", Token: ControlToken}).Body)
	own := map[string]bool{}
	for _, r := range w.reads() {
		resp, err := w.Do(r.req)
		if err != nil {
			w.T.Fatalf("snapshot %s: %v", r.what, err)
		}
		s.Reads[r.what] = remaining.ReplaceAllString(resp.String(), `"expiresIn":…`)
		own[r.req.Method+" "+r.req.Path] = true
	}
	for _, e := range w.newJournalEntries() {
		if own[e.Method+" "+e.Path] && e.Status == 200 {
			continue // the snapshot's own reads
		}
		w.journal = append(w.journal, e)
	}
	s.Journal = w.journal[:len(w.journal):len(w.journal)]
	for _, name := range []string{"A", "B"} {
		s.Posts["ringcentral "+name] = len(w.RC[name].Hook.Posts())
		s.Posts["netsapiens "+name] = len(w.NS[name].Hook.Posts())
	}
	return s
}

// newJournalEntries fetches the entries recorded since the last fetch.
// Earlier entries are not fetched again: on the manual clock nothing
// annotates them later (CheckJournal verifies that at the end).
func (w *World) newJournalEntries() []simulator.JournalEntry {
	w.T.Helper()
	var out []simulator.JournalEntry
	for {
		var j struct {
			Entries []simulator.JournalEntry `json:"entries"`
			More    bool                     `json:"more"`
		}
		path := fmt.Sprintf("/sim/v1/journal?after=%d&limit=10000", w.journalSeq)
		if err := json.Unmarshal(w.Must(200, Request{Method: "GET", Path: path, Token: ControlToken}).Body, &j); err != nil {
			w.T.Fatal(err)
		}
		out = append(out, j.Entries...)
		if n := len(j.Entries); n > 0 {
			w.journalSeq = j.Entries[n-1].Seq
		}
		if !j.More || len(j.Entries) == 0 {
			return out
		}
	}
}

// CheckJournal compares the whole journal with what snapshots saw entry by
// entry, so a note added later to an old entry (a change applied after
// the fact) does not go unnoticed.
func (w *World) CheckJournal() string {
	w.T.Helper()
	var all []simulator.JournalEntry
	for after := uint64(0); ; {
		var j struct {
			Entries []simulator.JournalEntry `json:"entries"`
			More    bool                     `json:"more"`
		}
		path := fmt.Sprintf("/sim/v1/journal?after=%d&limit=10000", after)
		if err := json.Unmarshal(w.Must(200, Request{Method: "GET", Path: path, Token: ControlToken}).Body, &j); err != nil {
			w.T.Fatal(err)
		}
		all = append(all, j.Entries...)
		if !j.More || len(j.Entries) == 0 {
			break
		}
		after = j.Entries[len(j.Entries)-1].Seq
	}
	seen := map[uint64]simulator.JournalEntry{}
	for _, e := range w.journal {
		seen[e.Seq] = e
	}
	var out []string
	for _, e := range all {
		if old, ok := seen[e.Seq]; ok && old.Note != e.Note {
			out = append(out, fmt.Sprintf("journal #%d %s %s got a note later: %q", e.Seq, e.Method, e.Path, e.Note))
		}
	}
	return strings.Join(out, "\n")
}

// Sent names a request whose own journal entry is expected after.
type Sent struct {
	Method, Path string
	// Note, when set, must occur in the entry's note: a NetSapiens change
	// accepted with 202 and refused when applied ("not applied: ...").
	// Otherwise the entry must have no note.
	Note string
}

// journalPath is how the journal shows a request path: JSON turns each
// byte that is not UTF-8 into U+FFFD.
func journalPath(p string) string {
	if u, err := url.Parse(p); err == nil {
		p = u.Path
	}
	return string([]rune(p))
}

// Diff says how after differs from s, once the journal entries of the
// requests sent in between are set aside; "" when it does not. Those
// entries must carry no note (nothing was applied later on their behalf).
func (s Snapshot) Diff(after Snapshot, sent ...Sent) string {
	var out []string
	if s.Calls != after.Calls {
		out = append(out, fmt.Sprintf("calls changed:\nbefore %s\nafter  %s", s.Calls, after.Calls))
	}
	if s.Events != after.Events {
		out = append(out, fmt.Sprintf("events changed:\nbefore %s\nafter  %s", s.Events, after.Events))
	}
	for k, v := range s.Reads {
		if after.Reads[k] != v {
			out = append(out, fmt.Sprintf("%s changed:\nbefore %s\nafter  %s", k, v, after.Reads[k]))
		}
	}
	if !reflect.DeepEqual(s.Posts, after.Posts) {
		out = append(out, fmt.Sprintf("webhook posts: before %v, after %v", s.Posts, after.Posts))
	}
	own := map[string]Sent{}
	for _, r := range sent {
		own[r.Method+" "+journalPath(r.Path)] = r
	}
	var kept []simulator.JournalEntry
	for _, e := range after.Journal {
		r, mine := own[e.Method+" "+e.Path]
		if cut, _, truncated := strings.Cut(e.Path, simulator.TruncatedMarker); truncated && !mine {
			// The journal cuts a long path and marks it: match the prefix.
			for _, sr := range sent {
				if sr.Method == e.Method && strings.HasPrefix(journalPath(sr.Path), cut) {
					r, mine = sr, true
				}
			}
		}
		if e.Seq > lastSeq(s.Journal) && mine {
			switch {
			case r.Note == "" && e.Note != "":
				out = append(out, fmt.Sprintf("refused request %s %s has a journal note: %s", e.Method, e.Path, e.Note))
			case r.Note != "" && !strings.Contains(e.Note, r.Note):
				out = append(out, fmt.Sprintf("request %s %s: journal note %q, want one with %q", e.Method, e.Path, e.Note, r.Note))
			}
			continue
		}
		kept = append(kept, e)
	}
	if !reflect.DeepEqual(s.Journal, kept) {
		out = append(out, fmt.Sprintf("journal changed:\nbefore %s\nafter  %s", entries(s.Journal), entries(kept)))
	}
	return strings.Join(out, "\n")
}

func lastSeq(es []simulator.JournalEntry) uint64 {
	if len(es) == 0 {
		return 0
	}
	return es[len(es)-1].Seq
}

func entries(es []simulator.JournalEntry) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "\n  #%d %s %s %s -> %d %s", e.Seq, e.Dialect, e.Method, e.Path, e.Status, e.Note)
	}
	return b.String()
}
