package ringcentral

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// WarmTransfer is the flow of RingCentral's guide "Managing warm
// transfers": the operator holds the customer, calls the consult, and once
// the consult has answered, bridges the operator's party in the customer's
// session with the operator's party in the consult's session. The customer
// then talks to the consult and the operator drops out.
type WarmTransfer struct {
	c    *Client
	desk *Desk

	// Customer is the operator's party in the customer's session (A).
	Customer Leg
	// Consult is the operator's party in the consult session (B), from the
	// call-out answer; Complete confirms it from the notifications.
	Consult Leg
	// ReadAfter is how long a wait on notifications goes without news
	// before the sessions are read over REST (a notification may have been
	// lost); default 2s.
	ReadAfter time.Duration
}

func (wt *WarmTransfer) readAfter() time.Duration {
	if wt.ReadAfter > 0 {
		return wt.ReadAfter
	}
	return 2 * time.Second
}

// BeginWarmTransfer learns the customer's call from the Desk (the
// operator's Inbound, answered party), holds it, and calls the consult
// (POST /telephony/call-out). It returns once the call-out is placed; the
// consult has not answered yet.
func (c *Client) BeginWarmTransfer(ctx context.Context, desk *Desk, from Caller, to Callee) (*WarmTransfer, error) {
	customer, ok := desk.CustomerCall()
	if !ok {
		return nil, fmt.Errorf("ringcentral: warm transfer: no answered inbound call of extension %s to transfer\n%s", desk.Me(), desk.Describe())
	}
	wt := &WarmTransfer{c: c, desk: desk, Customer: customer}
	if _, err := c.Hold(ctx, customer); err != nil {
		return nil, fmt.Errorf("ringcentral: warm transfer: holding the customer: %w", wt.explainEnded(ctx, err))
	}
	known := map[string]bool{}
	for _, s := range desk.Sessions() {
		known[s.ID] = true
	}
	s, err := c.callOut(ctx, from, to, func(id string) bool { return known[id] })
	if err != nil {
		return nil, fmt.Errorf("ringcentral: warm transfer: calling the consult: %w", err)
	}
	wt.Consult.SessionID = s.ID
	if p, ok := s.PartyOf(desk.Me()); ok {
		wt.Consult.PartyID = p.ID
	} else if len(s.Parties) > 0 {
		wt.Consult.PartyID = s.Parties[0].ID // the caller's party comes first
	}
	return wt, nil
}

// AwaitConsult waits until the notifications show the operator's party in
// the consult session Outbound and Answered, takes the party ID from them
// (the guide's source of truth), then confirms with GET session that the
// consult's own party is Answered too.
func (wt *WarmTransfer) AwaitConsult(ctx context.Context) (Leg, error) {
	var leg Leg
	var ended error
	err := wt.desk.awaitOrRead(ctx, wt.c, "the consult to answer (operator's Outbound party Answered in "+wt.Consult.SessionID+")",
		wt.readAfter(), []string{wt.Consult.SessionID, wt.Customer.SessionID}, func() bool {
			if ended = wt.deskEnded(); ended != nil {
				return true
			}
			p, ok := wt.desk.MyParty(wt.Consult.SessionID)
			if ok && p.Direction == Outbound && p.Status.Code == StatusAnswered {
				leg = Leg{SessionID: wt.Consult.SessionID, PartyID: p.ID}
				return true
			}
			return false
		})
	if err != nil {
		return Leg{}, err
	}
	if ended != nil {
		return Leg{}, fmt.Errorf("ringcentral: warm transfer: %w", ended)
	}
	if wt.Consult.PartyID != "" && wt.Consult.PartyID != leg.PartyID {
		return Leg{}, fmt.Errorf("ringcentral: warm transfer: call-out answered with operator party %s but events name %s", wt.Consult.PartyID, leg.PartyID)
	}
	wt.Consult = leg
	// The caller's own party turns Answered when the caller's device is
	// connected, before the callee picks up (CSN RC->RC capture: p-1
	// Answered at seq 4, p-2 Answered at seq 6), and an extension-level
	// subscription never sees the consult's party. So the far end is
	// confirmed by reading the session.
	if err := wt.awaitFarEndAnswered(ctx); err != nil {
		return Leg{}, err
	}
	return leg, nil
}

// awaitFarEndAnswered reads the consult session until every other live
// party in it is Answered.
func (wt *WarmTransfer) awaitFarEndAnswered(ctx context.Context) error {
	wait := 50 * time.Millisecond
	var last string
	for {
		s, err := wt.c.Session(ctx, wt.Consult.SessionID)
		if IsStatus(err, http.StatusNotFound) {
			return fmt.Errorf("ringcentral: warm transfer: %w (consult session %s has ended: %v)", ErrConsultHungUp, wt.Consult.SessionID, err)
		}
		if err != nil {
			return fmt.Errorf("ringcentral: warm transfer: reading the consult session: %w", err)
		}
		answered, parties := farEndAnswered(s, wt.Consult.PartyID)
		if answered {
			return nil
		}
		if farEndLeft(s, wt.Consult.PartyID) {
			return fmt.Errorf("ringcentral: warm transfer: %w (consult session %s: %s)", ErrConsultHungUp, wt.Consult.SessionID, parties)
		}
		last = parties
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("ringcentral: warm transfer: waited for the consult to answer in %s: %w (last seen: %s)", wt.Consult.SessionID, ctx.Err(), last)
		case <-t.C:
		}
		wait = min(2*wait, time.Second)
	}
}

// farEndAnswered says whether a session has, besides the operator's party,
// at least one party and all of them Answered; it also renders them.
func farEndAnswered(s *Session, mine string) (bool, string) {
	var b strings.Builder
	far, ok := 0, true
	for _, p := range s.Parties {
		if p.ID == mine {
			continue
		}
		fmt.Fprintf(&b, "%s %s; ", p.ID, p.Status.Code)
		switch p.Status.Code {
		case StatusDisconnected, StatusGone:
			continue
		case StatusAnswered:
			far++
		default:
			ok = false
		}
	}
	return ok && far > 0, b.String()
}

// farEndLeft says whether every party besides the operator's has ended.
func farEndLeft(s *Session, mine string) bool {
	far := 0
	for _, p := range s.Parties {
		if p.ID == mine {
			continue
		}
		far++
		if p.Status.Code != StatusDisconnected && p.Status.Code != StatusGone {
			return false
		}
	}
	return far > 0
}

// Complete waits for the consult to answer, then bridges: path = the
// customer's session and the operator's party in it, body = the consult's
// session and the operator's party in it. It returns the operator's party
// in the customer's session as the platform answered (Gone /
// AttendedTransfer).
func (wt *WarmTransfer) Complete(ctx context.Context) (*Party, error) {
	consult, err := wt.AwaitConsult(ctx)
	if err != nil {
		return nil, err
	}
	if ended := wt.deskEnded(); ended != nil {
		return nil, fmt.Errorf("ringcentral: warm transfer: %w", ended)
	}
	p, err := wt.c.Bridge(ctx, wt.Customer, consult)
	if err != nil {
		return nil, fmt.Errorf("ringcentral: warm transfer: bridging: %w", wt.explainEnded(ctx, err))
	}
	return p, nil
}

// AwaitSettled waits until the notifications show the operator's two
// parties Gone / AttendedTransfer, each with a peerId pointing at the other.
// When notifications were lost it reads the sessions: then the party in
// the customer's session Gone / AttendedTransfer towards the consult's,
// and the consult's session ended, settle it.
func (wt *WarmTransfer) AwaitSettled(ctx context.Context) error {
	return wt.desk.awaitOrRead(ctx, wt.c, "the operator's parties to end Gone/AttendedTransfer with reciprocal peerId",
		wt.readAfter(), []string{wt.Customer.SessionID, wt.Consult.SessionID}, func() bool {
			// Read over REST, the consult's session is simply gone once
			// its far party moved: that settles the second half too.
			return goneTo(wt.desk, wt.Customer, wt.Consult) && (goneTo(wt.desk, wt.Consult, wt.Customer) || wt.desk.Ended(wt.Consult.SessionID))
		})
}

func goneTo(d *Desk, l, peer Leg) bool {
	s, ok := d.Session(l.SessionID)
	if !ok {
		return false
	}
	p, ok := s.Party(l.PartyID)
	if !ok || p.Status.Code != StatusGone || p.Status.Reason != ReasonAttendedTransfer || p.Status.PeerID == nil {
		return false
	}
	pe := p.Status.PeerID
	return pe.PartyID == peer.PartyID && (pe.TelephonySessionID == peer.SessionID || pe.SessionID == peer.SessionID)
}

// WarmTransferNow runs the whole flow: Begin, then Complete. The consult
// must be answered by someone else meanwhile (a person, or the world).
func (c *Client) WarmTransferNow(ctx context.Context, desk *Desk, from Caller, to Callee) (*WarmTransfer, *Party, error) {
	wt, err := c.BeginWarmTransfer(ctx, desk, from, to)
	if err != nil {
		return nil, nil, err
	}
	p, err := wt.Complete(ctx)
	return wt, p, err
}
