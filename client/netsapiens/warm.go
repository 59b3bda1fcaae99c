package netsapiens

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// WarmTransfer walks one attended transfer through the steps of the
// vendor's "Attended Transfer via API" guide. Each method is one step and
// waits until the switch shows the step's effect, so specs can check the
// PBX between steps; AttendedTransfer runs them all.
type WarmTransfer struct {
	c *Client

	// User is the transferring user (the guide's 1000).
	User string
	// Consult is who the user consults (the guide's 1010): a user, a
	// number or a SIP URI, sent as the consult call's call-term-user.
	Consult string
	// UserCallsOnly reads GET .../users/{user}/calls instead of the
	// domain's calls, for credentials that may not read the domain (an
	// nsu_ key). It cannot see the consult's side after the merge.
	UserCallsOnly bool
	// ConsultAutoAnswer asks the switch to auto-answer the user's own
	// first leg of the consult call; without it the user's phone rings
	// and the user must pick up.
	ConsultAutoAnswer bool
	// SkipHoldCheck does not wait for the hold to show in call-info, for a
	// switch that keeps reading "active" on a held side (the call-info of
	// a held call is undocumented).
	SkipHoldCheck bool

	// Original is the call being transferred, as read in step 2.
	Original ActiveCall
	// ConsultCallID is the call-id the client chose for the consult call.
	ConsultCallID string
	// ConsultCall is the consult call as read in step 5.
	ConsultCall ActiveCall
	// Merged is the call the original caller ends up in with the consult.
	Merged ActiveCall
}

// NewWarmTransfer starts an attended transfer by user to consult.
func (c *Client) NewWarmTransfer(user, consult string) *WarmTransfer {
	return &WarmTransfer{c: c, User: user, Consult: consult, ConsultAutoAnswer: true}
}

func (t *WarmTransfer) read(ctx context.Context) ([]ActiveCall, error) {
	if t.UserCallsOnly {
		return t.c.UserCalls(ctx, t.User)
	}
	return t.c.Calls(ctx)
}

// userSide reports whether user is the call's term side (a call the user
// received) or orig side; ok is false when the user is not in the call.
func userSide(call ActiveCall, domain, user string) (term, ok bool) {
	if domain == "~" {
		domain = ""
	}
	switch {
	case call.IsTerm(domain, user):
		return true, true
	case call.IsOrig(domain, user):
		return false, true
	}
	return false, false
}

func (t *WarmTransfer) mine(call ActiveCall) bool {
	_, ok := userSide(call, t.c.domain, t.User)
	return ok
}

// FindOriginal is guide step 2: read calls and take the user's one
// connected call (both sides active). It waits for one to appear.
func (t *WarmTransfer) FindOriginal(ctx context.Context) (ActiveCall, error) {
	err := t.c.Await(ctx, fmt.Sprintf("user %s's active call", t.User), func(ctx context.Context) (bool, string, error) {
		calls, err := t.read(ctx)
		if err != nil {
			return false, "", err
		}
		var found []ActiveCall
		for _, call := range calls {
			if t.mine(call) && call.BothActive() {
				found = append(found, call)
			}
		}
		switch len(found) {
		case 1:
			t.Original = found[0]
			return true, Summarize(calls), nil
		case 0:
			return false, Summarize(calls), nil
		}
		return false, Summarize(calls), fmt.Errorf("user %s has %d active calls; pick one with UseOriginal: %s", t.User, len(found), Summarize(found))
	})
	if err != nil {
		return ActiveCall{}, &StepError{Step: "find the original call", Err: err}
	}
	return t.Original, nil
}

// UseOriginal names the call to transfer instead of FindOriginal.
func (t *WarmTransfer) UseOriginal(call ActiveCall) { t.Original = call }

// HoldCallID is the id the hold uses: the user's own leg, which is the
// call-term-call-id for a call the user received (guide step 3). For a
// call the user placed it is the orig call-id (inferred; the guide covers
// only inbound calls).
func (t *WarmTransfer) HoldCallID() string {
	if term, ok := userSide(t.Original, t.c.domain, t.User); ok && !term {
		return string(t.Original.OrigCallID)
	}
	return string(t.Original.TermCallID)
}

// userInfo is the user's side's call-info in call.
func (t *WarmTransfer) userInfo(call ActiveCall) string {
	if term, ok := userSide(call, t.c.domain, t.User); ok && !term {
		return string(call.OrigInfo)
	}
	return call.TermInfo()
}

// Hold is guide step 3: PATCH .../calls/{call-term-call-id}/hold, then
// wait until the user's side no longer reads "active". A switch that does
// not show holds in call-info (reads "active" throughout) is waited for
// until the deadline; set SkipHoldCheck for such a server.
func (t *WarmTransfer) Hold(ctx context.Context) error {
	if t.Original.SessionID == "" {
		return &StepError{Step: "hold the original call", Err: errors.New("no original call: run FindOriginal first")}
	}
	id := t.HoldCallID()
	send := func(ctx context.Context) error { return t.c.Hold(ctx, t.User, id) }
	if t.SkipHoldCheck {
		if err := send(ctx); err != nil {
			return &StepError{Step: "hold the original call", Err: err}
		}
		return nil
	}
	err := t.applied(ctx, "the original call held", send, func(ctx context.Context) (bool, string, error) {
		call, seen, err := t.findSession(ctx, string(t.Original.SessionID))
		if err != nil || call == nil {
			return false, seen, err
		}
		return strings.EqualFold(t.userInfo(*call), InfoHeld), seen, nil
	}, t.originalStillThere)
	if err != nil {
		return &StepError{Step: "hold the original call", Err: err}
	}
	return nil
}

// findSession reads calls and returns the one with the session id.
func (t *WarmTransfer) findSession(ctx context.Context, session string) (*ActiveCall, string, error) {
	calls, err := t.read(ctx)
	if err != nil {
		return nil, "", err
	}
	for i := range calls {
		if string(calls[i].SessionID) == session {
			return &calls[i], Summarize(calls), nil
		}
	}
	return nil, Summarize(calls), nil
}

// StartConsult is guide step 4: POST .../users/{user}/calls with a fresh
// call-id and call-term-user = the consult.
func (t *WarmTransfer) StartConsult(ctx context.Context) error {
	if t.ConsultCallID == "" {
		t.ConsultCallID = NewCallID()
	}
	req := CallRequest{CallID: t.ConsultCallID, TermUser: t.Consult}
	if t.ConsultAutoAnswer {
		req.AutoAnswer = Yes
	}
	// The call shows in reads once the switch placed it; until then the
	// 202 (or a lost answer) says nothing. Sent again with the same call-id;
	// a 409 to a resend says the call-id is taken, by the call the first
	// send placed (reads on a loaded switch may show it late), so the
	// reads go on.
	sent := 0
	err := t.applied(ctx, "the consultation call placed (call-id "+t.ConsultCallID+")", func(ctx context.Context) error {
		sent++
		_, err := t.c.MakeCall(ctx, t.User, req)
		if sent > 1 && StatusOf(err) == http.StatusConflict {
			return nil
		}
		return err
	}, func(ctx context.Context) (bool, string, error) {
		calls, err := t.read(ctx)
		if err != nil {
			return false, "", err
		}
		for _, call := range calls {
			if t.isConsult(call) {
				return true, Summarize(calls), nil
			}
		}
		return false, Summarize(calls), nil
	}, t.originalStillThere)
	if err != nil {
		return &StepError{Step: "make the consultation call", Err: err}
	}
	return nil
}

// isConsult tells the consult call among the user's calls: click-to-call
// puts the client's call-id in call-orig-call-id (or call-by-call-id).
func (t *WarmTransfer) isConsult(call ActiveCall) bool {
	return string(call.OrigCallID) == t.ConsultCallID || string(call.ByCallID) == t.ConsultCallID
}

// AwaitConsult is guide step 5: read calls until the consultation call
// shows both sides active, and keep its call-session-id and core-server.
// The consult answering is the world's doing (a person, or pbxsim's
// control API), so this waits for it.
func (t *WarmTransfer) AwaitConsult(ctx context.Context) (ActiveCall, error) {
	err := t.c.Await(ctx, "the consultation call answered", func(ctx context.Context) (bool, string, error) {
		calls, err := t.read(ctx)
		if err != nil {
			return false, "", err
		}
		for _, call := range calls {
			if t.isConsult(call) {
				t.ConsultCall = call
				return call.BothActive(), Summarize(calls), nil
			}
		}
		return false, Summarize(calls), nil
	})
	if err != nil {
		return ActiveCall{}, &StepError{Step: "read the consultation call", Err: err}
	}
	return t.ConsultCall, nil
}

// Complete is guide step 6. It first checks, as the guide asks, that the
// consultation call is active on both sides and the original caller is
// still connected, then sends PATCH .../calls/{call-orig-call-id}/transfer
// with hostname and call-destination-session-id (never call-term-user),
// and waits for the merge: the user is in no call, and the original caller
// is connected to the consult.
func (t *WarmTransfer) Complete(ctx context.Context) (ActiveCall, error) {
	if err := t.checkReady(ctx); err != nil {
		return ActiveCall{}, &StepError{Step: "verify both calls before the transfer", Err: err}
	}
	body := AttendedTransferBody{
		Hostname:             string(t.ConsultCall.CoreServer),
		DestinationSessionID: string(t.ConsultCall.SessionID),
	}
	if body.Hostname == "" {
		// The schema describes hostname as where the call resides; when the
		// consult row lacks it, the original's core is the best guess.
		body.Hostname = string(t.Original.CoreServer)
	}
	err := t.applied(ctx, fmt.Sprintf("the original caller connected to %s and user %s out of both calls", t.Consult, t.User),
		func(ctx context.Context) error {
			return t.c.TransferAttended(ctx, t.User, string(t.Original.OrigCallID), body)
		}, t.mergedProbe, t.checkReady)
	if err != nil {
		return ActiveCall{}, &StepError{Step: "transfer", Err: err}
	}
	return t.Merged, nil
}

func (t *WarmTransfer) checkReady(ctx context.Context) error {
	calls, err := t.read(ctx)
	if err != nil {
		return err
	}
	var orig, consult *ActiveCall
	for i := range calls {
		switch {
		case string(calls[i].SessionID) == string(t.Original.SessionID):
			orig = &calls[i]
		case t.isConsult(calls[i]):
			consult = &calls[i]
		}
	}
	switch {
	case orig == nil:
		return fmt.Errorf("%w: the original call %s is gone; calls: %s", ErrCallerHungUp, t.Original.SessionID, Summarize(calls))
	case consult == nil:
		return fmt.Errorf("%w: the consultation call (call-id %s) is gone; calls: %s", ErrConsultHungUp, t.ConsultCallID, Summarize(calls))
	case !consult.BothActive():
		return fmt.Errorf("the consultation call is not active on both sides: %s", consult)
	}
	// The far party of the original call must still be connected; the
	// user's own side reads held.
	far := orig.OrigInfo
	if term, _ := userSide(*orig, t.c.domain, t.User); !term {
		far = Text(orig.TermInfo())
	}
	if !strings.EqualFold(string(far), InfoActive) {
		return fmt.Errorf("%w: the original caller is not connected: %s", ErrCallerHungUp, orig)
	}
	t.ConsultCall = *consult
	return nil
}

// AwaitMerged waits until the user is in no call and the original caller
// is connected to the consult. With UserCallsOnly it can only see the
// first half.
func (t *WarmTransfer) AwaitMerged(ctx context.Context) error {
	return t.c.Await(ctx, fmt.Sprintf("the original caller connected to %s and user %s out of both calls", t.Consult, t.User), t.mergedProbe)
}

// mergedProbe reads whether the transfer has landed (see AwaitMerged).
func (t *WarmTransfer) mergedProbe(ctx context.Context) (bool, string, error) {
	calls, err := t.read(ctx)
	if err != nil {
		return false, "", err
	}
	var merged *ActiveCall
	for i, call := range calls {
		if t.mine(call) {
			return false, Summarize(calls), nil
		}
		if t.isMerged(call) {
			merged = &calls[i]
		}
	}
	if t.UserCallsOnly {
		return true, Summarize(calls), nil
	}
	if merged == nil {
		return false, Summarize(calls), nil
	}
	t.Merged = *merged
	return true, Summarize(calls), nil
}

// isMerged recognises the call joining the original caller and the
// consult: the original's far side on one end, the consult on the other.
func (t *WarmTransfer) isMerged(call ActiveCall) bool {
	if !call.BothActive() {
		return false
	}
	consultUser := string(t.ConsultCall.TermUser)
	if consultUser == "" {
		consultUser = t.Consult
	}
	callerIDs := map[string]bool{}
	for _, v := range []Text{t.Original.OrigCallID, t.Original.CallerIDNumber} {
		if v != "" {
			callerIDs[string(v)] = true
		}
	}
	hasCaller := callerIDs[string(call.OrigCallID)] || callerIDs[string(call.CallerIDNumber)]
	hasConsult := string(call.TermUser) == consultUser || string(call.OrigUser) == consultUser
	return hasCaller && hasConsult
}

// AttendedTransfer runs the whole guide: find the user's call, hold it,
// call the consult, wait for the consult to answer, transfer. It returns
// the WarmTransfer so callers can see every id it used.
func (c *Client) AttendedTransfer(ctx context.Context, user, consult string) (*WarmTransfer, error) {
	t := c.NewWarmTransfer(user, consult)
	return t, t.Run(ctx)
}

// Run walks the whole guide from where t stands: it finds the original
// call unless UseOriginal named one, then holds, consults and transfers.
func (t *WarmTransfer) Run(ctx context.Context) error {
	if t.Original.SessionID == "" {
		if _, err := t.FindOriginal(ctx); err != nil {
			return err
		}
	}
	if err := t.Hold(ctx); err != nil {
		return err
	}
	if err := t.StartConsult(ctx); err != nil {
		return err
	}
	if _, err := t.AwaitConsult(ctx); err != nil {
		return err
	}
	_, err := t.Complete(ctx)
	return err
}
