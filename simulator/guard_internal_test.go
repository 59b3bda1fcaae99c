package simulator

import (
	"strings"
	"testing"
)

// Rule: a Sim timer on the wall clock, scheduled without the wall clock's
// own guard, still recovers a panic itself and journals it. Run here on the
// test's goroutine: the panic must not reach it. Source: issue 10 item 1.
func TestWallClockSimTimerRecoversAndJournals(t *testing.T) {
	s := New(Options{})
	before := TimerPanics()
	s.timerFunc(RealClock{}, "ring-timeout", func() { panic("boom in a wall-clock timer") })()
	if TimerPanics() != before+1 {
		t.Fatalf("timer panics: %d, want %d", TimerPanics(), before+1)
	}
	es := s.Journal().Entries(JournalFilter{Dialect: "core"})
	if len(es) != 1 || es[0].Method != "TIMER" || es[0].Path != "ring-timeout" || es[0].Status != 500 || !strings.Contains(es[0].Note, "boom in a wall-clock timer") {
		t.Fatalf("journal: %+v", es)
	}
}
