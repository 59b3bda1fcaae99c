package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/mux"
)

type fakeSource struct{}

func (fakeSource) ActiveCalls() int     { return 3 }
func (fakeSource) Tenants() int         { return 2 }
func (fakeSource) JournalBytes() int64  { return 4096 }
func (fakeSource) EventLogBytes() int64 { return 512 }
func (fakeSource) Gauges() []Gauge {
	return []Gauge{
		{Stat: "zed.sockets", Metric: "pbxsim_zed_websockets", Help: "Sockets open."},
		{Stat: "zed.subscriptions", Metric: "pbxsim_zed_subscriptions", Help: "Subscriptions held."},
		{Stat: "zed.slowSocketsClosed", Metric: "pbxsim_zed_slow_sockets_closed_total", Help: "Slow sockets closed.", Counter: true},
		{Stat: "zed.unset", Metric: "pbxsim_zed_unset", Help: "A stat the source does not report."},
	}
}
func (fakeSource) Stats() map[string]int64 {
	return map[string]int64{"zed.sockets": 5, "zed.subscriptions": 7, "zed.slowSocketsClosed": 1}
}

func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// Rule: requests are counted by route template (not by raw path, so IDs
// do not multiply label values), method and status, and timed; unmatched
// requests count under "unmatched"; gauges read the source when scraped,
// and each dialect's declared stats are published.
// Source: issue 16 item 5.
func TestRequestsAreCountedByRouteTemplateAndGaugesReadTheSource(t *testing.T) {
	m := New(fakeSource{})
	r := mux.NewRouter()
	r.Use(m.Middleware)
	r.HandleFunc("/calls/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	r.NotFoundHandler = m.Unmatched(http.NotFoundHandler())
	for _, p := range []string{"/calls/a", "/calls/b", "/nowhere"} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	odd := httptest.NewRequest("GET", "/calls/c", nil)
	odd.Method = "BREW" // any token a client sends
	r.ServeHTTP(httptest.NewRecorder(), odd)
	out := scrape(t, m.Handler())
	for _, want := range []string{
		`pbxsim_http_requests_total{method="GET",route="/calls/{id}",status="418"} 2`,
		`pbxsim_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`pbxsim_http_requests_total{method="other",route="/calls/{id}",status="418"} 1`,
		`pbxsim_http_request_duration_seconds_count{method="GET",route="/calls/{id}"} 2`,
		"pbxsim_active_calls 3", "pbxsim_tenants 2", "pbxsim_journal_bytes 4096", "pbxsim_event_log_bytes 512",
		"pbxsim_zed_websockets 5", "pbxsim_zed_subscriptions 7", "pbxsim_zed_slow_sockets_closed_total 1",
		"pbxsim_zed_unset 0", "go_goroutines ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(out, "/calls/a") {
		t.Errorf("a raw path became a label value:\n%s", out)
	}
}

// BenchmarkMiddleware is the metrics middleware's own cost per request:
// the same routed request with and without it.
func BenchmarkMiddleware(b *testing.B) {
	ok := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }
	for _, bc := range []struct {
		name    string
		counted bool
	}{{"bare", false}, {"counted", true}} {
		b.Run(bc.name, func(b *testing.B) {
			r := mux.NewRouter()
			if bc.counted {
				r.Use(New(fakeSource{}).Middleware)
			}
			r.HandleFunc("/calls/{id}", ok)
			req := httptest.NewRequest("GET", "/calls/c-1", nil)
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r.ServeHTTP(w, req)
			}
		})
	}
}
