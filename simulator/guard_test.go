package simulator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Rule: a panic in a timer callback does not take the process down: the
// manual clock goes on with the next timer, a real-clock timer's panic is
// recovered on its goroutine. Source: issue 10 item 1 ("no goroutine that
// handles client input may take the process down").
func TestTimerPanicsAreRecovered(t *testing.T) {
	clk := simulator.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var after bool
	clk.AfterFunc(time.Second, func() { panic("boom") })
	clk.AfterFunc(2*time.Second, func() { after = true })
	clk.Advance(3 * time.Second)
	if !after {
		t.Fatal("the timer after a panicking one did not fire")
	}

	before := simulator.TimerPanics()
	simulator.RealClock{}.AfterFunc(0, func() { panic("boom on a real timer") })
	deadline := time.Now().Add(10 * time.Second)
	for simulator.TimerPanics() == before {
		if time.Now().After(deadline) {
			t.Fatal("the real-clock timer's panic was not recovered within 10s")
		}
		time.Sleep(time.Millisecond) // polling with a deadline, not waiting a fixed time
	}
}

// Rule: a panic in one of the Sim's own timers (here an auto-answer whose
// fan-out runs a subscriber's filter) is recovered and journaled, and the
// Sim stays usable: its lock is free. Source: issue 10 item 1.
func TestSimTimerPanicIsJournaled(t *testing.T) {
	sim, clk := newSim(t)
	sub := sim.Subscribe(simulator.SubscribeOptions{Filter: func(e *simulator.Event) bool {
		if e.Cause == "answer" {
			panic("a filter that fails on answer")
		}
		return true
	}})
	defer sub.Close()
	c := call(t, sim, "+15555555555", "1000@TEST")
	to := c.Legs[1].Endpoint
	if err := sim.SetAnswerPolicy(to.TenantID, to.UserID, simulator.AnswerPolicy{Mode: simulator.AnswerAuto, Delay: time.Second}); err != nil {
		t.Fatal(err)
	}
	call(t, sim, "+15555555555", "1000@TEST")
	clk.Advance(2 * time.Second)
	var found bool
	for _, e := range sim.Journal().Entries(simulator.JournalFilter{Dialect: "core"}) {
		if e.Method == "TIMER" && e.Path == "answer-policy" && e.Status == 500 && strings.Contains(e.Note, "a filter that fails on answer") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no journal entry for the panic: %+v", sim.Journal().Entries(simulator.JournalFilter{}))
	}
	if n := len(sim.Calls()); n != 2 {
		t.Fatalf("the Sim after the panic holds %d calls, want 2", n)
	}
}
