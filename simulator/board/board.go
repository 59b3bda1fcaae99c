package board

import (
	"crypto/subtle"
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/control"
)

// Prefix is where the board lives; the control API is under Prefix+"v1".
const Prefix = "/sim/"

// CookieName is the cookie that carries the control token for a browser.
const CookieName = "pbxsim_control_token"

//go:embed assets
var assets embed.FS

// Options configure the board.
type Options struct {
	// Token is the control token; when set the board needs it, like the
	// control API: as "Authorization: Bearer <token>", the cookie
	// CookieName, or once as the query parameter ?token=.
	Token string
	// Limits bound what a browser is sent; zero fields take the defaults.
	Limits Limits
}

// Limits bound the board's snapshot and stream.
type Limits struct {
	// Calls is how many calls a snapshot holds at most (active first, then
	// the newest ended); default 200.
	Calls int
	// Feed is how many events and journal entries a snapshot holds at
	// most, each; default 200.
	Feed int
	// Queue is the length of a browser's event queue; a browser that
	// lets it fill is dropped and resynchronised; default 256.
	Queue int
	// JournalPoll is how often the stream looks for new journal entries;
	// default 100ms.
	JournalPoll time.Duration
	// JournalBatch is how many journal entries one poll sends at most;
	// more means the browser fell behind and gets a snapshot; default 200.
	JournalBatch int
	// BodyBytes clips each journal entry's request and response body;
	// default 1024.
	BodyBytes int
	// WriteTimeout is how long one write to a browser may take before
	// the stream is closed (the browser reconnects); default 10s.
	WriteTimeout time.Duration
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.Calls, 200)
	def(&l.Feed, 200)
	def(&l.Queue, 256)
	def(&l.JournalBatch, 200)
	def(&l.BodyBytes, 1024)
	if l.JournalPoll <= 0 {
		l.JournalPoll = 100 * time.Millisecond
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = 10 * time.Second
	}
	return l
}

// Board serves the call board.
type Board struct {
	sim    *simulator.Sim
	opts   Options
	limits Limits
	static http.Handler

	// done ends every stream: a stream never ends by itself, and the
	// server's graceful shutdown waits for requests in flight.
	done     chan struct{}
	doneOnce sync.Once
}

// New returns the board over sim.
func New(sim *simulator.Sim, opts Options) *Board {
	sub, _ := fs.Sub(assets, "assets")
	return &Board{sim: sim, opts: opts, limits: opts.Limits.withDefaults(), static: http.FileServer(http.FS(sub)), done: make(chan struct{})}
}

// GoingAway ends every stream when the server begins to shut down, so the
// shutdown need not wait for browsers.
func (b *Board) GoingAway() { b.doneOnce.Do(func() { close(b.done) }) }

// Close ends every stream; the board serves no new ones.
func (b *Board) Close() { b.GoingAway() }

// Mount adds the board's routes to r. Mount it after the control API, so
// /sim/v1 stays the control API's.
func (b *Board) Mount(r *mux.Router) {
	r.Handle(strings.TrimSuffix(Prefix, "/"), http.RedirectHandler(Prefix, http.StatusMovedPermanently)).Methods(http.MethodGet, http.MethodHead)
	s := r.PathPrefix(strings.TrimSuffix(Prefix, "/")).Subrouter()
	s.Use(b.browserToken, control.RequireToken(b.opts.Token), securityHeaders)
	s.HandleFunc("/", b.page).Methods(http.MethodGet, http.MethodHead)
	s.HandleFunc("/state", b.state).Methods(http.MethodGet)
	s.HandleFunc("/stream", b.stream).Methods(http.MethodGet)
	s.PathPrefix("/assets/").Handler(http.StripPrefix(Prefix+"assets/", b.static)).Methods(http.MethodGet, http.MethodHead)
}

func (b *Board) page(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Has("token") {
		// The token has become a cookie (browserToken); drop it from the
		// address bar and the history.
		q := r.URL.Query()
		q.Del("token")
		u := url.URL{Path: Prefix, RawQuery: q.Encode()}
		http.Redirect(w, r, u.String(), http.StatusSeeOther)
		return
	}
	page, err := assets.ReadFile("assets/index.html")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(page)
}

// browserToken lets a browser, which cannot set an Authorization header on
// a page load or an EventSource, present the control token as the query
// parameter ?token= (once; it becomes a cookie) or the cookie. Either is
// turned into the header the control API's own check reads.
func (b *Board) browserToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b.opts.Token == "" || r.Header.Get("Authorization") != "" {
			next.ServeHTTP(w, r)
			return
		}
		if tok := r.URL.Query().Get("token"); tok != "" {
			r.Header.Set("Authorization", "Bearer "+tok)
			if subtle.ConstantTimeCompare([]byte(tok), []byte(b.opts.Token)) == 1 {
				http.SetCookie(w, &http.Cookie{Name: CookieName, Value: tok, Path: Prefix, HttpOnly: true, SameSite: http.SameSiteStrictMode})
			}
		} else if c, err := r.Cookie(CookieName); err == nil {
			r.Header.Set("Authorization", "Bearer "+c.Value)
		}
		next.ServeHTTP(w, r)
	})
}

// securityHeaders keep the page to its own assets: no script, style,
// image or connection from anywhere else.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

func (b *Board) state(w http.ResponseWriter, r *http.Request) {
	tenant := r.URL.Query().Get("tenant")
	if !b.knownTenant(w, tenant) {
		return
	}
	writeJSON(w, http.StatusOK, b.snapshot(tenant, ""))
}

// knownTenant answers 404 for a tenant filter naming no tenant.
func (b *Board) knownTenant(w http.ResponseWriter, tenant string) bool {
	if tenant == "" {
		return true
	}
	if _, ok := b.sim.Tenant(tenant); ok {
		return true
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]string{
		"code": "not_found", "message": "no tenant " + quote(tenant) + " (an RC account id or NS domain of the scenario)",
	}})
	return false
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// clip bounds a recorded body for the browser.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(c byte) bool { return c&0xC0 != 0x80 }

// touches reports whether a call has a leg of tenant.
func touches(c simulator.Call, tenant string) bool {
	for _, l := range c.Legs {
		if l.Endpoint.TenantID == tenant {
			return true
		}
	}
	return false
}
