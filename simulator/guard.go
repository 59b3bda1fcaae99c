package simulator

import (
	"fmt"
	"log"
	"runtime/debug"
	"sync/atomic"
	"time"
)

// timerPanics counts the panics recovered in clock timers, process-wide.
var timerPanics atomic.Int64

// TimerPanics returns how many timer callbacks have panicked (and were
// recovered) in this process: a metric, and a sign of a pbxsim bug.
func TimerPanics() int64 { return timerPanics.Load() }

// guardTimer makes a timer callback safe to run on its own goroutine: a
// panic in it is recovered and logged instead of ending the process.
// Timers run code that clients influence (fan-out filters, dialect
// callbacks), and no goroutine that handles client input may take pbxsim
// down (issue 10 item 1).
func guardTimer(f func()) func() {
	return func() {
		defer logTimerPanic()
		f()
	}
}

// logTimerPanic is guardTimer's deferred recovery.
func logTimerPanic() {
	if v := recover(); v != nil {
		timerPanics.Add(1)
		log.Printf("pbxsim: recovered a panic in a timer callback (a bug; please report it): %v\n%s", v, debug.Stack())
	}
}

// afterFunc schedules one of the Sim's own timers on clk (the call's
// clock, tenantclock.go): a panic in it is
// recovered and journaled, so GET /sim/v1/journal shows what happened.
// Callbacks hold the Sim's lock with a deferred unlock, so the lock is
// free again when the panic reaches here.
func (s *Sim) afterFunc(clk Clock, d time.Duration, what string, f func()) Timer {
	run := s.timerFunc(clk, what, f)
	if _, ok := clk.(RealClock); ok {
		// run recovers its own panics, so the wall clock's guardTimer would
		// only add a closure per timer (issue 16: a warm transfer starts six).
		return time.AfterFunc(d, run)
	}
	return clk.AfterFunc(d, run)
}

// timerFunc is f as afterFunc schedules it: a panic in it is recovered
// and journaled.
func (s *Sim) timerFunc(clk Clock, what string, f func()) func() {
	return func() {
		defer s.recoverTimer(clk, what)
		f()
	}
}

// recoverTimer is timerFunc's deferred recovery. Journaling runs on the
// timer's own goroutine too, so a panic in it is recovered and logged
// (logTimerPanic), as guardTimer would.
func (s *Sim) recoverTimer(clk Clock, what string) {
	v := recover()
	if v == nil {
		return
	}
	defer logTimerPanic()
	timerPanics.Add(1)
	s.journal.Record(JournalEntry{
		Time: clk.Now(), Dialect: "core", Method: "TIMER", Path: what, Status: 500,
		Note: fmt.Sprintf("panic recovered in the %s timer (a pbxsim bug; please report it): %v\n%s", what, v, debug.Stack()),
	})
}
