// Package wire holds what the reference clients share about reading an
// answer off the wire.
package wire

import (
	"io"
	"net/http"
	"time"
)

// ReadBody reads at most limit bytes of an answer's body, into one buffer
// of its announced length when it has one: io.ReadAll grows its buffer
// from 512 bytes, copying each time, on every answer a client reads.
func ReadBody(resp *http.Response, limit int64) ([]byte, error) {
	if n := resp.ContentLength; n >= 0 && n < limit {
		b := make([]byte, 0, n+1) // one byte more: EOF is read without growing
		for {
			m, err := resp.Body.Read(b[len(b):cap(b)])
			b = b[:len(b)+m]
			if err == io.EOF {
				return b, nil
			}
			if err != nil {
				return b, err
			}
			if len(b) == cap(b) { // longer than announced: read on as io.ReadAll does
				rest, err := io.ReadAll(io.LimitReader(resp.Body, limit-int64(len(b))))
				return append(b, rest...), err
			}
		}
	}
	return io.ReadAll(io.LimitReader(resp.Body, limit))
}

// Do sends req with hc. When req's context ends no later than hc.Timeout
// would (a client's attempt time-out, a flow's deadline), it sends it
// with a copy of hc without the Timeout: that Timeout could not fire
// first, and net/http pays for it on every request, with a context and a
// timer, and with a goroutine, channels and the legacy Cancel path when
// the transport is a wrapper it does not know (a timing RoundTripper).
func Do(hc *http.Client, req *http.Request) (*http.Response, error) {
	if hc.Timeout > 0 {
		if end, ok := req.Context().Deadline(); ok && !end.After(time.Now().Add(hc.Timeout)) {
			bare := *hc
			bare.Timeout = 0
			return bare.Do(req)
		}
	}
	return hc.Do(req)
}
