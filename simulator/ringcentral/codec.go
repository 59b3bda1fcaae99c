package ringcentral

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
)

// The JSON codec of the REST API: responses (writeJSON) and request bodies
// (limitBody, decodeJSON).

func writeJSON(w http.ResponseWriter, status int, v any) {
	if a, ok := v.(jsonAppender); ok { // render_json.go: the hot shapes, without reflection
		writeRendered(w, status, a.appendJSON)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<access_token>" reads better than "\u003caccess_token\u003e"
	err := enc.Encode(v)
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if err != nil {
		status = http.StatusInternalServerError
		b = renderFailure
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeRendered answers status with the JSON body render appends. The
// body is built in a pooled buffer: every writer between here and the
// connection copies what it is given (the server's buffered writer, the
// journal's and the socket's recorders), so the buffer is free again once
// Write returns.
func writeRendered(w http.ResponseWriter, status int, render func([]byte) []byte) {
	buf := answerBuffers.Get().(*[]byte)
	b := render((*buf)[:0])
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	_, _ = w.Write(b)
	if cap(b) <= maxPooledAnswer {
		*buf = b
		answerBuffers.Put(buf)
	}
}

// jsonContentType is every JSON answer's Content-Type, as Header.Set
// would store it: one shared value, full to capacity, so an Add appends
// to a copy and nothing writes into it.
var jsonContentType = []string{"application/json; charset=UTF-8"}

var answerBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// maxPooledAnswer keeps a rare large answer (a long call log) from
// staying in the pool.
const maxPooledAnswer = 64 << 10

// limitBody caps request bodies at 1 MiB; readers see an error past it,
// which decodeJSON reports as 413.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		next.ServeHTTP(w, r)
	})
}

const maxBody = 1 << 20

// decodeJSON reads an optional JSON body into v. An empty body leaves v
// untouched; a body must be JSON (415 otherwise) and parse (400 CMN-103).
func decodeJSON(r *http.Request, v any) (present bool, err error) {
	var raw []byte
	if r.Body != nil {
		// The body is read into a pooled buffer: nothing keeps it once
		// decodeJSON returns (the contract check and json.Unmarshal copy
		// what they keep).
		buf := bodyBuffers.Get().(*bytes.Buffer)
		defer putBodyBuffer(buf)
		_, err := buf.ReadFrom(r.Body)
		raw = buf.Bytes()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return false, refuse(errTooLarge, "the body exceeds 1048576 bytes")
			}
			return false, refuse(errBadJSON, err.Error())
		}
	}
	text := bytes.TrimSpace(raw) // read once, not copied
	if len(text) == 0 {
		return false, nil
	}
	mediaType, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	ct := strings.ToLower(strings.TrimSpace(mediaType))
	if ct != "application/json" && !strings.HasSuffix(ct, "+json") {
		return false, refuse(errMediaType, "the body must be sent as Content-Type: application/json, not "+quoteOrNone(ct))
	}
	if text[0] != '{' {
		// Every request body of the API is an object; json.Unmarshal would
		// take null as "no fields" and act (test/hostile found a hold with
		// body null going through).
		return true, refuse(errBadJSON, "The body must be a JSON object")
	}
	if err := checkContract(r, text); err != nil {
		return true, err
	}
	if err := json.Unmarshal(text, v); err != nil {
		return true, refuse(errBadJSON, err.Error())
	}
	return true, nil
}

var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putBodyBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledAnswer {
		b.Reset()
		bodyBuffers.Put(b)
	}
}

func quoteOrNone(s string) string {
	if s == "" {
		return "none"
	}
	return `"` + s + `"`
}
