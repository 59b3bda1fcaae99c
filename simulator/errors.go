package simulator

import (
	"errors"
	"fmt"
)

// ErrorCode classifies why an operation was refused. Dialects map each code
// to their vendor's status and body in one table.
type ErrorCode string

// The error vocabulary of the core.
const (
	// ErrNotFound: no such tenant, user, call or leg (or not visible to the caller).
	ErrNotFound ErrorCode = "not_found"
	// ErrWrongState: the target exists but its state does not allow the operation.
	ErrWrongState ErrorCode = "wrong_state"
	// ErrNotAllowed: the operation is refused whatever the state (ownership, policy).
	ErrNotAllowed ErrorCode = "not_allowed"
	// ErrInvalid: the request itself is malformed (bad address, missing field).
	ErrInvalid ErrorCode = "invalid"
)

// Error is the one error type the core returns.
type Error struct {
	Code ErrorCode
	// Subject names what the error is about: "call", "leg", "user", "address"...
	Subject string
	// Value is the offending identifier or input, when there is one.
	Value   string
	Message string
}

func (e *Error) Error() string { return e.Message }

func newError(code ErrorCode, subject, value, format string, args ...any) *Error {
	return &Error{Code: code, Subject: subject, Value: value, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the ErrorCode carried by err, or "" when err is not a core error.
func CodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
