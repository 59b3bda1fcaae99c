package journalhttp

import (
	"bytes"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
)

// Rule: the journal reads of a request's body what io.ReadAll of the
// limited body read, whether its length is announced, unknown or wrong,
// or it comes a byte at a time. Source: issue 16 (a cheaper read, the
// same journal).
func TestReadBodyReadsWhatReadAllReads(t *testing.T) {
	for _, body := range []string{"", "x", `{"from":"100","to":"101"}`, strings.Repeat("ab", 700)} {
		for _, announced := range []int64{-1, int64(len(body)), int64(len(body)) / 2, int64(len(body)) + 3} {
			for _, limit := range []int64{4, 1 << 20} {
				for _, slow := range []bool{false, true} {
					var rd io.Reader = strings.NewReader(body)
					if slow {
						rd = iotest.OneByteReader(rd)
					}
					r := httptest.NewRequest("POST", "/x", rd)
					r.ContentLength = announced
					got := readBody(r, limit)
					want, _ := io.ReadAll(io.LimitReader(strings.NewReader(body), limit))
					if !bytes.Equal(got, want) {
						t.Errorf("body %d bytes, announced %d, limit %d, slow %v: got %q, want %q", len(body), announced, limit, slow, got, want)
					}
				}
			}
		}
	}
}
