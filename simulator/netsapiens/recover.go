package netsapiens

import (
	"fmt"
	"runtime/debug"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// maxPanicStack bounds the stack kept in a panic's journal entry.
const maxPanicStack = 4 << 10

// recoverPanic, deferred at the top of a goroutine's unit of work (a
// delivery, an event's fan-out, a change applied after its 202), turns a
// panic into a journal entry, so one bad input costs that unit of work and
// never the process (issue 10 item 1). It must be deferred directly.
func (d *Dialect) recoverPanic(where string) {
	v := recover()
	if v == nil {
		return
	}
	d.journalPanic(where, v)
}

func (d *Dialect) journalPanic(where string, v any) {
	stack := debug.Stack()
	if len(stack) > maxPanicStack {
		stack = stack[:maxPanicStack]
	}
	d.sim.Journal().Record(simulator.JournalEntry{
		Time: d.sim.Clock().Now(), Dialect: vendor, Method: "PANIC", Path: "/ns-api/v2",
		Status: 500, Note: fmt.Sprintf("panic recovered in %s: %v\n%s", where, v, stack),
	})
}
