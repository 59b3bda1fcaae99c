package ringcentral

import (
	"strconv"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Rule: an account's call log keeps the last callLogCapacity ended calls,
// oldest first, and logging one more pushes out exactly the oldest (which
// the recorder forgets). Source: issue 13 item 1 (bounded per account),
// issue 16 (no cost grows with history: the log is a ring, not a list
// copied on every ended call).
func TestCallLogRingKeepsTheNewestInOrder(t *testing.T) {
	var a accountLog
	logged := func(i int) loggedCall { return loggedCall{call: simulator.Call{ID: "C" + strconv.Itoa(i)}} }
	total := 2*callLogCapacity + 7
	for i := 0; i < total; i++ {
		old, full := a.add(logged(i))
		if want := i >= callLogCapacity; full != want {
			t.Fatalf("call %d: full = %v, want %v", i, full, want)
		}
		if full && old.call.ID != "C"+strconv.Itoa(i-callLogCapacity) {
			t.Fatalf("call %d pushed out %s, want C%d", i, old.call.ID, i-callLogCapacity)
		}
		got := a.calls(nil)
		first := max(0, i+1-callLogCapacity)
		if len(got) != i+1-first || got[0].call.ID != "C"+strconv.Itoa(first) || got[len(got)-1].call.ID != "C"+strconv.Itoa(i) {
			t.Fatalf("after call %d: %d calls from %s to %s, want C%d to C%d", i, len(got), got[0].call.ID, got[len(got)-1].call.ID, first, i)
		}
	}
	for j, lc := range a.calls(nil) {
		if want := "C" + strconv.Itoa(total-callLogCapacity+j); lc.call.ID != want {
			t.Fatalf("record %d is %s, want %s", j, lc.call.ID, want)
		}
	}
	if got := (*accountLog)(nil).calls(nil); len(got) != 0 {
		t.Fatalf("an account with no log has %d calls", len(got))
	}
}
