package steps

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
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
	line := Redact(fmt.Sprintf(format, args...))
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

var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`ns[sdru]_[A-Za-z0-9]{56}`),
	regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+`),
	// A key=value or "key": value pair; the key must start a word (not
	// follow a "/", so ".../oauth/token: 401" keeps its status).
	regexp.MustCompile(`(?i)((?:^|[\s"'&?{,(])(?:access_token|refresh_token|ws_access_token|assertion|password|client_secret|wsc|token)["']?\s*[=:]\s*["']?)[^"'&\s,}]+`),
}

// Redact masks API keys, bearer tokens, passwords and the like.
func Redact(s string) string {
	for _, p := range secretPatterns {
		s = p.ReplaceAllStringFunc(s, func(m string) string {
			sub := p.FindStringSubmatch(m)
			if len(sub) > 1 {
				return sub[1] + "[redacted]"
			}
			return m[:4] + "[redacted]"
		})
	}
	return s
}

// tracingTransport records each request's method, URL, status and time.
type tracingTransport struct {
	next  http.RoundTripper
	trace *Trace
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

// quietly returns a context whose requests are not traced.
func quietly(ctx context.Context) context.Context { return context.WithValue(ctx, quietKey{}, true) }

func redactQuery(q url.Values) string {
	for k := range q {
		lk := strings.ToLower(k)
		if strings.Contains(lk, "token") || lk == "wsc" || strings.Contains(lk, "secret") || lk == "password" {
			q.Set(k, "[redacted]")
		}
	}
	return q.Encode()
}
