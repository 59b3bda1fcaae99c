// Package journalhttp records vendor-API requests into the simulator's
// journal, so the control API (GET /sim/v1/journal) and xfer-conform can
// judge what a client sent: method, path, body, status and time. Secrets
// in queries, request bodies and response bodies are redacted before an
// entry is recorded (redact.go); headers are never recorded.
//
//	r.Use(journalhttp.Middleware(sim.Journal(), "netsapiens", sim.Clock()))
//	// in a handler, once the caller is authenticated:
//	journalhttp.SetTenant(req, "TEST")
//	later := journalhttp.Deferred(req) // annotate after the response
package journalhttp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// MaxRecorded bounds the request and response bytes kept per entry.
const MaxRecorded = 16 << 10

type ctxKey struct{}

type holder struct {
	mu      sync.Mutex
	tenant  string
	notes   []string
	finds   []string
	seq     uint64
	journal *simulator.Journal
}

// Middleware records every request that passes through it.
func Middleware(j *simulator.Journal, dialect string, clock simulator.Clock) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// One allocation for the request's holder, recorder and body.
			x := &exchange{h: holder{journal: j}, rec: recorder{ResponseWriter: w, status: http.StatusOK, body: answers.Get().(*bytes.Buffer)}}
			h, rec := &x.h, &x.rec
			var body []byte
			if r.Body != nil && r.Body != http.NoBody {
				body = readBody(r, 1<<20+1)
				x.body = replayBody{head: body, rest: r.Body}
				r.Body = &x.body
			}
			defer rec.release()
			start := clock.Now()
			next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), ctxKey{}, h)))
			h.mu.Lock()
			e := simulator.JournalEntry{
				Time:     start,
				Dialect:  dialect,
				Tenant:   h.tenant,
				Method:   r.Method,
				Path:     r.URL.Path,
				Query:    redactQuery(r),
				Body:     clip(redactBody(r, body)),
				Status:   rec.status,
				Response: clip(redactResponse(rec.body.Bytes())),
			}
			e.Findings = h.finds
			for i, n := range h.notes {
				if i > 0 {
					e.Note += "; "
				}
				e.Note += n
			}
			h.seq = j.Record(e)
			h.mu.Unlock()
		})
	}
}

// SetTenant names the tenant a request acted for (once it is authenticated).
func SetTenant(r *http.Request, tenant string) {
	if h, ok := r.Context().Value(ctxKey{}).(*holder); ok {
		h.mu.Lock()
		h.tenant = tenant
		h.mu.Unlock()
	}
}

// Note adds a remark to the request's journal entry.
func Note(r *http.Request, note string) {
	if h, ok := r.Context().Value(ctxKey{}).(*holder); ok {
		h.mu.Lock()
		h.notes = append(h.notes, note)
		h.mu.Unlock()
	}
}

// Deferred returns a function that annotates the request's entry after the
// response has gone, e.g. with the outcome of a change applied later.
func Deferred(r *http.Request) func(note string) {
	h, ok := r.Context().Value(ctxKey{}).(*holder)
	if !ok {
		return func(string) {}
	}
	return func(note string) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.seq == 0 {
			h.notes = append(h.notes, note)
			return
		}
		h.journal.Annotate(h.seq, note)
	}
}

func clip(b []byte) string {
	if len(b) > MaxRecorded {
		return string(b[:MaxRecorded]) + "…(truncated)"
	}
	return string(b)
}

// exchange is what the middleware keeps of one request.
type exchange struct {
	h    holder
	rec  recorder
	body replayBody
}

// readBody reads at most limit bytes of the request's body, into one
// buffer of its announced length when it has one (io.ReadAll grows its
// buffer from 512 bytes, copying each time). A read error ends the body
// where it came, as io.ReadAll's did.
func readBody(r *http.Request, limit int64) []byte {
	n := r.ContentLength
	if n < 0 || n >= limit {
		b, _ := io.ReadAll(io.LimitReader(r.Body, limit))
		return b
	}
	b := make([]byte, 0, n+1) // one byte more: EOF is read without growing
	for {
		m, err := r.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err != nil {
			return b
		}
		if len(b) == cap(b) { // longer than announced: read on as io.ReadAll does
			rest, _ := io.ReadAll(io.LimitReader(r.Body, limit-int64(len(b))))
			return append(b, rest...)
		}
	}
}

// replayBody gives the handler the body the journal read, then the rest
// (beyond what the journal keeps); like io.NopCloser, closing it does
// nothing: the server closes the request's body.
type replayBody struct {
	head []byte
	rest io.Reader
}

func (b *replayBody) Read(p []byte) (int, error) {
	if len(b.head) > 0 {
		n := copy(p, b.head)
		b.head = b.head[n:]
		return n, nil
	}
	return b.rest.Read(p)
}

func (b *replayBody) Close() error { return nil }

// answers are the recorders' buffers of answer bodies, reused: every
// request's answer is copied into one (issue 16).
var answers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

type recorder struct {
	http.ResponseWriter
	status int
	body   *bytes.Buffer
	wrote  bool
}

// release returns the body's buffer once the entry holds its own copy;
// a buffer grown for a large answer is left to the collector.
func (r *recorder) release() {
	if r.body.Cap() <= 4*MaxRecorded {
		r.body.Reset()
		answers.Put(r.body)
	}
	r.body = nil
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status = code
		r.wrote = true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	if r.body.Len() < MaxRecorded {
		r.body.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

// Hijack lets WebSocket upgrades pass through the recorder.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("journalhttp: response writer cannot be hijacked")
	}
	r.status = http.StatusSwitchingProtocols
	return hj.Hijack()
}

// Flush passes flushes through.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
