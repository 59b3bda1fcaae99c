// Package metrics serves pbxsim's Prometheus metrics (the text format,
// built with the official client library): requests by route and status,
// latency histograms, and gauges read from the running simulator (active
// calls, tenants, sockets, subscriptions, dropped subscribers, journal
// and event-log bytes). It owns no state of its own besides the request
// counters; every gauge is read when scraped.
//
//	m := metrics.New(source)
//	router.Use(m.Middleware)                // after routing: labels are route templates
//	router.Handle("/sim/v1/metrics", m.Handler())
package metrics

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Source is what the metrics read from pbxsim at scrape time. Every
// method must be safe to call concurrently with requests.
type Source interface {
	// ActiveCalls is the number of calls not yet ended.
	ActiveCalls() int
	// Tenants is the number of tenants of every dialect.
	Tenants() int
	// Stats are the dialects' counters and gauges by name,
	// "<dialect>.<stat>"; Gauges says which are published.
	Stats() map[string]int64
	// Gauges are the dialects' stats to publish, each dialect declaring
	// its own.
	Gauges() []Gauge
	// JournalBytes and EventLogBytes are the retained bytes of the request
	// journal and of the event log.
	JournalBytes() int64
	EventLogBytes() int64
}

// Gauge publishes one of a dialect's Stats as a metric. A name missing
// from Stats reads 0.
type Gauge struct {
	// Stat is the Stats name ("<dialect>.<stat>"), Metric the metric's
	// name (pbxsim_<dialect>_...), Help its help text.
	Stat, Metric, Help string
	// Counter publishes a count that only grows (a _total metric).
	Counter bool
}

// Metrics holds the registry and the request instruments.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// series caches the instruments of each (route, method, status) seen:
	// WithLabelValues hashes its labels and takes the vector's lock on
	// every call, twice a request (issue 16). Its keys are as bounded as
	// the label values: route templates, known methods, statuses.
	series sync.Map // seriesKey -> *series
}

type seriesKey struct {
	route, method string
	status        int
}

// series are the instruments one request of a key counts into.
type series struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

// New registers pbxsim's metrics, reading gauges from src, plus the Go
// runtime's and the process's collectors.
func New(src Source) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pbxsim_http_requests_total", Help: "HTTP requests answered, by route template, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "pbxsim_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route template and method.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "method"}),
	}
	m.reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	gauge := func(name, help string, f func() float64) {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
	}
	gauge("pbxsim_active_calls", "Calls not yet ended.", func() float64 { return float64(src.ActiveCalls()) })
	gauge("pbxsim_tenants", "Tenants loaded, of every dialect.", func() float64 { return float64(src.Tenants()) })
	gauge("pbxsim_journal_bytes", "Bytes retained by the request journal.", func() float64 { return float64(src.JournalBytes()) })
	gauge("pbxsim_event_log_bytes", "Bytes retained by the event log.", func() float64 { return float64(src.EventLogBytes()) })
	for _, g := range src.Gauges() {
		stat := g.Stat
		read := func() float64 { return float64(src.Stats()[stat]) }
		if g.Counter {
			m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: g.Metric, Help: g.Help}, read))
		} else {
			gauge(g.Metric, g.Help, read)
		}
	}
	return m
}

// Handler serves the metrics in Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Middleware counts and times each request under its route template
// ("/restapi/v1.0/account/{accountId}/telephony/sessions/{telephonySessionId}"),
// so label values stay few whatever IDs clients send. Mount it with
// Router.Use: it runs after routing. Requests no route matched are
// counted through Unmatched.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route := "unmatched"
		if cr := mux.CurrentRoute(r); cr != nil {
			if t, err := cr.GetPathTemplate(); err == nil {
				route = t
			}
		}
		m.observe(route, w, r, next)
	})
}

// Unmatched wraps a router's NotFoundHandler, so 404s of no route are
// counted too (under route "unmatched").
func (m *Metrics) Unmatched(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { m.observe("unmatched", w, r, next) })
}

func (m *Metrics) observe(route string, w http.ResponseWriter, r *http.Request, next http.Handler) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	next.ServeHTTP(sw, r)
	s := m.seriesOf(seriesKey{route: route, method: knownMethod(r.Method), status: sw.status})
	s.requests.Inc()
	if !sw.hijacked { // a WebSocket's lifetime is no answer time
		s.latency.Observe(time.Since(start).Seconds())
	}
}

// seriesOf returns the cached instruments of k, making them on first use.
func (m *Metrics) seriesOf(k seriesKey) *series {
	if s, ok := m.series.Load(k); ok {
		return s.(*series)
	}
	s := &series{
		requests: m.requests.WithLabelValues(k.route, k.method, strconv.Itoa(k.status)),
		latency:  m.latency.WithLabelValues(k.route, k.method),
	}
	got, _ := m.series.LoadOrStore(k, s)
	return got.(*series)
}

// knownMethod keeps the method label bounded: a client may send any token.
func knownMethod(m string) string {
	switch m { // the usual spelling, without upper-casing it first
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions:
		return m
	}
	switch strings.ToUpper(m) {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions:
		return strings.ToUpper(m)
	}
	return "other"
}

// statusWriter notes the status; it passes Hijack (WebSocket upgrades)
// and Flush through, and the rest through Unwrap for
// http.ResponseController.
type statusWriter struct {
	http.ResponseWriter
	status   int
	wrote    bool
	hijacked bool
}

func (s *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("metrics: response writer cannot be hijacked")
	}
	s.status, s.wrote, s.hijacked = http.StatusSwitchingProtocols, true, true
	return hj.Hijack()
}

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
