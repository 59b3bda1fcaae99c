package ringcentral

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Reconciling the operations that are not idempotent. When a POST on a
// party gets a 5xx or no answer, the client cannot tell whether the
// platform acted. Sending it again blindly could bridge twice or place two
// calls; giving up could abandon a transfer that in fact went through. So
// the client reads state first:
//
//   - a party action (answer, hold, unhold, blind transfer, bridge) reads
//     the party: already in the state the action leads to → done, with the
//     party as read; still in the state it starts from → not done, send it
//     again; anything else (or the read fails) → give up, saying so.
//     Hold and unhold are state-setting, but the platform may refuse to
//     hold a held party, so they are reconciled the same way rather than
//     resent blindly.
//   - a call-out reads the extension's presence (detailedTelephonyState):
//     one new Outbound call → it was placed, read its session; none → send
//     again; more than one → give up (cannot tell which is ours).
//
// A read cannot see a request still in flight at the server; RingCentral
// acts on Call Control requests before it answers, so a lost answer means
// the action is visible by the time the client reads.

// ErrConsultHungUp says the consult left before the bridge: the warm
// transfer cannot complete.
var ErrConsultHungUp = errors.New("the consult hung up before the bridge")

// ErrCustomerHungUp says the customer left while held: there is nobody to
// transfer.
var ErrCustomerHungUp = errors.New("the customer hung up while held")

// partyGoal says what a party action leads to.
type partyGoal struct {
	what    string
	done    func(Party) bool
	pending func(Party) bool
}

func statusIs(codes ...string) func(Party) bool {
	return func(p Party) bool {
		for _, c := range codes {
			if p.Status.Code == c {
				return true
			}
		}
		return false
	}
}

var (
	goalHold     = partyGoal{"hold", statusIs(StatusHold), statusIs(StatusAnswered)}
	goalUnhold   = partyGoal{"unhold", statusIs(StatusAnswered), statusIs(StatusHold)}
	goalAnswer   = partyGoal{"answer", statusIs(StatusAnswered), statusIs(StatusSetup, StatusProceeding)}
	goalTransfer = partyGoal{"blind transfer",
		func(p Party) bool {
			return (p.Status.Code == StatusDisconnected || p.Status.Code == StatusGone) && p.Status.Reason == ReasonBlindTransfer
		}, statusIs(StatusAnswered, StatusHold)}
	goalBridge = partyGoal{"bridge",
		func(p Party) bool { return p.Status.Code == StatusGone && p.Status.Reason == ReasonAttendedTransfer },
		statusIs(StatusAnswered, StatusHold)}
)

// settle sends a party action and reconciles a lost outcome by reading
// the party l.
func (c *Client) settle(ctx context.Context, l Leg, goal partyGoal, send func() (*Party, error)) (*Party, error) {
	p := c.policy(ctx)
	var op string // named once an answer is lost: most actions settle at once
	var attempts []Attempt
	var waited time.Duration
	for n := 1; ; n++ {
		got, err := send()
		if err == nil || !IsOutcomeUnknown(err) {
			return got, err
		}
		if op == "" {
			op = fmt.Sprintf("%s %s/%s", goal.what, l.SessionID, l.PartyID)
		}
		attempts = append(attempts, Attempt{Err: err, Waited: waited})
		read, rerr := c.Party(ctx, l)
		if rerr != nil {
			return nil, &GiveUpError{Op: op, Attempts: attempts, OutcomeUnknown: true,
				Reason: "the answer was lost and reading the party to learn whether it happened failed too: " + strings.TrimPrefix(rerr.Error(), "ringcentral: ")}
		}
		switch {
		case goal.done(*read):
			return read, nil // it happened; the party as read is the answer
		case !goal.pending(*read):
			return nil, &GiveUpError{Op: op, Attempts: attempts,
				Reason: fmt.Sprintf("the answer was lost and the party now reads %s: the %s did not happen and cannot be sent again", describeParty(*read), goal.what)}
		case n >= p.MaxAttempts:
			return nil, &GiveUpError{Op: op, Attempts: attempts,
				Reason: fmt.Sprintf("sent %d times, each answer lost, and the party still reads %s", n, describeParty(*read))}
		}
		waited = p.backoff(n)
		if err := p.Sleep(ctx, waited); err != nil {
			return nil, &GiveUpError{Op: op, Attempts: attempts, Reason: "the context ended while waiting to send again (" + err.Error() + ")"}
		}
	}
}

// presencePath is the logged-in extension's presence with its active calls.
const presencePath = accountPath + "/extension/~/presence?detailedTelephonyState=true"

// ActiveCall is one entry of a presence's activeCalls.
type ActiveCall struct {
	ID                 string `json:"id"`
	Direction          string `json:"direction"`
	From               string `json:"from"`
	To                 string `json:"to"`
	TelephonyStatus    string `json:"telephonyStatus"`
	SessionID          string `json:"sessionId"`
	TelephonySessionID string `json:"telephonySessionId"`
	PartyID            string `json:"partyId"`
}

// ActiveCalls reads the logged-in extension's active calls
// (GET .../extension/~/presence?detailedTelephonyState=true).
func (c *Client) ActiveCalls(ctx context.Context) ([]ActiveCall, error) {
	var out struct {
		ActiveCalls []ActiveCall `json:"activeCalls"`
	}
	if err := c.Send(ctx, http.MethodGet, presencePath, nil, &out); err != nil {
		return nil, err
	}
	return out.ActiveCalls, nil
}

// callOut places a call-out, reconciling a lost answer through presence.
// known tells sessions that existed before (nil: none did).
func (c *Client) callOut(ctx context.Context, from Caller, to Callee, known func(sessionID string) bool) (*Session, error) {
	p := c.policy(ctx)
	var op string // named once an answer is lost, as settle does
	var attempts []Attempt
	var waited time.Duration
	for n := 1; ; n++ {
		s, err := c.callOutOnce(ctx, from, to)
		if err == nil || !IsOutcomeUnknown(err) {
			return s, err
		}
		if op == "" {
			op = "call-out to " + to.describe()
		}
		attempts = append(attempts, Attempt{Err: err, Waited: waited})
		calls, rerr := c.ActiveCalls(ctx)
		if rerr != nil {
			return nil, &GiveUpError{Op: op, Attempts: attempts, OutcomeUnknown: true,
				Reason: "the answer was lost and reading presence to learn whether the call was placed failed too: " + strings.TrimPrefix(rerr.Error(), "ringcentral: ")}
		}
		var placed []ActiveCall
		for _, ac := range calls {
			if ac.Direction == Outbound && ac.TelephonySessionID != "" && (known == nil || !known(ac.TelephonySessionID)) {
				placed = append(placed, ac)
			}
		}
		switch {
		case len(placed) == 1:
			return c.Session(ctx, placed[0].TelephonySessionID)
		case len(placed) > 1:
			return nil, &GiveUpError{Op: op, Attempts: attempts, OutcomeUnknown: true,
				Reason: fmt.Sprintf("the answer was lost and presence shows %d new outbound calls: cannot tell which one is ours", len(placed))}
		case n >= p.MaxAttempts:
			return nil, &GiveUpError{Op: op, Attempts: attempts,
				Reason: fmt.Sprintf("sent %d times, each answer lost, and presence shows no call placed", n)}
		}
		waited = p.backoff(n)
		if err := p.Sleep(ctx, waited); err != nil {
			return nil, &GiveUpError{Op: op, Attempts: attempts, Reason: "the context ended while waiting to send again (" + err.Error() + ")"}
		}
	}
}

func (to Callee) describe() string {
	switch {
	case to.ExtensionNumber != "":
		return "extension " + to.ExtensionNumber
	case to.PhoneNumber != "":
		return to.PhoneNumber
	case to.ExtensionID != "":
		return "extension id " + to.ExtensionID
	}
	return "?"
}

// explainEnded turns a failed transfer step into ErrCustomerHungUp or
// ErrConsultHungUp when reading the two sessions shows one side left;
// otherwise it returns err unchanged.
func (wt *WarmTransfer) explainEnded(ctx context.Context, err error) error {
	if why := wt.whoLeft(ctx); why != nil {
		return fmt.Errorf("%w (%v)", why, err)
	}
	return err
}

// whoLeft reads both sessions and says which side is gone, if any.
func (wt *WarmTransfer) whoLeft(ctx context.Context) error {
	ended := func(l Leg) bool {
		if l.SessionID == "" {
			return false
		}
		s, err := wt.c.Session(ctx, l.SessionID)
		if IsStatus(err, http.StatusNotFound) {
			return true
		}
		if err != nil {
			return false
		}
		p, ok := s.Party(l.PartyID)
		if ok && p.Status.Code == StatusDisconnected {
			return true
		}
		far, live := 0, 0
		for _, q := range s.Parties {
			if q.ID == l.PartyID {
				continue
			}
			far++
			if q.Status.Code != StatusDisconnected && q.Status.Code != StatusGone {
				live++
			}
		}
		return far > 0 && live == 0
	}
	switch {
	case ended(wt.Customer):
		return ErrCustomerHungUp
	case ended(wt.Consult):
		return ErrConsultHungUp
	}
	return nil
}

// deskEnded says from the Desk alone whether one side has left.
// It is meant for before the bridge, which ends one session legitimately.
func (wt *WarmTransfer) deskEnded() error {
	if p, ok := wt.desk.MyParty(wt.Customer.SessionID); (ok && p.Status.Code == StatusDisconnected) || wt.desk.Ended(wt.Customer.SessionID) {
		return ErrCustomerHungUp
	}
	if wt.Consult.SessionID != "" {
		if p, ok := wt.desk.MyParty(wt.Consult.SessionID); (ok && p.Status.Code == StatusDisconnected) || wt.desk.Ended(wt.Consult.SessionID) {
			return ErrConsultHungUp
		}
	}
	return nil
}
