package journalhttp

import "net/http"

// Tenant returns the tenant SetTenant named for the request, or "".
func Tenant(r *http.Request) string {
	if h, ok := r.Context().Value(ctxKey{}).(*holder); ok {
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.tenant
	}
	return ""
}

// Finding adds a contract finding to the request's journal entry
// (JournalEntry.Findings): what the request got wrong, kept apart from
// the notes of what happened.
func Finding(r *http.Request, finding string) {
	if h, ok := r.Context().Value(ctxKey{}).(*holder); ok {
		h.mu.Lock()
		h.finds = append(h.finds, finding)
		h.mu.Unlock()
	}
}
