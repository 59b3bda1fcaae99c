package zed

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// errKind is one entry of Zed's error vocabulary: every error body the
// dialect writes is built from one, with the kind's status.
type errKind struct {
	name   string
	status int
}

var (
	errUnauthorized = errKind{"unauthorized", http.StatusUnauthorized}
	errNotFound     = errKind{"not-found", http.StatusNotFound}
	errConflict     = errKind{"conflict", http.StatusConflict}
	errUnavailable  = errKind{"unavailable", http.StatusServiceUnavailable}
)

// zedError is an error of the vocabulary, ready to write.
type zedError struct {
	kind    errKind
	message string
}

func (e zedError) Error() string { return e.kind.name + ": " + e.message }

func refuse(k errKind, format string, args ...any) zedError {
	return zedError{kind: k, message: fmt.Sprintf(format, args...)}
}

// writeError writes {"zedError": {"kind", "message"}} with the kind's
// status; a status without a kind of its own (an injected fault) is
// named by its text.
func writeError(w http.ResponseWriter, e zedError) {
	writeJSON(w, e.kind.status, map[string]any{"zedError": map[string]string{"kind": e.kind.name, "message": e.message}})
}

// kindOf finds the vocabulary's kind for an injected status.
func kindOf(status int) errKind {
	for _, k := range []errKind{errUnauthorized, errNotFound, errConflict, errUnavailable} {
		if k.status == status {
			return k
		}
	}
	return errKind{name: http.StatusText(status), status: status}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
