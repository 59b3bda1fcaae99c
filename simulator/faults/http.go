package faults

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Vendor is what a dialect gives the HTTP middleware: names for its
// requests and its own error shape for injected statuses.
type Vendor interface {
	// Classify names a request's tenant and operation, best effort and
	// without side effects ("" when unknown). It must not read the body.
	Classify(r *http.Request) (tenant, operation string)
	// WriteFault answers an injected status in the vendor's error shape;
	// retryAfter, when positive, goes out as Retry-After.
	WriteFault(w http.ResponseWriter, status int, retryAfter time.Duration, message string)
}

// Route sends the requests under a path prefix to a dialect.
type Route struct {
	Prefix  string
	Dialect string
	Vendor  Vendor
}

// defaultMaxHold bounds a timeout fault when the rule gives no maxHold.
const defaultMaxHold = 2 * time.Minute

// defaultRetryAfter is the Retry-After of an injected 429 without one: a
// minute, the usual penalty interval of a vendor's rate limits.
const defaultRetryAfter = 60 * time.Second

// Middleware applies http rules to the requests of the routed dialects,
// before they reach the dialect (and its request journal). A request a
// fault answers (status, drop, timeout) is journaled here, with a note
// naming the rule. Requests outside every route pass untouched.
func (e *Engine) Middleware(routes []Route) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if e.httpN.Load() == 0 {
				next.ServeHTTP(w, r)
				return
			}
			route, ok := routeOf(routes, r.URL.Path)
			if !ok {
				next.ServeHTTP(w, r)
				return
			}
			tenant, op := route.Vendor.Classify(r)
			s := Subject{Dialect: route.Dialect, Tenant: tenant, Method: r.Method, Path: r.URL.Path, Operation: op}
			fired := e.decide(OnHTTP, s, false, r.Method+" "+r.URL.Path)
			if len(fired) == 0 {
				next.ServeHTTP(w, r)
				return
			}
			var latency time.Duration
			for _, f := range fired {
				latency += f.Latency
			}
			start := time.Now()
			if !e.wait(r, latency) {
				e.journalFault(s, 0, fmt.Sprintf("%s during %s of injected latency (rules %s)", gone(r), latency, ids(fired)))
				if r.Context().Err() == nil {
					dropConnection(w)
				}
				return
			}
			last := fired[len(fired)-1]
			a := last.Action
			switch {
			case a.Status != 0:
				retry := a.RetryAfter.D()
				if retry == 0 && a.Status == http.StatusTooManyRequests {
					retry = defaultRetryAfter
				}
				msg := fmt.Sprintf("%s (pbxsim fault rule %s)", http.StatusText(a.Status), last.Rule)
				route.Vendor.WriteFault(w, a.Status, retry, msg)
				e.journalFault(s, a.Status, fmt.Sprintf("fault %s (injected): answered %d%s%s", last.Rule, a.Status, retryAfterNote(retry), latencyNote(latency)))
			case a.Drop:
				e.journalFault(s, 0, fmt.Sprintf("fault %s (injected): connection closed without an answer%s", last.Rule, latencyNote(latency)))
				dropConnection(w)
			case a.Timeout:
				hold := a.MaxHold.D()
				if hold == 0 {
					hold = defaultMaxHold
				}
				why := "maxHold passed; connection closed"
				if !e.wait(r, hold) {
					why = gone(r)
				}
				e.journalFault(s, 0, fmt.Sprintf("fault %s (injected): held without an answer for %s: %s", last.Rule, time.Since(start).Round(time.Millisecond), why))
				if r.Context().Err() == nil {
					dropConnection(w)
				}
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

func routeOf(routes []Route, path string) (Route, bool) {
	for _, rt := range routes {
		if path == rt.Prefix || strings.HasPrefix(path, strings.TrimSuffix(rt.Prefix, "/")+"/") {
			return rt, true
		}
	}
	return Route{}, false
}

// wait sleeps d of wall-clock time: HTTP latency is network behaviour,
// not simulated time. It reports false if the client went away or the
// engine closed first.
func (e *Engine) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-e.stop:
		return false
	}
}

// gone says why a wait ended early.
func gone(r *http.Request) string {
	if r.Context().Err() != nil {
		return "the client gave up"
	}
	return "pbxsim is shutting down; connection closed"
}

// dropConnection closes the connection without writing a byte.
func dropConnection(w http.ResponseWriter) {
	if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = c.Close()
		return
	}
	panic(http.ErrAbortHandler) // the server closes the connection, unlogged
}

func (e *Engine) journalFault(s Subject, status int, note string) {
	if e.journal == nil {
		return
	}
	e.journal.Record(simulator.JournalEntry{
		Time: e.clock.Now(), Dialect: s.Dialect, Tenant: s.Tenant, Method: s.Method, Path: s.Path,
		Status: status, Note: note,
	})
}

// retryAfterNote names the Retry-After sent, in the header's own words, so
// a judge reading the journal knows how long the client was told to wait.
func retryAfterNote(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return fmt.Sprintf(" with Retry-After: %d", int64((d+time.Second-1)/time.Second))
}

func latencyNote(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return " after " + d.String() + " of injected latency"
}

func ids(fs []Fired) string {
	var b strings.Builder
	for i, f := range fs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.Rule)
	}
	return b.String()
}
