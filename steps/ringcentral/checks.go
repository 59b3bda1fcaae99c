package ringcentral

import (
	"fmt"
	"strings"

	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
)

// The RingCentral assertion steps: what the operator, the customer and the
// consult see through their own notifications, confirmed with REST reads.

func (r *RCWorld) rcOperatorPartyIs(code, muted string) error {
	op, err := r.following("operator")
	if err != nil {
		return err
	}
	leg, err := r.customerLeg()
	if err != nil {
		return err
	}
	wantMuted := muted != ""
	ctx, cancel := r.stepCtx()
	defer cancel()
	// Notifications first (what an integration sees), then the REST read.
	if err := op.desk.Wait(ctx, fmt.Sprintf("the operator's party %s to be %s%s in notifications", leg.PartyID, code, muted), func() bool {
		p, ok := op.desk.MyParty(leg.SessionID)
		return ok && p.Status.Code == code && (!wantMuted || p.Muted)
	}); err != nil {
		return err
	}
	p, err := op.client.Party(ctx, leg)
	if err != nil {
		return fmt.Errorf("reading the operator's party %s: %w", leg.PartyID, err)
	}
	if p.Status.Code != code || p.Muted != wantMuted {
		return fmt.Errorf("GET party %s answers %s muted=%v, want %s muted=%v (notifications agreed)", leg.PartyID, p.Status.Code, p.Muted, code, wantMuted)
	}
	return nil
}

func (r *RCWorld) rcBridgeAnswer() error {
	wt, err := r.transfer()
	if err != nil {
		return err
	}
	if r.lastErr != nil {
		return fmt.Errorf("%s was refused: %w", r.lastRequest, r.lastErr)
	}
	p := r.lastParty
	if p == nil {
		return fmt.Errorf("%s answered no party", r.lastRequest)
	}
	var problems []string
	if p.ID != wt.Customer.PartyID {
		problems = append(problems, fmt.Sprintf("party id %s, want the path party %s", p.ID, wt.Customer.PartyID))
	}
	if p.Status.Code != rc.StatusGone || p.Status.Reason != rc.ReasonAttendedTransfer {
		problems = append(problems, fmt.Sprintf("status %s/%s, want Gone/AttendedTransfer", p.Status.Code, p.Status.Reason))
	}
	if pe := p.Status.PeerID; pe == nil {
		problems = append(problems, "no status.peerId")
	} else if pe.PartyID != wt.Consult.PartyID || (pe.TelephonySessionID != wt.Consult.SessionID && pe.SessionID != wt.Consult.SessionID) {
		problems = append(problems, fmt.Sprintf("peerId %+v, want partyId %s in session %s", *pe, wt.Consult.PartyID, wt.Consult.SessionID))
	}
	if len(problems) > 0 {
		return fmt.Errorf("the bridge answer is wrong: %s", strings.Join(problems, "; "))
	}
	return nil
}

func (r *RCWorld) rcSettled() error {
	wt, err := r.transfer()
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	return wt.AwaitSettled(ctx)
}

// sharedSession is the session where both the customer's and the
// consult's own parties are Answered, seen in their own notifications.
func (r *RCWorld) sharedSession() (string, error) {
	cust, err := r.following("customer")
	if err != nil {
		return "", err
	}
	cons, err := r.following("consult")
	if err != nil {
		return "", err
	}
	var shared string
	err = r.w.Await("the customer and the consult Answered in one session (each in their own notifications)", func() (bool, string, error) {
		var seen []string
		for _, s := range cust.desk.Sessions() {
			cp, ok := cust.desk.MyParty(s.ID)
			if !ok {
				continue
			}
			kp, kok := cons.desk.MyParty(s.ID)
			kcode := "-"
			if kok {
				kcode = kp.Status.Code
			}
			seen = append(seen, fmt.Sprintf("%s customer %s consult %s", s.ID, cp.Status.Code, kcode))
			if cp.Status.Code == rc.StatusAnswered && kok && kp.Status.Code == rc.StatusAnswered {
				shared = s.ID
				return true, strings.Join(seen, "; "), nil
			}
		}
		return false, strings.Join(seen, "; "), nil
	})
	if err != nil {
		return "", fmt.Errorf("%w\n%s", err, r.describeDesks())
	}
	return shared, nil
}

func (r *RCWorld) rcCustomerMeetsConsult() error {
	w := r.w
	s, err := r.sharedSession()
	if err != nil {
		return err
	}
	w.Vars["ringcentral:shared-session"] = s
	w.Trace.Addf("ringcentral: the customer and the consult are Answered in %s", s)
	return nil
}

func (r *RCWorld) rcReadSharedSession() error {
	w := r.w
	sid := w.Vars["ringcentral:shared-session"]
	if sid == "" {
		return fmt.Errorf("no shared session is known (add: Then the customer's and the consult's notifications show them Answered in the same session)")
	}
	cust, err := r.person("customer")
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	s, err := cust.client.Session(ctx, sid)
	if err != nil {
		return fmt.Errorf("the customer reading session %s: %w", sid, err)
	}
	var seen []string
	ok := map[string]bool{}
	for _, p := range s.Parties {
		seen = append(seen, fmt.Sprintf("%s ext=%s %s/%s", p.ID, p.OwnerExtensionID(), p.Status.Code, p.Status.Reason))
		for _, role := range []string{"customer", "consult"} {
			f, _ := r.factsOf(role)
			if p.OwnerExtensionID() == f.ID && p.Status.Code == rc.StatusAnswered {
				ok[role] = true
			}
		}
		if f, _ := r.factsOf("operator"); p.OwnerExtensionID() == f.ID && (p.Status.Code == rc.StatusAnswered || p.Status.Code == rc.StatusHold) {
			return fmt.Errorf("GET session %s still has the operator live: %s", sid, strings.Join(seen, "; "))
		}
	}
	if !ok["customer"] || !ok["consult"] {
		return fmt.Errorf("GET session %s does not show the customer and the consult Answered: %s", sid, strings.Join(seen, "; "))
	}
	return nil
}

func (r *RCWorld) rcBlindAnswer() error {
	if r.lastErr != nil {
		return fmt.Errorf("%s was refused: %w", r.lastRequest, r.lastErr)
	}
	p := r.lastParty
	if p == nil || p.Status.Code != rc.StatusDisconnected || p.Status.Reason != rc.ReasonBlindTransfer {
		return fmt.Errorf("%s answered %+v, want the operator's party Disconnected/BlindTransfer", r.lastRequest, p)
	}
	return nil
}

func (r *RCWorld) rcConsultRings() error {
	cons, err := r.following("consult")
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	return cons.desk.Wait(ctx, "the consult's phone to ring with a call from the customer", func() bool {
		leg, ok := cons.desk.Ringing()
		if !ok {
			return false
		}
		p, _ := cons.desk.MyParty(leg.SessionID)
		return p.From.ExtensionID == r.facts.Customer.ID || p.From.PhoneNumber == r.facts.Customer.Extension || p.From.PhoneNumber == r.facts.Customer.Number
	})
}
