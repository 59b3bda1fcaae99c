package netsapiens

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeNS is a tiny NS API v2 for the client's tests. Like the real switch
// it answers writes with 202 and applies them later: a pending change
// lands only after staleReads more reads, so a client that does not poll
// after a 202 sees stale state and fails.
type fakeNS struct {
	t          *testing.T
	srv        *httptest.Server
	key        string
	core       string
	staleReads int

	mu                  sync.Mutex
	calls               []ActiveCall
	pending             []pendingChange
	log                 []string          // "METHOD escaped-path"
	bodies              map[string][]byte // last body per "METHOD path"
	consultAnswersAfter int               // reads after the consult call appears before 1010 answers; <0 never
	readsSinceConsult   int
	mergeOnTransfer     bool
}

type pendingChange struct {
	readsLeft int
	apply     func()
}

const (
	fakeKey     = "nsd_QLTzfB3v6vVySzayxfEo1adY7n4O0zB2I6NKXEf7taE2IYvcb9ea433f"
	fakeOrigID  = "0_1063160652@198.51.100.7"
	fakeTermID  = "20260101000000100001-8d8a5d555a2bdaa84182cb8f8d613b03"
	fakeSession = "20260101000000100000"
)

func newFakeNS(t *testing.T) *fakeNS {
	f := &fakeNS{t: t, key: fakeKey, core: "core1.example.test", staleReads: 1,
		bodies: map[string][]byte{}, mergeOnTransfer: true}
	// The guide's step 1: +15555555555 called +11111111111, routed to 1000, who answered.
	f.calls = []ActiveCall{{
		CoreServer: Text(f.core), SessionID: fakeSession, OrigCallID: fakeOrigID,
		CallerIDNumber: "15555555555", DialedNumber: "11111111111",
		TermCallID: fakeTermID, TermUser: "1000", TermDomain: "TEST",
		OrigInfo: InfoActive, TermOrigInfo: InfoActive,
	}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ns-api/v2/domains/{d}/calls", f.readCalls)
	mux.HandleFunc("GET /ns-api/v2/domains/{d}/users/{u}/calls", f.readCalls)
	mux.HandleFunc("POST /ns-api/v2/domains/{d}/users/{u}/calls", f.makeCall)
	mux.HandleFunc("PATCH /ns-api/v2/domains/{d}/users/{u}/calls/{id}/hold", f.hold)
	mux.HandleFunc("PATCH /ns-api/v2/domains/{d}/users/{u}/calls/{id}/transfer", f.transfer)
	f.srv = httptest.NewServer(f.authenticate(mux))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeNS) client(t *testing.T) *Client {
	c, err := New(Config{BaseURL: f.srv.URL, Domain: "TEST", Auth: APIKey(f.key),
		HTTPClient: f.srv.Client(), Poll: PollPolicy{Initial: 1, Max: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fakeNS) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.log = append(f.log, r.Method+" "+r.URL.EscapedPath())
		f.bodies[r.Method+" "+r.URL.EscapedPath()] = body
		f.mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		if r.Header.Get("Authorization") != "Bearer "+f.key {
			writeFake(w, 401, map[string]any{"code": 401, "message": "Unauthorized"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeFake(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeNS) later(apply func()) {
	f.pending = append(f.pending, pendingChange{readsLeft: f.staleReads, apply: apply})
}

func (f *fakeNS) readCalls(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var still []pendingChange
	for _, p := range f.pending {
		if p.readsLeft <= 0 {
			p.apply()
			continue
		}
		p.readsLeft--
		still = append(still, p)
	}
	f.pending = still
	for i := range f.calls {
		c := &f.calls[i]
		if c.ByAction == "CallRequest" && c.TermOrigInfo == InfoAlerting && f.consultAnswersAfter >= 0 {
			if f.readsSinceConsult >= f.consultAnswersAfter {
				c.TermOrigInfo = InfoActive
			}
			f.readsSinceConsult++
		}
	}
	out := []ActiveCall{}
	user := r.PathValue("u")
	for _, c := range f.calls {
		if user == "" || c.Involves("", user) {
			out = append(out, c)
		}
	}
	writeFake(w, 200, out)
}

func (f *fakeNS) makeCall(w http.ResponseWriter, r *http.Request) {
	var req map[string]string
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req["call-id"] == "" || req["call-term-user"] == "" {
		writeFake(w, 400, map[string]any{"code": 400, "message": "call-id and call-term-user are required"})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	user := r.PathValue("u")
	f.later(func() {
		f.calls = append(f.calls, ActiveCall{
			CoreServer: Text(f.core), SessionID: "20260101000100100002", OrigCallID: Text(req["call-id"]),
			ByAction: "CallRequest", ByCallID: Text(req["call-id"]), OrigUser: Text(user), OrigDomain: "TEST",
			TermCallID: "20260101000100100003-00000000000000000000000000000001", TermUser: Text(req["call-term-user"]), TermDomain: "TEST",
			OrigInfo: InfoActive, TermOrigInfo: InfoAlerting,
		})
	})
	writeFake(w, 202, map[string]any{})
}

func (f *fakeNS) hold(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, user := r.PathValue("id"), r.PathValue("u")
	f.later(func() {
		for i := range f.calls {
			if string(f.calls[i].TermCallID) == id && string(f.calls[i].TermUser) == user {
				f.calls[i].TermOrigInfo = InfoHeld
			}
		}
	})
	writeFake(w, 202, map[string]any{"code": 202, "message": "Accepted"})
}

func (f *fakeNS) transfer(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeFake(w, 400, map[string]any{"code": 400, "message": "bad JSON"})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id := r.PathValue("id")
	session, _ := body["call-destination-session-id"].(string)
	_, blind := body["call-term-user"]
	if f.mergeOnTransfer && !blind && id == fakeOrigID {
		f.later(func() {
			var consult ActiveCall
			for _, c := range f.calls {
				if string(c.SessionID) == session {
					consult = c
				}
			}
			if consult.SessionID == "" {
				return
			}
			f.calls = []ActiveCall{{
				CoreServer: Text(f.core), SessionID: fakeSession, OrigCallID: fakeOrigID,
				CallerIDNumber: "15555555555", TermCallID: "20260101000200100004-00000000000000000000000000000002",
				TermUser: consult.TermUser, TermDomain: "TEST", OrigInfo: InfoActive, TermOrigInfo: InfoActive,
				ByAction: "transfer",
			}}
		})
	}
	writeFake(w, 202, map[string]any{"code": 202, "message": "Accepted"})
}

// writes returns the logged requests without the reads, so the order
// of writes is easy to compare.
func (f *fakeNS) writes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, l := range f.log {
		if !strings.HasPrefix(l, "GET ") {
			out = append(out, l)
		}
	}
	return out
}

func (f *fakeNS) body(method, path string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var m map[string]any
	if err := json.Unmarshal(f.bodies[method+" "+path], &m); err != nil {
		f.t.Fatalf("body of %s %s: %v (%q)", method, path, err, f.bodies[method+" "+path])
	}
	return m
}

func (f *fakeNS) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprintf("requests=%v calls=%s", f.log, Summarize(f.calls))
}
