package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is one run of the load generator against one target.
type loadResult struct {
	name     string
	requests int
	elapsed  time.Duration
	errors   int64
	firstErr string
	// done[i] is when the (i+1)-th request completed, since the start.
	done      []time.Duration
	latencies []time.Duration // sorted
}

func (r loadResult) rate() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// windowRate is the throughput over completions [from, to).
func (r loadResult) windowRate(from, to int) float64 {
	if to > len(r.done) || from >= to {
		return 0
	}
	var start time.Duration
	if from > 0 {
		start = r.done[from-1]
	}
	return float64(to-from) / (r.done[to-1] - start).Seconds()
}

// hammer sends requests GETs of url with workers concurrent keep-alive
// clients (one connection each) and checks every answer is 200 with the
// expected body length. Both targets go through exactly this code.
func hammer(ctx context.Context, name, url string, header http.Header, wantLen, workers, requests int) loadResult {
	tr := &http.Transport{MaxIdleConns: workers, MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers, IdleConnTimeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	res := loadResult{name: name, requests: requests, done: make([]time.Duration, requests), latencies: make([]time.Duration, requests)}
	var next, completed atomic.Int64
	var errMu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := bytes.NewBuffer(make([]byte, 0, wantLen+512))
			for next.Add(1) <= int64(requests) && ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				req.Header = header
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err == nil {
					buf.Reset()
					_, err = io.Copy(buf, resp.Body)
					resp.Body.Close()
					if err == nil && (resp.StatusCode != http.StatusOK || buf.Len() != wantLen) {
						err = fmt.Errorf("status %d, %d bytes (want 200, %d bytes)", resp.StatusCode, buf.Len(), wantLen)
					}
				}
				now := time.Now()
				i := completed.Add(1) - 1
				res.done[i] = now.Sub(start)
				res.latencies[i] = now.Sub(t0)
				if err != nil {
					if atomic.AddInt64(&res.errors, 1) == 1 {
						errMu.Lock()
						res.firstErr = err.Error()
						errMu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	n := int(completed.Load())
	res.requests, res.done, res.latencies = n, res.done[:n], res.latencies[:n]
	sort.Slice(res.done, func(i, j int) bool { return res.done[i] < res.done[j] })
	sort.Slice(res.latencies, func(i, j int) bool { return res.latencies[i] < res.latencies[j] })
	return res
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(float64(len(sorted)-1)*p)]
}
