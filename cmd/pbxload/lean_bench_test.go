package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	rcclient "github.com/xfer-conform/xfer-conform/client/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
)

// handlerTransport serves requests straight from a handler, with no
// sockets: a benchmark of it measures the request path's CPU and
// allocations, not the kernel's loopback.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	res := rec.Result()
	res.Request = r
	return res, nil
}

// BenchmarkLeanWarmTransfer is one complete RingCentral warm transfer as
// pbxload's lean driver runs it (issue 16 item 3: the control API places
// the customer's call, then the vendor requests: read, hold, call-out,
// read, bridge, read, and the hang-up), through pbxsim's whole handler
// stack in memory. Its ns/op and allocs/op are the cost per transfer of
// pbxsim and the reference client together; a CPU profile of it shows
// the split (go test -run '^$' -bench LeanWarmTransfer -cpuprofile).
func BenchmarkLeanWarmTransfer(b *testing.B) {
	srv, err := pbxsim.New(pbxsim.Config{Scenario: loadScenario(1, 20*time.Millisecond)})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Shutdown(context.Background())
	const base = "http://pbxsim.bench"
	hc := &http.Client{Transport: handlerTransport{srv.Handler()}, Timeout: 10 * time.Second}
	ctl := control.New(base, hc)
	c, err := rcclient.New(rcclient.Config{ServerURL: base, ClientID: "load-client", ClientSecret: "load-secret", JWT: "jwt-101", HTTPClient: hc})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Login(ctx); err != nil {
		b.Fatal(err)
	}
	st := newStats()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		call, err := ctl.CreateCall(ctx, "100", "101")
		if err != nil {
			b.Fatal(err)
		}
		if err := leanWarmTransfer(ctx, c, call.Vendor["ringcentral"]["telephonySessionId"], "600000101", "600000102", "102", st); err != nil {
			b.Fatal(err)
		}
		if err := ctl.HangupCall(ctx, call.ID); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if len(st.errors) > 0 {
		b.Fatal(fmt.Sprint(st.errors))
	}
	b.ReportMetric(float64(st.rereads)/float64(b.N), "rereads/op")
}
