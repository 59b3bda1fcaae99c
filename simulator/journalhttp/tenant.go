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
