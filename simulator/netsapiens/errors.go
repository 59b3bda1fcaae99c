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

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{Status: status, Message: fmt.Sprintf(format, args...)}
}

// Messages the vendor documents word for word (SPEC45 examples).
const (
	msgDomainDenied     = "Domain not found or access denied"
	msgPermissionDenied = "Permission Denied"
	// The 409 body of a duplicate subscription carries no code field.
	msgDuplicateSubscription = "Subscription ID already Exists or matching set of parameters already exists"
)

// coreStatus is the one table from the core's error vocabulary to NS
// statuses. The NS API documents no 409 or 422 for calls; a state that
// forbids the operation is a client mistake (400).
var coreStatus = map[simulator.ErrorCode]int{
	simulator.ErrNotFound:   http.StatusNotFound,
	simulator.ErrWrongState: http.StatusBadRequest,
	simulator.ErrNotAllowed: http.StatusForbidden,
	simulator.ErrInvalid:    http.StatusBadRequest,
}

// fromCore turns a core error into the NS shape.
func fromCore(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	status, ok := coreStatus[simulator.CodeOf(err)]
	if !ok {
		status = http.StatusInternalServerError
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
