package netsapiens

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Source: reference/netsapiens.md §6.2: a call-model post is a JSON array of
// legacy underscore objects; the last post of a call carries remove "yes".
func TestWebhookReceiverTakesArraysOfCallObjects(t *testing.T) {
	r := NewWebhookReceiver()
	srv := httptest.NewServer(r)
	defer srv.Close()
	post := func(body string) int {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := post(`[{"hostname":"core1","sessionId":"20260101000000100000","orig_callid":"0_1@198.51.100.7","term_user":"1000","term_call_info":"alerting","time_answer":"0000-00-00 00:00:00"}]`); s != 200 {
		t.Fatalf("status %d", s)
	}
	if s := post(`[{"session_id":"20260101000000100000","term_user":1000,"term_call_info":"active"},{"sessionId":"20260101000000100000","remove":"yes"}]`); s != 200 {
		t.Fatalf("status %d", s)
	}
	if s := post(`not json`); s != 400 {
		t.Errorf("garbage answered %d, want 400", s)
	}
	ev := r.Events()
	if len(ev) != 3 || len(r.Deliveries()) != 2 {
		t.Fatalf("events=%v deliveries=%d", ev, len(r.Deliveries()))
	}
	if ev[0].TermCallInfo != InfoAlerting || ev[1].SessionID != "20260101000000100000" || ev[1].TermUser != "1000" || !ev[2].Removed() || ev[0].Removed() {
		t.Errorf("decoded %v", ev)
	}
	if ev[0].Raw["time_answer"] != "0000-00-00 00:00:00" {
		t.Errorf("Raw lost fields: %v", ev[0].Raw)
	}
	if len(r.Rejected()) != 1 {
		t.Errorf("rejected = %v", r.Rejected())
	}
}

// Await wakes on a delivery and, on time-out, lists what arrived.
func TestWebhookAwait(t *testing.T) {
	r := NewWebhookReceiver()
	srv := httptest.NewServer(r)
	defer srv.Close()
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done <- r.Await(ctx, "remove", func(ev []CallEvent) bool {
			return len(ev) > 0 && ev[len(ev)-1].Removed()
		})
	}()
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`[{"sessionId":"1","remove":"yes"}]`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = r.Await(ctx, "a second call", func(ev []CallEvent) bool { return len(ev) > 1 })
	var te *TimeoutError
	if !errors.As(err, &te) || len(te.Observed) != 1 || !strings.Contains(err.Error(), "remove=yes") {
		t.Errorf("want a time-out listing the one event, got %v", err)
	}
}
