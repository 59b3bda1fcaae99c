package proxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// FormatVersion is the version of the recording format; a replayer
// refuses a recording of another version.
const FormatVersion = 1

// Entry kinds, one JSON line each.
const (
	KindSession  = "session"  // the first line: the upstream and the scenario
	KindExchange = "exchange" // one HTTP request and its answer
	KindWSOpen   = "ws-open"  // a notification socket was opened
	KindWSFrame  = "ws-frame" // one WebSocket message
	KindWSClose  = "ws-close" // the socket ended
	KindWebhook  = "webhook"  // a webhook the vendor delivered through the relay, and the integration's answer
)

// Frame directions.
const (
	FromClient = "client"
	FromServer = "server"
)

// Entry is one line of a recording. Seq orders the lines as the proxy saw
// them begin (an exchange counts from its request, so the notifications it
// causes come after it); T is seconds since the session started.
type Entry struct {
	Kind string  `json:"kind"`
	Seq  int     `json:"seq"`
	T    float64 `json:"t"`

	// session
	Version      int    `json:"version,omitempty"`
	Upstream     string `json:"upstream,omitempty"`
	Started      string `json:"started,omitempty"`
	ScenarioFile string `json:"scenarioFile,omitempty"`
	Scenario     string `json:"scenario,omitempty"`

	// exchange
	Request  *Request  `json:"request,omitempty"`
	Response *Response `json:"response,omitempty"`
	Findings []string  `json:"findings,omitempty"`
	Error    string    `json:"error,omitempty"`

	// ws-open, ws-frame, ws-close
	Socket int    `json:"socket,omitempty"`
	Target string `json:"target,omitempty"`
	Query  string `json:"query,omitempty"`
	From   string `json:"from,omitempty"`
	Binary bool   `json:"binary,omitempty"`
	Body
}

// Body is a recorded body: JSON as JSON, anything else (a form, text,
// base64 of a binary frame) as a string. Truncated: only the first bytes
// were kept.
type Body struct {
	JSON      json.RawMessage `json:"json,omitempty"`
	Text      string          `json:"text,omitempty"`
	Truncated bool            `json:"truncated,omitempty"`
}

// Bytes is the body as it was sent (after redaction).
func (b Body) Bytes() []byte {
	if b.JSON != nil {
		return b.JSON
	}
	return []byte(b.Text)
}

// Request is a recorded request. Header holds the selected headers only
// (recordedHeaders), Authorization redacted.
type Request struct {
	Method string            `json:"method"`
	Path   string            `json:"path"`
	Query  string            `json:"query,omitempty"`
	Header map[string]string `json:"header,omitempty"`
	Body
}

// Response is a recorded answer.
type Response struct {
	Status int               `json:"status"`
	Header map[string]string `json:"header,omitempty"`
	Body
}

// SessionInfo describes a recording session: what the proxy stood in
// front of and, for a pbxsim upstream, the scenario it runs (embedded so
// that the replay starts the same world).
type SessionInfo struct {
	Upstream     string
	ScenarioFile string
	Scenario     []byte
}

// Recorder writes one session as JSON lines to one file. It is safe for
// concurrent use; each entry is written whole, at once.
type Recorder struct {
	mu      sync.Mutex
	f       *os.File
	start   time.Time
	seq     int
	sockets int
	err     error
}

// NewRecorder creates dir if needed and a new session file in it,
// session-<UTC time>.jsonl, and writes the session line.
func NewRecorder(dir string, info SessionInfo) (*Recorder, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	now := time.Now().UTC()
	base := "session-" + now.Format("20060102T150405.000Z")
	var f *os.File
	var err error
	for i := 0; i < 100; i++ {
		name := base
		if i > 0 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		f, err = os.OpenFile(filepath.Join(dir, name+".jsonl"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil || !errors.Is(err, os.ErrExist) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	r := &Recorder{f: f, start: now}
	r.write(Entry{Kind: KindSession, Seq: r.next(), Version: FormatVersion, Upstream: info.Upstream,
		Started: now.Format(time.RFC3339Nano), ScenarioFile: info.ScenarioFile, Scenario: string(info.Scenario)})
	return r, r.Err()
}

// Path is the session file's path.
func (r *Recorder) Path() string { return r.f.Name() }

// next hands out the next sequence number.
func (r *Recorder) next() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	return r.seq
}

func (r *Recorder) socket() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sockets++
	return r.sockets
}

func (r *Recorder) since(t time.Time) float64 {
	return float64(t.Sub(r.start).Microseconds()) / 1e6
}

// write appends one entry; the first error is kept (Err) and later
// entries are dropped, so a full disk never stops the traffic.
func (r *Recorder) write(e Entry) {
	if e.T == 0 && e.Kind != KindSession {
		e.T = r.since(time.Now())
	}
	b, err := json.Marshal(e)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return
	}
	if err != nil {
		r.err = err
		return
	}
	if _, err := r.f.Write(append(b, '\n')); err != nil {
		r.err = err
	}
}

// Err is the first error writing the recording.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Close closes the session file.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.f.Close()
	if r.err != nil {
		return r.err
	}
	return err
}

// ReadSession reads one recorded session file, entries in Seq order.
func ReadSession(path string) ([]Entry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseSession(data)
}

// ParseSession parses a recorded session (JSON lines), entries in Seq
// order; the first must be the session line of this FormatVersion.
func ParseSession(data []byte) ([]Entry, error) {
	var out []Entry
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, fmt.Errorf("line %d: %v", i+1, err)
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	if len(out) == 0 || out[0].Kind != KindSession {
		return nil, errors.New("not a recording: the first entry is not a session line")
	}
	if out[0].Version != FormatVersion {
		return nil, fmt.Errorf("recording format version %d, this build reads %d", out[0].Version, FormatVersion)
	}
	return out, nil
}
