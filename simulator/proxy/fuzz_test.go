package proxy

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator/contract"
	"github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
)

// Rule: recording a hostile body never panics and always yields an entry
// that encodes as JSON.
// Source: DESIGN.md (every input is hostile); issue 15 item 3 (secrets
// redacted).
func FuzzRecordBody(f *testing.F) {
	f.Add("application/json", []byte(`{"password":"hunter2-secret","a":[{"access_token":"tok-secret"}]}`))
	f.Add("application/x-www-form-urlencoded", []byte("grant_type=password&password=hunter2-secret"))
	f.Add("", []byte(`[{"type":"ClientRequest","wsc":{"token":"tok-secret"}},{"x":"\xff"}]`))
	f.Add("text/plain", []byte(`"password": "hunter2-secret`))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		var s secrets
		b := s.body(contentType, body, false)
		if _, err := json.Marshal(Entry{Kind: KindExchange, Body: b}); err != nil {
			t.Fatalf("the recorded body does not encode: %v", err)
		}
	})
}

// Rule: the proxy never panics on a hostile request: any method, path,
// header value and body is forwarded or refused with an HTTP answer.
// Source: DESIGN.md ("no goroutine that handles input may take the
// process down").
func FuzzProxyRequest(f *testing.F) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/oauth/wstoken") {
			_, _ = io.WriteString(w, `{"uri":"ws://`+r.Host+`/ws","ws_access_token":"x"}`)
			return
		}
		_, _ = w.Write([]byte(r.URL.RawQuery))
	}))
	defer up.Close()
	u, _ := url.Parse(up.URL)
	rec, err := NewRecorder(f.TempDir(), SessionInfo{Upstream: up.URL})
	if err != nil {
		f.Fatal(err)
	}
	defer rec.Close()
	p, err := New(Config{Upstream: u, Recorder: rec, MaxBody: 256,
		Matchers: []contract.Matcher{ringcentral.MatchContract, netsapiens.MatchContract}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("POST", "/restapi/v1.0/account/~/telephony/sessions/s-1/parties/p-1-1/bridge", "Bearer x", []byte(`{"telephonySessionId":"p-1-1"}`))
	f.Add("PATCH", "/ns-api/v2/domains/TEST/users/1000/calls/x/transfer", "Basic !!", []byte(`{"call-term-user":1}`))
	f.Add("POST", "/restapi/oauth/wstoken", "", []byte{})
	f.Add("GET", "/.pbxsim-proxy/ws", "Basic "+"YTpi", []byte("x"))
	f.Fuzz(func(t *testing.T, method, path, auth string, body []byte) {
		req := httptest.NewRequest(http.MethodGet, "/", bytes.NewReader(body))
		req.Method = method
		req.URL = &url.URL{Path: path, RawQuery: "access_token=" + auth}
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		p.ServeHTTP(w, req)
		if w.Code == 0 {
			t.Fatal("no answer")
		}
	})
}

// Rule: a recording never keeps a secret: secret fields of JSON bodies
// (at any depth), forms, queries and frames become [redacted#N], the same
// N for the same secret; Authorization keeps its scheme and Basic its
// user; a URL keeps no user:password.
// Source: issue 15 item 3 ("secrets redacted"); simulator/journalhttp
// (the journal's list of secret fields).
func TestRecordingRedactsSecrets(t *testing.T) {
	var s secrets
	for _, tc := range []struct {
		contentType, body, want string
	}{
		{"application/json", `{"a":{"access_token":"T1"},"b":[{"password":"P"}],"c":"http://u:pw@h/x"}`,
			`{"a":{"access_token":"[redacted#1]"},"b":[{"password":"[redacted#2]"}],"c":"http://h/x"}`},
		{"application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=T1",
			"grant_type=refresh_token&refresh_token=%5Bredacted%231%5D"},
		{"", `[{"wsc":{"token":"W"}},{}]`, `[{"wsc":{"token":"[redacted#3]"}},{}]`},
		{"text/plain", `oops "client_secret": "S`, `oops "client_secret": "[redacted]"`},
		{"application/json", `{"code":"Answered","status":{"code":200}}`, `{"code":"Answered","status":{"code":200}}`},
	} {
		if got := string(s.body(tc.contentType, []byte(tc.body), false).Bytes()); got != tc.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tc.contentType, tc.body, got, tc.want)
		}
	}
	if got := s.values("access_token=T1&x=1"); got != "access_token=%5Bredacted%231%5D&x=1" {
		t.Errorf("query: %s", got)
	}
	if got := s.authorization("Bearer T1"); got != "Bearer [redacted#1]" {
		t.Errorf("bearer: %s", got)
	}
	if got := s.authorization("Basic cGJ4c2ltLWNsaWVudDpwYnhzaW0tc2VjcmV0"); got != "Basic pbxsim-client:[redacted#4]" {
		t.Errorf("basic: %s", got)
	}
}
