package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	nsclient "github.com/xfer-conform/xfer-conform/client/netsapiens"
	rcclient "github.com/xfer-conform/xfer-conform/client/ringcentral"
)

// rcWorker repeats the RingCentral seed's warm transfer with its own trio:
// the customer dials the operator (control API), the operator's reference
// client learns the IDs from its WebSocket notifications, holds, calls out
// to the consult and bridges; then the customer hangs up.
func rcWorker(ctx context.Context, base string, w int, hc *http.Client, ctl *control.Client, st *stats) {
	cust, op, cons := 100+w*3, 101+w*3, 102+w*3
	c, err := rcclient.New(rcclient.Config{ServerURL: base, ClientID: "load-client", ClientSecret: "load-secret",
		JWT: fmt.Sprintf("jwt-%d", op), HTTPClient: hc})
	if err != nil {
		st.errorf("rc worker %d: %v", w, err)
		return
	}
	if err := c.Login(ctx); err != nil {
		st.errorf("rc worker %d login: %v", w, err)
		return
	}
	sub, err := c.Subscribe(ctx, rcclient.SubscribeOptions{})
	if err != nil {
		st.errorf("rc worker %d subscribe: %v", w, err)
		return
	}
	defer sub.Close()
	desk := rcclient.NewDesk(c.OwnerID())
	go desk.Follow(sub) // returns when the subscription closes
	for ctx.Err() == nil {
		call, err := ctl.CreateCall(ctx, fmt.Sprint(cust), fmt.Sprint(op))
		if err != nil {
			if ctx.Err() == nil {
				st.errorf("rc worker %d: customer call: %v", w, err)
			}
			return
		}
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		sid := call.Vendor["ringcentral"]["telephonySessionId"]
		err = desk.Wait(tctx, "the customer call "+sid+" answered", func() bool {
			l, ok := desk.CustomerCall()
			return ok && l.SessionID == sid
		})
		var wt *rcclient.WarmTransfer
		if err == nil {
			wt, _, err = c.WarmTransferNow(tctx, desk, rcclient.Caller{ExtensionID: c.OwnerID()}, rcclient.Callee{ExtensionNumber: fmt.Sprint(cons)})
		}
		if err == nil {
			err = wt.AwaitSettled(tctx)
		}
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				now, _ := ctl.Call(context.Background(), call.ID)
				st.errorf("rc worker %d: warm transfer: %v\n    pbxsim's view of the customer call: %s %s %v\n    the desk: %s", w, err, now.ID, now.State, now.Legs, desk.Describe())
			}
			_ = ctl.HangupCall(context.Background(), call.ID)
			return
		}
		st.transfer("ringcentral warm transfer")
		if err := ctl.HangupCall(ctx, call.ID); err != nil && ctx.Err() == nil {
			st.errorf("rc worker %d: hangup: %v", w, err)
			return
		}
	}
}

// nsWorker repeats the NetSapiens seed's attended transfer with its own
// trio, through the reference client.
func nsWorker(ctx context.Context, base string, w int, hc *http.Client, ctl *control.Client, st *stats) {
	caller, inbound := fmt.Sprintf("+1415555%04d", w), fmt.Sprintf("+1312555%04d", w)
	op, cons := fmt.Sprint(2000+w*2), fmt.Sprint(2001+w*2)
	c, err := nsclient.New(nsclient.Config{BaseURL: base, Domain: "LOAD", Auth: nsclient.APIKey(loadKey), HTTPClient: hc,
		Poll: nsclient.PollPolicy{Initial: 5 * time.Millisecond, Max: 50 * time.Millisecond, Timeout: 20 * time.Second}})
	if err != nil {
		st.errorf("ns worker %d: %v", w, err)
		return
	}
	for ctx.Err() == nil {
		call, err := ctl.CreateCall(ctx, caller, inbound)
		if err != nil {
			if ctx.Err() == nil {
				st.errorf("ns worker %d: outside call: %v", w, err)
			}
			return
		}
		wt := c.NewWarmTransfer(op, cons)
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err = wt.Run(tctx)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				st.errorf("ns worker %d: attended transfer: %v", w, err)
			}
			_ = ctl.HangupCall(context.Background(), call.ID)
			return
		}
		st.transfer("netsapiens attended transfer")
		if err := ctl.HangupCall(ctx, call.ID); err != nil && ctx.Err() == nil {
			st.errorf("ns worker %d: hangup: %v", w, err)
			return
		}
	}
}
