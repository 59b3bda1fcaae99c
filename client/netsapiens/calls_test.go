package netsapiens

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// recorder answers every request with status and body and keeps what it got.
type recorder struct {
	status int
	body   string
	got    []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.got = append(r.got, fmt.Sprintf("%s %s %s", req.Method, req.URL.EscapedPath(), b))
	w.WriteHeader(r.status)
	_, _ = io.WriteString(w, r.body)
}

// Source: reference/netsapiens.md §2 table and §8.1: PATCH for hold,
// unhold, transfer and answer; DELETE for disconnect and /reject.
func TestCallActionsUseTheDocumentedVerbsAndPaths(t *testing.T) {
	cases := []struct {
		name string
		call func(*Client, context.Context) error
		want string
	}{
		{"hold", func(c *Client, ctx context.Context) error { return c.Hold(ctx, "1000", "t1") }, "PATCH /ns-api/v2/domains/TEST/users/1000/calls/t1/hold "},
		{"unhold", func(c *Client, ctx context.Context) error { return c.Unhold(ctx, "1000", "t1") }, "PATCH /ns-api/v2/domains/TEST/users/1000/calls/t1/unhold "},
		{"answer", func(c *Client, ctx context.Context) error { return c.Answer(ctx, "1010", "t2", "") }, "PATCH /ns-api/v2/domains/TEST/users/1010/calls/t2/answer "},
		{"answer on device", func(c *Client, ctx context.Context) error { return c.Answer(ctx, "1010", "t2", "sip:1010wp@TEST") },
			`PATCH /ns-api/v2/domains/TEST/users/1010/calls/t2/answer {"destination":"sip:1010wp@TEST"}`},
		{"reject", func(c *Client, ctx context.Context) error { return c.Reject(ctx, "1010", "t2") }, "DELETE /ns-api/v2/domains/TEST/users/1010/calls/t2/reject "},
		{"disconnect", func(c *Client, ctx context.Context) error { return c.Disconnect(ctx, "1000", "t1") }, "DELETE /ns-api/v2/domains/TEST/users/1000/calls/t1 "},
		{"blind transfer", func(c *Client, ctx context.Context) error { return c.BlindTransfer(ctx, "1000", "o1", "1010") },
			`PATCH /ns-api/v2/domains/TEST/users/1000/calls/o1/transfer {"call-term-user":"1010"}`},
		{"attended transfer", func(c *Client, ctx context.Context) error {
			return c.TransferAttended(ctx, "1000", "o1", AttendedTransferBody{Hostname: "core1", DestinationSessionID: "202"})
		}, `PATCH /ns-api/v2/domains/TEST/users/1000/calls/o1/transfer {"hostname":"core1","call-destination-session-id":"202"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{status: 202, body: `{"code":202,"message":"Accepted"}`}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			c, _ := New(Config{BaseURL: srv.URL, Domain: "TEST", Auth: APIKey("k")})
			if err := tc.call(c, context.Background()); err != nil {
				t.Fatal(err)
			}
			if len(rec.got) != 1 || rec.got[0] != tc.want {
				t.Errorf("sent %q, want %q", rec.got, tc.want)
			}
		})
	}
}

// Source: SPEC45: disconnect answers 200 {}, reject 202 {}, make call 202 {}.
// Every 2xx with or without a body is success.
func TestEmptyAndObjectSuccessBodies(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
	}{{200, `{}`}, {202, `{}`}, {202, ``}, {204, ``}} {
		rec := &recorder{status: tc.status, body: tc.body}
		srv := httptest.NewServer(rec)
		c, _ := New(Config{BaseURL: srv.URL, Domain: "TEST", Auth: APIKey("k")})
		if err := c.Disconnect(context.Background(), "1000", "x"); err != nil {
			t.Errorf("%d %q: %v", tc.status, tc.body, err)
		}
		call, err := c.MakeCall(context.Background(), "1000", CallRequest{CallID: "c", TermUser: "1010"})
		if err != nil || call != nil {
			t.Errorf("MakeCall on %d %q = %v, %v; want nil call (async), no error", tc.status, tc.body, call, err)
		}
		srv.Close()
	}
}

// Source: §2.1: with synchronous "yes" the server answers 200 with the call.
func TestSynchronousMakeCallReturnsTheCall(t *testing.T) {
	rec := &recorder{status: 200, body: `{"call-session-id":"20260101000000100000","call-orig-call-id":"c1","call-term-user":"1010"}`}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c, _ := New(Config{BaseURL: srv.URL, Domain: "TEST", Auth: APIKey("k")})
	call, err := c.MakeCall(context.Background(), "1000", CallRequest{CallID: "c1", TermUser: "1010", Synchronous: Yes})
	if err != nil || call == nil || call.SessionID != "20260101000000100000" {
		t.Fatalf("MakeCall = %v, %v", call, err)
	}
	var sent map[string]string
	_ = json.Unmarshal([]byte(rec.got[0][len("POST /ns-api/v2/domains/TEST/users/1000/calls "):]), &sent)
	if sent["synchronous"] != "yes" || sent["call-id"] != "c1" || sent["call-term-user"] != "1010" {
		t.Errorf("sent %v", sent)
	}
}

// Source: §1: /count returns {"total": N}; lists are arrays.
func TestCountAndLists(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ns-api/v2/domains/TEST/calls/count", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"total":2}`) })
	mux.HandleFunc("GET /ns-api/v2/domains/TEST/users/1000/calls", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `[{"call-session-id":"1","call-term-user":1000}]`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, _ := New(Config{BaseURL: srv.URL, Domain: "TEST", Auth: APIKey("k")})
	n, err := c.CountCalls(context.Background())
	if err != nil || n != 2 {
		t.Errorf("CountCalls = %d, %v", n, err)
	}
	calls, err := c.UserCalls(context.Background(), "1000")
	if err != nil || len(calls) != 1 || calls[0].TermUser != "1000" {
		t.Errorf("UserCalls = %v, %v", calls, err)
	}
}
