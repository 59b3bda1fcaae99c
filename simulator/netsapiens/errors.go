package netsapiens

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// apiError is a refusal in the NS API's own shape: {"code": N, "message": "..."}.
type apiError struct {
	Status  int
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.Status, e.Message) }

// The dialect's error vocabulary: handlers name the kind of refusal and
// the kind carries its status, so no call site picks an HTTP status by
// hand (errors_vocab_test.go scans the package). The NS API documents
// only the {"code", "message"} shape and a few messages (SPEC45).

// errKind names a kind of refusal of the NS API.
type errKind int

const (
	errInvalidRequest   errKind = iota // a request the API cannot take: bad field, bad body, bad call-id
	errUnauthenticated                 // no, unknown or expired credential
	errDenied                          // the credential may not do this
	errNoSuchResource                  // no such domain, user, call, subscription or endpoint
	errMethodNotAllowed                // a known path with another method
	errConflict                        // a call-id already in use
	errShuttingDown                    // pbxsim is closing
)

// kindStatus is the one table from kinds to statuses. The NS API
// documents no 409 or 422 for call state; a state that forbids the
// operation is a client mistake (400, see coreKind).
var kindStatus = [...]int{
	errInvalidRequest:   http.StatusBadRequest,
	errUnauthenticated:  http.StatusUnauthorized,
	errDenied:           http.StatusForbidden,
	errNoSuchResource:   http.StatusNotFound,
	errMethodNotAllowed: http.StatusMethodNotAllowed,
	errConflict:         http.StatusConflict,
	errShuttingDown:     http.StatusServiceUnavailable,
}

// refuse builds a refusal of kind k.
func refuse(k errKind, format string, args ...any) *apiError {
	return &apiError{Status: kindStatus[k], Message: fmt.Sprintf(format, args...)}
}

// injectedFault is the body of a fault rule's status (docs/faults.md):
// the rule picks the status, not the dialect.
func injectedFault(status int, message string) *apiError {
	return &apiError{Status: status, Message: message}
}

// Messages the vendor documents word for word (SPEC45 examples).
const (
	msgDomainDenied     = "Domain not found or access denied"
	msgPermissionDenied = "Permission Denied"
	// The 409 body of a duplicate subscription carries no code field.
	msgDuplicateSubscription = "Subscription ID already Exists or matching set of parameters already exists"
)

// coreKind maps the core's error vocabulary to this one. The NS API
// documents no 409 or 422 for calls; a state that forbids the operation
// is a client mistake (400).
var coreKind = map[simulator.ErrorCode]errKind{
	simulator.ErrNotFound:   errNoSuchResource,
	simulator.ErrWrongState: errInvalidRequest,
	simulator.ErrNotAllowed: errDenied,
	simulator.ErrInvalid:    errInvalidRequest,
}

// fromCore turns a core error into the NS shape.
func fromCore(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	status := http.StatusInternalServerError // a bug
	if k, ok := coreKind[simulator.CodeOf(err)]; ok {
		status = kindStatus[k]
	}
	return &apiError{Status: status, Message: err.Error()}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.Status, map[string]any{"code": e.Status, "message": e.Message})
}

// accepted is the documented 202 body of the call actions.
func writeAccepted(w http.ResponseWriter) {
	writeJSON(w, http.StatusAccepted, map[string]any{"code": http.StatusAccepted, "message": "Accepted"})
}

// writeDuplicateSubscription answers a subscription that already exists:
// 409 with the vendor's message and, as documented, no code field.
func writeDuplicateSubscription(w http.ResponseWriter) {
	writeJSON(w, http.StatusConflict, object{{"message", msgDuplicateSubscription}})
}
