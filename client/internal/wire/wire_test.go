package wire

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
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
