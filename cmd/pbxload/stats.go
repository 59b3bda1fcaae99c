package main

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// stats collects request latencies by route and counts errors.
type stats struct {
	mu        sync.Mutex
	latencies map[string][]time.Duration
	errors    []string
	transfers map[string]int
	// rereads counts the lean driver's session reads that found a phone
	// still ringing and had to read again.
	rereads int
}

func newStats() *stats {
	return &stats{latencies: map[string][]time.Duration{}, transfers: map[string]int{}}
}

func (s *stats) errorf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.errors) < 50 {
		s.errors = append(s.errors, fmt.Sprintf(format, args...))
	} else if len(s.errors) == 50 {
		s.errors = append(s.errors, "… more errors not kept")
	}
}

func (s *stats) reread() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rereads++
}

func (s *stats) transfer(kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.transfers[kind]++
}

// timing is an http.RoundTripper that records each request's latency
// under a route label (method and path with IDs blanked).
type timing struct {
	s    *stats
	next http.RoundTripper
}

func (t timing) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	d := time.Since(start)
	// The label is built on the stack and looked up without a string of
	// its own; only a route's first request makes one for its key.
	var buf [160]byte
	label := appendRouteLabel(buf[:0], r.Method, r.URL.Path)
	t.s.mu.Lock()
	if ds, ok := t.s.latencies[string(label)]; ok {
		t.s.latencies[string(label)] = append(ds, d)
	} else {
		t.s.latencies[string(label)] = []time.Duration{d}
	}
	t.s.mu.Unlock()
	return resp, err
}

// idParent says whether the path segment after s is an ID.
func idParent(s string) bool {
	switch s {
	case "sessions", "parties", "calls", "users", "extension", "account", "domains", "subscription", "subscriptions":
		return true
	}
	return false
}

// routeLabel is the method and the path with its IDs blanked:
// GET /telephony/sessions/s-…/parties/p-…/hold becomes
// "GET /telephony/sessions/*/parties/*/hold".
func routeLabel(method, path string) string {
	return string(appendRouteLabel(make([]byte, 0, len(method)+1+len(path)), method, path))
}

// appendRouteLabel appends routeLabel(method, path) to b, without
// splitting the path: the timing transport labels every request of a
// load run with it.
func appendRouteLabel(b []byte, method, path string) []byte {
	b = append(b, method...)
	b = append(b, ' ')
	prev := ""
	for i, first := 0, true; ; first = false {
		j := strings.IndexByte(path[i:], '/')
		seg := path[i:]
		if j >= 0 {
			seg = path[i : i+j]
		}
		if !first {
			b = append(b, '/')
		}
		if !first && idParent(prev) && seg != "~" && seg != "" && seg != "count" {
			b = append(b, '*')
		} else {
			b = append(b, seg...)
		}
		if j < 0 {
			break
		}
		prev, i = seg, i+j+1
	}
	return b
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(float64(len(ds)-1) * p)
	return ds[i]
}

// table renders throughput and latency per route as Markdown.
func (s *stats) table(elapsed time.Duration) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []time.Duration
	labels := make([]string, 0, len(s.latencies))
	for l, ds := range s.latencies {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		labels = append(labels, l)
		all = append(all, ds...)
	}
	sort.Strings(labels)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	var b strings.Builder
	fmt.Fprintf(&b, "| route | requests | req/s | p50 | p99 |\n|---|---|---|---|---|\n")
	row := func(label string, ds []time.Duration) {
		fmt.Fprintf(&b, "| %s | %d | %.1f | %s | %s |\n", label, len(ds), float64(len(ds))/elapsed.Seconds(),
			percentile(ds, 0.50).Round(10*time.Microsecond), percentile(ds, 0.99).Round(10*time.Microsecond))
	}
	for _, l := range labels {
		row("`"+l+"`", s.latencies[l])
	}
	row("**all**", all)
	return b.String()
}
