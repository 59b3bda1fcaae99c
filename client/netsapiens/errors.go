package netsapiens

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a non-2xx answer from the NS API. NetSapiens error bodies are
// {"code": <status>, "message": "..."}; Code is 0 when the body had no code
// (the subscription 409 has none) and Message holds the raw text when the
// body was not JSON.
type Error struct {
	Status  int    // HTTP status
	Code    int    // the body's "code"
	Message string // the body's "message", or the raw body text
	Method  string
	Path    string // request path; never carries credentials
}

func (e *Error) Error() string {
	return fmt.Sprintf("netsapiens: %s %s: %d %s", e.Method, e.Path, e.Status, e.Message)
}

// StatusOf returns the HTTP status of an *Error in err's chain, or 0.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// TimeoutError says a wait for state ran out. Observed lists every read made
// while waiting, so a failure shows what the PBX actually did.
type TimeoutError struct {
	What     string
	Observed []string
	Cause    error // the context error
}

func (e *TimeoutError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "netsapiens: timed out waiting for %s after %d reads", e.What, len(e.Observed))
	for i, o := range e.Observed {
		fmt.Fprintf(&b, "\n  #%d %s", i+1, o)
	}
	return b.String()
}

func (e *TimeoutError) Unwrap() error { return e.Cause }

// StepError names the attended-transfer step that failed.
type StepError struct {
	Step string // e.g. "hold original call"
	Err  error
}

func (e *StepError) Error() string {
	return "netsapiens: attended transfer: " + e.Step + ": " + e.Err.Error()
}
func (e *StepError) Unwrap() error { return e.Err }
