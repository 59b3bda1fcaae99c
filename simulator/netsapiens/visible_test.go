package netsapiens

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Rule: when the core drops the dialect's event subscription for falling
// behind, the loss is journaled (posts in the gap never went out) before
// delivery resubscribes, as the RingCentral dialect does.
// Source: issue 13 item 9; DESIGN "a slow subscriber never blocks the PBX".
func TestEventOverflowIsJournaled(t *testing.T) {
	w := newWorld(t, nil, Options{EventBuffer: 2})
	// Hold the fan-out lock: the dispatcher stops at its first event, so
	// the core's queue of 2 fills and the core drops the subscription.
	w.d.subs.mu.Lock()
	for i := 0; i < 3; i++ {
		c := w.inboundCall()
		if err := w.sim.HangupCall(c.ID); err != nil {
			w.d.subs.mu.Unlock()
			t.Fatal(err)
		}
	}
	w.d.subs.mu.Unlock()

	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range w.sim.Journal().Entries(simulator.JournalFilter{Dialect: "netsapiens"}) {
			if e.Method == "EVENT" && strings.Contains(e.Note, "were not posted") {
				return
			}
		}
		runtime.Gosched()
	}
	t.Fatalf("no journal entry for the dropped event subscription; journal: %v", w.sim.Journal().Entries(simulator.JournalFilter{Dialect: "netsapiens"}))
}
