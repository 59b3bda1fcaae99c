package simulator

import (
	"strings"
	"testing"
)

// Rule: an entry's contract findings are bounded (count and length) and
// counted in the journal's bytes, as every other field. Source: issue 15
// item 1; docs/limits.md (the journal is bounded in bytes).
func TestJournalBoundsFindings(t *testing.T) {
	j := NewJournalWithLimits(JournalLimits{FieldBytes: 64})
	many := make([]string, MaxFindings+5)
	for i := range many {
		many[i] = strings.Repeat("f", 100)
	}
	before := j.Bytes()
	j.Record(JournalEntry{Findings: many})
	e := j.Entries(JournalFilter{})[0]
	if len(e.Findings) != MaxFindings || !strings.Contains(e.Findings[0], TruncatedMarker) {
		t.Fatalf("findings kept: %d, first %q", len(e.Findings), e.Findings[0])
	}
	if got := j.Bytes() - before; got < int64(MaxFindings*64) {
		t.Fatalf("journal bytes grew by %d, not counting the findings", got)
	}
}
