package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	rcclient "github.com/xfer-conform/xfer-conform/client/ringcentral"
)

// rcLeanWorker is the load-only RingCentral warm transfer: the same vendor
// requests as the seed's flow (read the customer's session, hold, call-out,
// read the consult session, bridge, read the result) with the reference
// client's one-request methods, but no WebSocket desk and no sleeping
// polls, so a worker completes transfers as fast as pbxsim answers. The
// operator and consult answer by themselves (the load world's answer
// policy, no delay); a read that finds a phone still ringing is read
// again at once, and a miss is counted. The result of every bridge is
// checked: the operator's party Gone / AttendedTransfer pointing at its
// party in the consult session, and the customer's session then holding
// the customer and the consult, both Answered.
func rcLeanWorker(ctx context.Context, base string, w int, hc *http.Client, ctl *control.Client, st *stats) {
	cust, op, cons := 100+w*3, 101+w*3, 102+w*3
	opExt, consExt := fmt.Sprintf("6%08d", op), fmt.Sprintf("6%08d", cons)
	custNumber, opNumber, consNumber := fmt.Sprint(cust), fmt.Sprint(op), fmt.Sprint(cons)
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
	for ctx.Err() == nil {
		call, err := ctl.CreateCall(ctx, custNumber, opNumber)
		if err != nil {
			if ctx.Err() == nil {
				st.errorf("rc worker %d: customer call: %v", w, err)
			}
			return
		}
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err = leanWarmTransfer(tctx, c, call.Vendor["ringcentral"]["telephonySessionId"], opExt, consExt, consNumber, st)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				now, _ := ctl.Call(context.Background(), call.ID)
				st.errorf("rc worker %d: warm transfer: %v\n    pbxsim's view of the customer call: %s %s %v", w, err, now.ID, now.State, now.Legs)
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

// leanWarmTransfer runs one warm transfer of the customer's session sid
// from the operator opExt to the consult consExt (dialled as consNumber).
func leanWarmTransfer(ctx context.Context, c *rcclient.Client, sid, opExt, consExt, consNumber string, st *stats) error {
	s, err := readUntil(ctx, c, sid, st, func(s *rcclient.Session) bool {
		p, ok := s.PartyOf(opExt)
		return ok && p.Status.Code == rcclient.StatusAnswered
	})
	if err != nil {
		return fmt.Errorf("the operator answering: %w", err)
	}
	p, _ := s.PartyOf(opExt)
	customer := rcclient.Leg{SessionID: sid, PartyID: p.ID}
	if held, err := c.Hold(ctx, customer); err != nil {
		return fmt.Errorf("hold: %w", err)
	} else if held.Status.Code != rcclient.StatusHold {
		return fmt.Errorf("hold answered %s, want Hold", held.Status.Code)
	}
	out, err := c.CallOut(ctx, rcclient.Caller{ExtensionID: opExt}, rcclient.Callee{ExtensionNumber: consNumber})
	if err != nil {
		return fmt.Errorf("call-out: %w", err)
	}
	mine, ok := out.PartyOf(opExt)
	if !ok {
		return fmt.Errorf("call-out's session %s has no party of the operator", out.ID)
	}
	consult := rcclient.Leg{SessionID: out.ID, PartyID: mine.ID}
	if _, err := readUntil(ctx, c, out.ID, st, func(s *rcclient.Session) bool {
		p, ok := s.PartyOf(consExt)
		return ok && p.Status.Code == rcclient.StatusAnswered
	}); err != nil {
		return fmt.Errorf("the consult answering: %w", err)
	}
	bridged, err := c.Bridge(ctx, customer, consult)
	if err != nil {
		return fmt.Errorf("bridge: %w", err)
	}
	if pe := bridged.Status.PeerID; bridged.Status.Code != rcclient.StatusGone || bridged.Status.Reason != rcclient.ReasonAttendedTransfer ||
		pe == nil || pe.PartyID != consult.PartyID || (pe.TelephonySessionID != consult.SessionID && pe.SessionID != consult.SessionID) {
		return fmt.Errorf("bridge answered %s/%s peer %+v, want Gone/AttendedTransfer towards %s/%s",
			bridged.Status.Code, bridged.Status.Reason, bridged.Status.PeerID, consult.SessionID, consult.PartyID)
	}
	after, err := c.Session(ctx, sid)
	if err != nil {
		return fmt.Errorf("reading the customer's session after the bridge: %w", err)
	}
	return checkBridged(after, opExt, consExt)
}

// checkBridged says whether the customer's session, after the bridge,
// holds the consult Answered and another party (the customer) Answered,
// and no live party of the operator.
func checkBridged(s *rcclient.Session, opExt, consExt string) error {
	consult, other := false, false
	for _, p := range s.Parties {
		switch {
		case p.OwnerExtensionID() == opExt:
			if p.Status.Code != rcclient.StatusGone && p.Status.Code != rcclient.StatusDisconnected {
				return fmt.Errorf("after the bridge the operator's party %s is still %s", p.ID, p.Status.Code)
			}
		case p.OwnerExtensionID() == consExt:
			consult = consult || p.Status.Code == rcclient.StatusAnswered
		default:
			other = other || p.Status.Code == rcclient.StatusAnswered
		}
	}
	if !consult || !other {
		return fmt.Errorf("after the bridge session %s does not hold the customer and the consult Answered: %+v", s.ID, s.Parties)
	}
	return nil
}

// readUntil reads a session until ok holds. The phones answer on a timer
// of no delay, so a second read is rarely needed; from the third on it
// backs off by a millisecond so that a stuck phone does not spin.
func readUntil(ctx context.Context, c *rcclient.Client, sid string, st *stats, ok func(*rcclient.Session) bool) (*rcclient.Session, error) {
	for n := 0; ; n++ {
		s, err := c.Session(ctx, sid)
		if err != nil {
			return nil, err
		}
		if ok(s) {
			return s, nil
		}
		st.reread()
		if n > 0 {
			t := time.NewTimer(time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
		}
	}
}
