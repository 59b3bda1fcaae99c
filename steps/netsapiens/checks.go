package netsapiens

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/client/netsapiens"
)

// answered202 checks the last write was accepted, and on pbxsim that it
// was exactly 202 Accepted (the status the guide's flow relies on).
func (n *NSWorld) answered202() error {
	if err := n.requireAccepted(); err != nil {
		return err
	}
	if n.w.Ctl == nil {
		return nil
	}
	entries, err := n.w.Ctl.Journal(n.w.Context(), control.JournalFilter{Dialect: "netsapiens", After: n.journalAfter})
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Method != "GET" {
			if e.Status != 202 {
				return fmt.Errorf("expected %s to answer 202, pbxsim answered %d %s", n.lastWrite, e.Status, e.Response)
			}
			return nil
		}
	}
	return fmt.Errorf("pbxsim's journal has no entry for %s", n.lastWrite)
}

func (n *NSWorld) refusedWith(status int) error {
	if n.lastErr == nil {
		return fmt.Errorf("expected %s to be refused with %d, it was accepted", n.lastWrite, status)
	}
	if got := netsapiens.StatusOf(n.lastErr); got != status {
		return fmt.Errorf("expected %s to be refused with %d, got: %v", n.lastWrite, status, n.lastErr)
	}
	return nil
}

func (n *NSWorld) pbxsimNotes(text string) error {
	if err := n.w.NeedControl(); err != nil {
		return err
	}
	note, err := n.outcome("")
	if err != nil {
		return err
	}
	if !strings.Contains(note, text) {
		return fmt.Errorf("expected pbxsim's outcome of %s to mention %q, it says %q", n.lastWrite, text, note)
	}
	return nil
}

// settled waits for pbxsim's outcome of the last write, so a following
// read is not stale; it reports whether the state is known to be final. A
// refused write changes nothing, so it is settled at once.
func (n *NSWorld) settled() (bool, error) {
	if n.lastWrite != "" && n.lastErr != nil {
		return true, nil
	}
	if n.w.Ctl == nil || n.lastWrite == "" {
		return false, nil
	}
	_, err := n.outcome("")
	return err == nil, err
}

// checkOriginal reads the original call until check passes: once when
// pbxsim has settled the last write, else polling to the deadline.
func (n *NSWorld) checkOriginal(what string, check func(netsapiens.ActiveCall) bool) error {
	if err := n.needOriginal(); err != nil {
		return err
	}
	settled, err := n.settled()
	if err != nil {
		return err
	}
	probe := func() (bool, string, error) {
		call, calls, err := n.session(string(n.Transfer.Original.SessionID))
		if err != nil {
			return false, "", err
		}
		return call != nil && check(*call), netsapiens.Summarize(calls), nil
	}
	if settled {
		ok, seen, err := probe()
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("expected %s after %s; the domain's calls read %s", what, n.lastWrite, seen)
		}
		return nil
	}
	return n.w.Await(what, probe)
}

func (n *NSWorld) operatorSideReads(info string) error {
	op := n.facts.Operator.ID
	return n.checkOriginal(fmt.Sprintf("operator %s's side of the original call reading %q", op, info), func(c netsapiens.ActiveCall) bool {
		return c.IsTerm("", op) && strings.EqualFold(c.TermInfo(), info)
	})
}

func (n *NSWorld) callerSideReads(info string) error {
	return n.checkOriginal(fmt.Sprintf("the outside caller's side of the original call reading %q", info), func(c netsapiens.ActiveCall) bool {
		return strings.EqualFold(string(c.OrigInfo), info)
	})
}

// mergedCall finds a call joining the original caller and the consult,
// both sides active.
func (n *NSWorld) mergedCall(calls []netsapiens.ActiveCall) *netsapiens.ActiveCall {
	o := n.Transfer.Original
	for i, c := range calls {
		sameCaller := (o.OrigCallID != "" && c.OrigCallID == o.OrigCallID) || (o.CallerIDNumber != "" && c.CallerIDNumber == o.CallerIDNumber)
		if sameCaller && c.Involves("", n.facts.Consult.ID) && c.BothActive() {
			return &calls[i]
		}
	}
	return nil
}

func (n *NSWorld) callerTalksToConsult() error {
	if err := n.needOriginal(); err != nil {
		return err
	}
	err := n.w.Await("a call joining the outside caller and the consult, both sides active", func() (bool, string, error) {
		calls, err := n.Observer.Calls(n.w.Context())
		if err != nil {
			return false, "", err
		}
		return n.mergedCall(calls) != nil, netsapiens.Summarize(calls), nil
	})
	if err != nil || n.w.Ctl == nil {
		return err
	}
	// The world agrees: in pbxsim the caller's and the consult's legs are
	// answered in one call.
	calls, err := n.w.Ctl.Calls(n.w.Context())
	if err != nil {
		return err
	}
	for _, c := range calls {
		caller, ok1 := c.LegOf(n.facts.OutsideCaller)
		consult, ok2 := liveLegOf(c, n.facts.Consult.ID)
		if ok1 && ok2 && caller.State == "answered" && consult.State == "answered" {
			return nil
		}
	}
	return fmt.Errorf("the NS API shows the merge, but pbxsim has no call with the outside caller and the consult both answered: %+v", calls)
}

func liveLegOf(c control.Call, user string) (control.Leg, bool) {
	for _, l := range c.Legs {
		if l.Endpoint.UserID == user && l.State != "gone" && l.State != "disconnected" {
			return l, true
		}
	}
	return control.Leg{}, false
}

func (n *NSWorld) operatorInNoCall() error {
	op := n.facts.Operator.ID
	return n.w.Await(fmt.Sprintf("operator %s in no call", op), func() (bool, string, error) {
		calls, err := n.operatorCalls()
		if err != nil {
			return false, "", err
		}
		mine, err := n.Observer.UserCalls(n.w.Context(), op)
		if err != nil {
			return false, "", err
		}
		return len(calls) == 0 && len(mine) == 0, fmt.Sprintf("domain: %s user: %s", netsapiens.Summarize(calls), netsapiens.Summarize(mine)), nil
	})
}

func (n *NSWorld) consultEnded() error {
	session := string(n.Transfer.ConsultCall.SessionID)
	if session == "" {
		return fmt.Errorf("the consultation call was never read")
	}
	return n.w.Await("consultation session "+session+" gone", func() (bool, string, error) {
		call, calls, err := n.session(session)
		return call == nil, netsapiens.Summarize(calls), err
	})
}

// transferDidNotComplete: the caller and the consult are not joined and
// the operator is still in a call. On pbxsim the check runs once the
// transfer's outcome is known; on a real tenant it watches for three
// apply delays (at least a second) that the merge never shows.
func (n *NSWorld) transferDidNotComplete() error {
	if err := n.requireAccepted(); err != nil {
		return err
	}
	settled, err := n.settled()
	if err != nil {
		return err
	}
	check := func() (string, error) {
		calls, err := n.Observer.Calls(n.w.Context())
		if err != nil {
			return "", err
		}
		seen := netsapiens.Summarize(calls)
		if m := n.mergedCall(calls); m != nil {
			return seen, fmt.Errorf("expected %s not to complete, but the caller is talking to the consult: %s", n.lastWrite, m)
		}
		for _, c := range calls {
			if c.Involves("", n.facts.Operator.ID) {
				return seen, nil
			}
		}
		return seen, fmt.Errorf("expected the operator still in a call after %s; calls: %s", n.lastWrite, seen)
	}
	if settled {
		_, err := check()
		return err
	}
	window := 3 * n.facts.ApplyDelay
	if window < time.Second {
		window = time.Second
	}
	ctx, cancel := context.WithTimeout(n.w.Context(), window)
	defer cancel()
	for {
		if _, err := check(); err != nil {
			return err
		}
		t := time.NewTimer(100 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// callerBlindTransferred: the original call now has the caller on one
// side and the consult's phone ringing on the other, with the operator
// gone from it (quirk call-term-user=blind-transfer).
func (n *NSWorld) callerBlindTransferred() error {
	op, consult := n.facts.Operator.ID, n.facts.Consult.ID
	return n.checkOriginal(fmt.Sprintf("the original call ringing %s without %s", consult, op), func(c netsapiens.ActiveCall) bool {
		return c.IsTerm("", consult) && !c.Involves("", op) && strings.EqualFold(c.TermInfo(), netsapiens.InfoAlerting)
	})
}
