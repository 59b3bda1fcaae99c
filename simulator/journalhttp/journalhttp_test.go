package journalhttp_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/journalhttp"
)

// The journal records what a client sent and got (issue 2: method, path,
// body, status, time), names the tenant once known, and never keeps a
// secret: the journal is served over HTTP and ends up in CI reports.
func TestMiddlewareRecordsAndRedacts(t *testing.T) {
	j := simulator.NewJournal(10)
	clk := simulator.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var later func(string)
	h := journalhttp.Middleware(j, "netsapiens", clk)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body) // the handler still sees the whole body
		journalhttp.SetTenant(r, "TEST")
		journalhttp.Note(r, "saw "+string(rune('0'+len(b)%10)))
		later = journalhttp.Deferred(r)
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"code":202,"message":"Accepted"}`))
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()

	resp, err := http.Post(srv.URL+"/tokens?access_token=abc&x=1", "application/json", strings.NewReader(`{"grant_type":"password","password":"hunter2","username":"1000@TEST"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	later("applied 300ms later")
	resp, err = http.Post(srv.URL+"/oauth/token", "application/x-www-form-urlencoded", strings.NewReader("grant_type=password&password=hunter2&client_secret=s"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	es := j.Entries(simulator.JournalFilter{})
	if len(es) != 2 {
		t.Fatalf("%d entries", len(es))
	}
	e := es[0]
	if e.Dialect != "netsapiens" || e.Tenant != "TEST" || e.Method != "POST" || e.Path != "/tokens" || e.Status != 202 || !e.Time.Equal(clk.Now()) {
		t.Errorf("entry = %+v", e)
	}
	if !strings.Contains(e.Response, `"Accepted"`) || !strings.Contains(e.Note, "applied 300ms later") {
		t.Errorf("response %q note %q", e.Response, e.Note)
	}
	for _, e := range es {
		all := e.Query + e.Body
		if strings.Contains(all, "hunter2") || strings.Contains(all, "abc") || strings.Contains(all, "client_secret=s&") {
			t.Errorf("secret kept in journal: query %q body %q", e.Query, e.Body)
		}
	}
	if !strings.Contains(es[0].Body, `"username":"1000@TEST"`) {
		t.Errorf("non-secret field lost: %q", es[0].Body)
	}
}

// The journal is bounded and filters by dialect, method and path.
func TestJournalBoundedAndFiltered(t *testing.T) {
	j := simulator.NewJournal(3)
	for i := 0; i < 5; i++ {
		j.Record(simulator.JournalEntry{Dialect: "ringcentral", Method: "GET", Path: "/restapi/v1.0/x"})
	}
	j.Record(simulator.JournalEntry{Dialect: "netsapiens", Method: "PATCH", Path: "/ns-api/v2/domains/TEST/users/1000/calls/c/hold"})
	if n := len(j.Entries(simulator.JournalFilter{})); n != 3 {
		t.Fatalf("journal kept %d entries, want 3", n)
	}
	if got := j.Entries(simulator.JournalFilter{Method: "patch", PathHas: "/hold"}); len(got) != 1 || got[0].Seq != 6 {
		t.Fatalf("filtered = %+v", got)
	}
}

// Rule: response bodies are redacted at any depth, by key in any case;
// numbers and booleans under a secret-looking key ("code": 202, "refresh":
// true) are not secrets; a body that is not whole JSON is redacted as
// text. Source: issue 10 item 4.
func TestResponsesAreRedacted(t *testing.T) {
	j := simulator.NewJournal(10)
	clk := simulator.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	answers := []string{
		`{"code":202,"message":"Accepted"}`,
		`{"outer":{"Access_Token":"s3cret-a"},"list":[{"refresh":"s3cret-b"}],"refresh":true,"deliveryMode":{"verificationToken":"s3cret-v"}}`,
		`{"token":"s3cret-c","truncated":"` + strings.Repeat("x", 10) + `…(truncated`,
	}
	i := 0
	h := journalhttp.Middleware(j, "netsapiens", clk)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(answers[i]))
	}))
	for i = range answers {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/x", strings.NewReader("token=s3cret-d&user=1000")))
	}
	es := j.Entries(simulator.JournalFilter{})
	if es[0].Response != answers[0] {
		t.Errorf("a body without secrets changed: %q", es[0].Response)
	}
	for _, e := range es {
		if strings.Contains(e.Response+e.Body, "s3cret") {
			t.Errorf("secret kept: response %q body %q", e.Response, e.Body)
		}
	}
	if !strings.Contains(es[1].Response, `"refresh":true`) || !strings.Contains(es[2].Body, "user=1000") {
		t.Errorf("what is not secret was lost: %q %q", es[1].Response, es[2].Body)
	}
}

// Rule: "code" is a secret in a query or form (an OAuth authorization
// code) but a status in JSON: RingCentral's {"status":{"code":"Answered"}}
// stays readable in the journal. Source: issue 10 item 4.
func TestCodeIsASecretOnlyInForms(t *testing.T) {
	j := simulator.NewJournal(10)
	clk := simulator.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	answer := `{"status":{"code":"Answered"},"access_token":"s3cret"}`
	h := journalhttp.Middleware(j, "ringcentral", clk)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(answer))
	}))
	req := httptest.NewRequest("POST", "/restapi/oauth/token?code=c0de-q", strings.NewReader("grant_type=authorization_code&code=c0de-f"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(httptest.NewRecorder(), req)
	e := j.Entries(simulator.JournalFilter{})[0]
	if strings.Contains(e.Query+e.Body+e.Response, "c0de") || strings.Contains(e.Response, "s3cret") {
		t.Errorf("secret kept: query %q body %q response %q", e.Query, e.Body, e.Response)
	}
	if !strings.Contains(e.Response, `"code":"Answered"`) {
		t.Errorf("a status code was redacted: %q", e.Response)
	}
}

// BenchmarkMiddleware is the journal's cost per request: a GET whose
// answer is a telephony-session-sized JSON body with no secret in it, and
// a POST with a small JSON body.
func BenchmarkMiddleware(b *testing.B) {
	answer := []byte(`{"id":"s-1","origin":{"type":"Call"},"parties":[` + strings.Repeat(`{"id":"p-1-1","direction":"Inbound","to":{"phoneNumber":"+16505550101","name":"Alice Example","extensionId":"101"},"from":{"phoneNumber":"+15555550100"},"status":{"code":"Answered","rcc":false},"park":{},"standAlone":false,"muted":false},`, 4) + `{}]}`)
	j := simulator.NewJournal(1000)
	h := journalhttp.Middleware(j, "zed", simulator.RealClock{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		journalhttp.SetTenant(r, "T")
		_, _ = w.Write(answer)
	}))
	w := httptest.NewRecorder()
	b.Run("get", func(b *testing.B) {
		req := httptest.NewRequest("GET", "/zed/sessions/s-1", nil)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			w.Body.Reset()
			h.ServeHTTP(w, req)
		}
	})
	b.Run("post", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			w.Body.Reset()
			req := httptest.NewRequest("POST", "/zed/sessions/s-1/parties/p-1/bridge", strings.NewReader(`{"telephonySessionId":"s-2","partyId":"p-2-1"}`))
			h.ServeHTTP(w, req)
		}
	})
}
