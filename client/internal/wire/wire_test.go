package wire

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// Rule: ReadBody reads what io.ReadAll of the limited body reads, whether
// the length is announced, unknown, wrong, or the body comes a byte at a
// time. Source: issue 16 (cheaper reads, the same answers).
func TestReadBodyReadsWhatReadAllReads(t *testing.T) {
	for _, body := range []string{"", "x", `{"id":"s-1"}`, strings.Repeat("ab", 700)} {
		for _, announced := range []int64{-1, int64(len(body)), int64(len(body)) / 2, int64(len(body)) + 3} {
			for _, limit := range []int64{4, 1 << 20} {
				for _, slow := range []bool{false, true} {
					var r io.Reader = strings.NewReader(body)
					if slow {
						r = iotest.OneByteReader(r)
					}
					got, err := ReadBody(&http.Response{ContentLength: announced, Body: io.NopCloser(r)}, limit)
					want, _ := io.ReadAll(io.LimitReader(strings.NewReader(body), limit))
					if err != nil || !bytes.Equal(got, want) {
						t.Errorf("body %d bytes, announced %d, limit %d, slow %v: got %q (%v), want %q", len(body), announced, limit, slow, got, err, want)
					}
				}
			}
		}
	}
}

// wrapper is a RoundTripper net/http does not know (as pbxload's timing
// one): it sees the request as the client sends it, and answers once the
// request's context ends.
type wrapper struct{ seen chan *http.Request }

func (w wrapper) RoundTrip(r *http.Request) (*http.Response, error) {
	w.seen <- r
	<-r.Context().Done()
	return nil, r.Context().Err()
}

// Rule: Do drops the client's Timeout only when the request's context
// ends no later: such a request goes out without the Timeout's machinery
// (no legacy Cancel channel), and a request without a deadline is still
// bounded by the Timeout. Source: issue 16 (the same bounds, cheaper).
func TestDoKeepsTheTimeoutOnlyWhenItCouldFireFirst(t *testing.T) {
	w := wrapper{seen: make(chan *http.Request, 1)}
	hc := &http.Client{Transport: w, Timeout: time.Hour}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://pbx.test/x", nil)
	done := make(chan error, 1)
	go func() { _, err := Do(hc, req); done <- err }()
	//lint:ignore SA1019 the deprecated Cancel is what net/http sets for a Timeout behind a wrapper
	if sent := <-w.seen; sent.Cancel != nil {
		t.Errorf("a request whose context ends before the Timeout got the Timeout's Cancel channel")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("ending the context: %v, want context.Canceled", err)
	}
	if hc.Timeout != time.Hour {
		t.Errorf("Do changed the caller's client: Timeout %s", hc.Timeout)
	}

	hc = &http.Client{Transport: w, Timeout: time.Millisecond}
	req, _ = http.NewRequest("GET", "http://pbx.test/x", nil)
	go func() { _, err := Do(hc, req); done <- err }()
	<-w.seen
	// Only the Timeout can end it (its message names either the Timeout
	// or the deadline it put on the request, whichever net/http saw first).
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) && (err == nil || !strings.Contains(err.Error(), "Client.Timeout")) {
		t.Errorf("a request without a deadline: %v, want the client's Timeout", err)
	}
}
