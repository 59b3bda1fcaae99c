package steps

import (
	"context"
	"net/http"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Embedded starts a fresh pbxsim in-process on a free loopback port for
// each scenario, so scenarios are isolated and may run concurrently. A nil
// scenario means the built-in one.
func Embedded(sc *scenario.Scenario) NewTarget {
	return func(ctx context.Context, hc *http.Client) (Target, error) {
		srv, err := pbxsim.New(pbxsim.Config{Scenario: sc})
		if err != nil {
			return nil, err
		}
		if err := srv.Start("127.0.0.1:0"); err != nil {
			return nil, err
		}
		stop := func() error {
			// Close our idle keep-alive connections first: a connection the
			// client dialled but never used counts as active on the server
			// for up to 5s (net/http's StateNew rule), which is exactly a
			// 5s grace. The grace is 10s so such a connection has aged out.
			if t, ok := http.DefaultTransport.(interface{ CloseIdleConnections() }); ok {
				t.CloseIdleConnections()
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return srv.Shutdown(ctx)
		}
		t, err := newPbxsimTarget(ctx, "embedded", srv.URL(), control.New(srv.URL(), hc), stop)
		if err != nil {
			_ = stop()
			return nil, err
		}
		return t, nil
	}
}
