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
	name      string
	requests  int
	elapsed   time.Duration
	errors    int64
	firstErr  string
	latencies []time.Duration // sorted
}

func (r loadResult) rate() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// keepAlive is a client with one kept-alive connection per worker.
func keepAlive(workers int) *http.Client {
	tr := &http.Transport{MaxIdleConns: workers, MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers, IdleConnTimeout: time.Minute}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// hammer sends requests GETs of url with workers concurrent keep-alive
// clients (one connection each) and checks every answer is 200 with the
// expected body length. Both targets go through exactly this code.
func hammer(ctx context.Context, hc *http.Client, name, url string, header http.Header, wantLen, workers, requests int) loadResult {
	res := loadResult{name: name, requests: requests, latencies: make([]time.Duration, requests)}
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
				i := completed.Add(1) - 1
				res.latencies[i] = time.Since(t0)
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
	res.requests, res.latencies = n, res.latencies[:n]
	sort.Slice(res.latencies, func(i, j int) bool { return res.latencies[i] < res.latencies[j] })
	return res
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(float64(len(sorted)-1)*p)]
}

// merge joins consecutive runs against one target into one result.
func merge(name string, runs []loadResult) loadResult {
	out := loadResult{name: name}
	for _, r := range runs {
		out.requests += r.requests
		out.elapsed += r.elapsed
		out.errors += r.errors
		if out.firstErr == "" {
			out.firstErr = r.firstErr
		}
		out.latencies = append(out.latencies, r.latencies...)
	}
	sort.Slice(out.latencies, func(i, j int) bool { return out.latencies[i] < out.latencies[j] })
	return out
}
