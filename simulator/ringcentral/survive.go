package ringcentral

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// pbxsim is a shared service: no goroutine of this dialect that handles a
// client's input (socket loops, webhook deliveries, timers, the
// notification dispatcher) may take the process down. Each recovers a
// panic, journals it with its stack, and answers as RingCentral would:
// an error frame or a 500 in the vendor's shape, or close 1011 on a socket
// (issue 10 item 1).

// codeInternal is the code of the 500 a recovered panic answers with
// (inferred, like the fault 5xx codes: RingCentral's catalog has no
// public code per 5xx).
const codeInternal = codeServerError

// internalError is the vendor-shaped answer to a recovered panic.
func internalError(where string) *apiError {
	return refuse(errInternal, "pbxsim failed while serving "+where+" (journaled; please report it)")
}

// journalPanic records a recovered panic: where it happened, the value and
// the stack, so the bug can be found from the journal.
func (d *Dialect) journalPanic(where, tenant string, v any) {
	stack := string(debug.Stack())
	if len(stack) > 4096 {
		stack = stack[:4096] + "…"
	}
	d.sim.Journal().Record(simulator.JournalEntry{
		Time: d.now(), Dialect: dialectName, Tenant: tenant, Method: "PANIC", Path: where,
		Status: http.StatusInternalServerError,
		Note:   "panic recovered in " + where + ": " + strings.TrimSpace(fmt.Sprint(v)) + "\n" + stack,
	})
}

// guard runs f and recovers a panic in it: journaled, then onPanic (if
// any) answers. It reports whether f ran to the end.
func (d *Dialect) guard(where, tenant string, f func(), onPanic func()) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			d.journalPanic(where, tenant, v)
			if onPanic != nil {
				onPanic()
			}
			ok = false
		}
	}()
	f()
	return true
}
