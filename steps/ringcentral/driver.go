package ringcentral

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
	"github.com/xfer-conform/xfer-conform/steps"
)

// The RingCentral world without a control API: each role logs in with its
// own JWT. The customer calls out from their device (RingOut, then a
// person, when call-out is refused); a phone is answered with the party's
// answer action on the role's own device (a person, when the device does
// not allow it); a role hangs up by deleting its own party.

// phone names a role's phone for the world driver.
func (r *RCWorld) phone(role string) (steps.Phone, error) {
	f, err := r.factsOf(role)
	if err != nil {
		return steps.Phone{}, err
	}
	addr, _ := r.address(role)
	return steps.Phone{Vendor: "ringcentral", Role: role, Person: f, Address: addr}, nil
}

// rcRefused says the platform answered the request with a refusal (a 4xx
// other than 401: the credentials were accepted, the action was not).
func rcRefused(err error) bool {
	var ae *rc.APIError
	return errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 && ae.Status != http.StatusUnauthorized
}

// learnDevice fills in a role's device from GET /extension/~/device when
// the facts name none: call-out and answer need one. A softphone wins.
func (p *rcPerson) learnDevice(ctx context.Context) {
	if p.facts.DeviceID != "" {
		return
	}
	var out struct {
		Records []struct {
			ID, Type, Status string
		} `json:"records"`
	}
	if err := p.client.Send(ctx, http.MethodGet, "/restapi/v1.0/account/~/extension/~/device", nil, &out); err != nil {
		return
	}
	for _, d := range out.Records {
		if p.facts.DeviceID == "" || strings.EqualFold(d.Type, "SoftPhone") && strings.EqualFold(d.Status, "Online") {
			p.facts.DeviceID = d.ID
		}
	}
}

func (w world) Dial(ctx context.Context, caller, callee steps.Phone) (steps.WorldCall, error) {
	r, err := w.rc()
	if err != nil {
		return steps.WorldCall{}, err
	}
	p, err := r.person(caller.Role)
	if err != nil {
		return steps.WorldCall{}, err
	}
	to := rc.Callee{ExtensionNumber: callee.Person.Extension}
	if to.ExtensionNumber == "" {
		to = rc.Callee{PhoneNumber: callee.Person.Number}
	}
	var why []string
	if p.facts.DeviceID != "" {
		s, err := p.client.CallOut(ctx, rc.Caller{DeviceID: p.facts.DeviceID}, to)
		if err == nil {
			w.Trace.Addf("world: %s calls %s by call-out from device %s (session %s)", caller, callee, p.facts.DeviceID, s.ID)
			return steps.WorldCall{SessionID: s.ID}, nil
		}
		if !rcRefused(err) {
			return steps.WorldCall{}, fmt.Errorf("%s calling %s by call-out: %w", caller, callee, err)
		}
		why = append(why, "call-out refused: "+err.Error())
	} else {
		why = append(why, "no device of "+caller.String()+" is known for call-out")
	}
	// The callee must follow their sessions to see a call the API did not
	// place; follow now, before anything rings.
	if err := r.follow(callee.Role); err != nil {
		return steps.WorldCall{}, err
	}
	target := r.people[callee.Role]
	if caller.Person.Number != "" {
		number := callee.Person.Number
		if number == "" {
			number = callee.Person.Extension
		}
		body := map[string]any{"from": map[string]string{"phoneNumber": caller.Person.Number}, "to": map[string]string{"phoneNumber": number}, "playPrompt": false}
		err := p.client.Send(ctx, http.MethodPost, "/restapi/v1.0/account/~/extension/~/ring-out", body, nil)
		if err == nil {
			w.Trace.Addf("world: %s calls %s by RingOut", caller, callee)
			return steps.WorldCall{}, w.rcAwaitRinging(ctx, target, steps.PhoneTask{Action: "answer", Phone: caller,
				Why: "RingOut rings the caller's own phone first, then " + callee.String()})
		}
		if !rcRefused(err) {
			return steps.WorldCall{}, fmt.Errorf("%s calling %s by RingOut: %w", caller, callee, err)
		}
		why = append(why, "RingOut refused: "+err.Error())
	}
	return steps.WorldCall{}, w.rcAwaitRinging(ctx, target, steps.PhoneTask{Action: "dial", Phone: caller, To: callee, Why: strings.Join(why, "; ")})
}

// rcAwaitRinging asks a person for t and waits until the callee's phone
// rings, as the callee's own notifications show it.
func (w world) rcAwaitRinging(ctx context.Context, callee *rcPerson, t steps.PhoneTask) error {
	pctx, cancel, err := w.AskPerson(ctx, t)
	if err != nil {
		return err
	}
	defer cancel()
	return callee.desk.Wait(pctx, "the phone of the "+callee.role+" to ring after: "+t.String(), func() bool {
		_, ok := callee.desk.Ringing()
		return ok
	})
}

func (w world) Answer(ctx context.Context, ph steps.Phone) error {
	r, err := w.rc()
	if err != nil {
		return err
	}
	if err := r.follow(ph.Role); err != nil {
		return err
	}
	p := r.people[ph.Role]
	sctx, cancel := context.WithTimeout(ctx, w.Timeout)

	defer cancel()
	var leg rc.Leg
	if err := p.desk.Wait(sctx, "the phone of the "+ph.Role+" to ring (an Inbound party in Setup or Proceeding)", func() bool {
		var ok bool
		leg, ok = p.desk.Ringing()
		return ok
	}); err != nil {
		return err
	}
	_, err = p.client.Answer(sctx, leg, p.facts.DeviceID)
	if err == nil {
		w.Trace.Addf("world: %s answers by the answer action (%s/%s, device %s)", ph, leg.SessionID, leg.PartyID, p.facts.DeviceID)
		return nil
	}
	if !rcRefused(err) {
		return fmt.Errorf("%s answering %s/%s: %w", ph, leg.SessionID, leg.PartyID, err)
	}
	pctx, pcancel, perr := w.AskPerson(ctx, steps.PhoneTask{Action: "answer", Phone: ph, Why: "the answer action was refused: " + err.Error()})
	if perr != nil {
		return perr
	}
	defer pcancel()
	return p.desk.Wait(pctx, fmt.Sprintf("%s's party %s to be Answered", ph, leg.PartyID), func() bool {
		mine, ok := p.desk.MyParty(leg.SessionID)
		return ok && mine.Status.Code == rc.StatusAnswered
	})
}

func rcLive(p rc.Party) bool {
	switch p.Status.Code {
	case rc.StatusSetup, rc.StatusProceeding, rc.StatusAnswered, rc.StatusHold:
		return true
	}
	return false
}

// rcLiveLeg finds a role's newest live party: in its own notifications
// when it follows them, else in the session the world placed.
func (r *RCWorld) rcLiveLeg(ctx context.Context, p *rcPerson, call steps.WorldCall) (rc.Leg, bool, error) {
	if p.sub != nil {
		s := p.desk.Sessions()
		for i := len(s) - 1; i >= 0; i-- {
			if mine, ok := p.desk.MyParty(s[i].ID); ok && rcLive(mine) {
				return rc.Leg{SessionID: s[i].ID, PartyID: mine.ID}, true, nil
			}
		}
	}
	if call.SessionID == "" {
		return rc.Leg{}, false, nil
	}
	s, err := p.client.Session(ctx, call.SessionID)
	if err != nil {
		return rc.Leg{}, false, err
	}
	for _, party := range s.Parties {
		if party.OwnerExtensionID() == p.desk.Me() && rcLive(party) {
			return rc.Leg{SessionID: s.ID, PartyID: party.ID}, true, nil
		}
	}
	return rc.Leg{}, false, nil
}

func (w world) HangUp(ctx context.Context, ph steps.Phone, call steps.WorldCall) error {
	r, err := w.rc()
	if err != nil {
		return err
	}
	p, err := r.person(ph.Role)
	if err != nil {
		return err
	}
	leg, ok, err := r.rcLiveLeg(ctx, p, call)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s has no live call to hang up\n%s", ph, r.describeDesks())
	}
	path := "/restapi/v1.0/account/~/telephony/sessions/" + url.PathEscape(leg.SessionID) + "/parties/" + url.PathEscape(leg.PartyID)
	err = p.client.Send(ctx, http.MethodDelete, path, nil, nil)
	if err == nil {
		w.Trace.Addf("world: %s hangs up (deleted party %s/%s)", ph, leg.SessionID, leg.PartyID)
		return nil
	}
	if !rcRefused(err) {
		return fmt.Errorf("%s hanging up %s/%s: %w", ph, leg.SessionID, leg.PartyID, err)
	}
	pctx, cancel, perr := w.AskPerson(ctx, steps.PhoneTask{Action: "hang up", Phone: ph, Why: "deleting the party was refused: " + err.Error()})
	if perr != nil {
		return perr
	}
	defer cancel()
	return steps.Await(pctx, w.PersonTimeout(), fmt.Sprintf("%s's party %s to end", ph, leg.PartyID), func() (bool, string, error) {
		party, err := p.client.Party(pctx, leg)
		if rc.IsStatus(err, http.StatusNotFound) {
			return true, "party gone", nil
		}
		if err != nil {
			return false, "", err
		}
		return !rcLive(*party), party.Status.Code, nil
	})
}

// endCalls drops every session a role of this scenario still has a live
// party in, so a tenant (or a shared pbxsim) starts the next scenario
// without them. Best effort: the scenario's result is already decided.
func (r *RCWorld) endCalls() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	dropped := map[string]bool{}
	for _, role := range []string{"operator", "consult", "customer"} {
		p := r.people[role]
		if p == nil || p.sub == nil {
			continue
		}
		for _, s := range p.desk.Sessions() {
			if dropped[s.ID] {
				continue
			}
			for _, party := range s.Parties {
				if rcLive(party) {
					dropped[s.ID] = true
					if err := p.client.Drop(ctx, s.ID); err == nil {
						r.w.Trace.Addf("world: ended session %s after the scenario", s.ID)
					}
					break
				}
			}
		}
	}
}

// Name says how the world is played: world is RingCentral's world driver
// (steps.WorldDriver), for targets without a control API.
func (w world) Name() string { return "the RingCentral API" }

// Driver plays the world through RingCentral's API alone (driver.go).
func (Vendor) Driver(sw *steps.World) steps.WorldDriver { return world{sw} }
