package steps

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/xfer-conform/xfer-conform/steps/target"
)

// Trace is a scenario's transcript: the HTTP requests its clients made and
// notable observations, newest last, bounded. It is printed around a failed
// step and written to the results bundle. Secrets are masked.
type Trace struct {
	mu    sync.Mutex
	lines []string
	max   int
	start time.Time
}

// NewTrace returns an empty trace keeping the newest max lines.
func NewTrace(max int) *Trace { return &Trace{max: max, start: time.Now()} }

// Addf appends a line.
func (t *Trace) Addf(format string, args ...any) {
	line := target.Redact(fmt.Sprintf(format, args...))
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, fmt.Sprintf("+%-8s %s", time.Since(t.start).Round(time.Millisecond), line))
	if len(t.lines) > t.max {
		t.lines = append(t.lines[:0:0], t.lines[len(t.lines)-t.max:]...)
	}
}

// Lines returns the whole retained transcript.
func (t *Trace) Lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.lines...)
}

// Tail returns the newest n lines.
func (t *Trace) Tail(n int) []string {
	l := t.Lines()
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return l
}

// tracingTransport records each request's method, URL, status and time.
type tracingTransport struct {
	next  http.RoundTripper
	trace *Trace
}

// CloseIdleConnections closes the idle connections of the transport
// underneath (a target closing down asks it).
func (t *tracingTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (t *tracingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Context().Value(quietKey{}) != nil {
		return t.next.RoundTrip(r)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	u := *r.URL
	u.RawQuery = redactQuery(u.Query())
	if err != nil {
		t.trace.Addf("%s %s -> error %v (%s)", r.Method, u.String(), err, time.Since(start).Round(time.Millisecond))
		return nil, err
	}
	t.trace.Addf("%s %s -> %d (%s)", r.Method, u.String(), resp.StatusCode, time.Since(start).Round(time.Millisecond))
	return resp, nil
}

// quietKey marks a context whose requests stay out of the transcript: the
// harness's own background polling (the consult's auto-answer) would
// otherwise crowd out the requests a failure message should show.
type quietKey struct{}

// Quietly returns a context whose requests are not traced.
func Quietly(ctx context.Context) context.Context { return context.WithValue(ctx, quietKey{}, true) }

func redactQuery(q url.Values) string {
	for k := range q {
		lk := strings.ToLower(k)
		if strings.Contains(lk, "token") || lk == "wsc" || strings.Contains(lk, "secret") || lk == "password" {
			q.Set(k, "[redacted]")
		}
	}
	return q.Encode()
}
