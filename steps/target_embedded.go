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
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
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
