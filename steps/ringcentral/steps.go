package ringcentral

import (
	"fmt"

	"github.com/cucumber/godog"

	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
	"github.com/xfer-conform/xfer-conform/steps"
)

// Steps registers the RingCentral steps, its refusals and its @faults
// steps, and the fault rules' RingCentral placeholders.
func (Vendor) Steps(sc *godog.ScenarioContext, sw *steps.World) {
	w := world{sw}
	registerRingCentral(sc, w)
	f := faults{Faults: sw.Faults(), w: w}
	registerFaultsRingCentral(sc, f)
	f.placeholders()
}

// registerRingCentral adds the RingCentral steps (features/ringcentral).
// Roles are the customer (who calls), the operator (who transfers) and the
// consult (who takes the call over), as in RingCentral's guide "Managing
// warm transfers". The operator acts through the reference client; the
// world (a customer dialling, a consult picking up) acts through the
// world driver: pbxsim's control API, or the vendor API alone on a target
// without one (see WorldDriver).
func registerRingCentral(sc *godog.ScenarioContext, w world) {
	role := `(customer|operator|consult)`
	// Set-up.
	sc.Step(`^the `+role+` follows their RingCentral telephony sessions$`, w.rcFollows)
	// The world.
	sc.Step(`^the customer calls the operator on RingCentral$`, w.rcCustomerCallsOperator)
	// The operator's Call Control actions.
	sc.Step(`^the operator answers the ringing call through Call Control$`, w.rcOperatorAnswers)
	sc.Step(`^the operator learns the customer's call from notifications$`, w.rcLearnsCustomerCall)
	sc.Step(`^the operator holds the customer and calls the consult$`, w.rcBeginWarmTransfer)
	sc.Step(`^the operator learns the consult call from notifications$`, w.rcLearnsConsultCall)
	sc.Step(`^the operator completes the warm transfer$`, w.rcCompleteWarmTransfer)
	sc.Step(`^the operator puts the customer on hold$`, w.rcHold)
	sc.Step(`^the operator takes the customer off hold$`, w.rcUnhold)
	sc.Step(`^the operator (mutes|unmutes) the customer's call$`, w.rcMute)
	sc.Step(`^the operator blind-transfers the customer to the consult's extension$`, w.rcBlindTransfer)
	// What must hold.
	sc.Step(`^the operator's party in the customer's call is (Answered|Hold)( and muted)?$`, w.rcOperatorPartyIs)
	sc.Step(`^the bridge answers with the operator's party Gone by AttendedTransfer, pointing at the consult call$`, w.rcBridgeAnswer)
	sc.Step(`^the operator's notifications show both of the operator's parties Gone by AttendedTransfer with reciprocal peerIds$`, w.rcSettled)
	sc.Step(`^the customer's and the consult's notifications show them Answered in the same session$`, w.rcCustomerMeetsConsult)
	sc.Step(`^reading that session shows the customer and the consult Answered$`, w.rcReadSharedSession)
	sc.Step(`^the transfer answers with the operator's party Disconnected by BlindTransfer$`, w.rcBlindAnswer)
	sc.Step(`^the consult's phone rings with the customer's call$`, w.rcConsultRings)
	sc.Step(`^the operator's Answered notifications of both calls have the fields and ID formats of the guide's sample events$`, w.rcEventShape)
	sc.Step(`^the customer's and the operator's notifications of the customer's call follow the party state order of RingCentral's captures$`, w.rcCapturedOrder)
	registerRingCentralRefusals(sc, w)
}

func (w world) rcFollows(role string) error {
	r, err := w.rc()
	if err != nil {
		return err
	}
	return r.follow(role)
}

func (w world) rcCustomerCallsOperator() error {
	r, err := w.rc()
	if err != nil {
		return err
	}
	from, err := r.phone("customer")
	if err != nil {
		return err
	}
	to, err := r.phone("operator")
	if err != nil {
		return err
	}
	r.worldCall, err = w.Driver.Dial(w.Context(), from, to)
	return err
}

// rcPicksUp answers the role's ringing phone (steps.Vendor.Answer).
func (w world) rcPicksUp(role string) error {
	r, err := w.rc()
	if err != nil {
		return err
	}
	p, err := r.phone(role)
	if err != nil {
		return err
	}
	return w.Driver.Answer(w.Context(), p)
}

// rcHangsUp hangs up the role's newest live call.
func (w world) rcHangsUp(role string) error {
	r, err := w.rc()
	if err != nil {
		return err
	}
	p, err := r.phone(role)
	if err != nil {
		return err
	}
	return w.Driver.HangUp(w.Context(), p, steps.WorldCall{})
}

func (w world) rcOperatorAnswers() error {
	r, err := w.rc()
	if err != nil {
		return err
	}
	op, err := r.following("operator")
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	var leg rc.Leg
	if err := op.desk.Wait(ctx, "the operator's phone to ring (an Inbound party in Setup or Proceeding)", func() bool {
		var ok bool
		leg, ok = op.desk.Ringing()
		return ok
	}); err != nil {
		return err
	}
	p, err := op.client.Answer(ctx, leg, op.facts.DeviceID)
	r.record(fmt.Sprintf("answer %s/%s on device %s", leg.SessionID, leg.PartyID, op.facts.DeviceID), p, err)
	return err
}

func (w world) rcLearnsCustomerCall() error {
	r, err := w.rc()
	if err != nil {
		return err
	}
	op, err := r.following("operator")
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	if err := op.desk.Wait(ctx, "the customer's call: the operator's party Inbound and Answered", func() bool {
		var ok bool
		r.customerCall, ok = op.desk.CustomerCall()
		return ok
	}); err != nil {
		return err
	}
	w.Trace.Addf("ringcentral: customer's call %s, operator's party %s", r.customerCall.SessionID, r.customerCall.PartyID)
	return nil
}

func (w world) rcBeginWarmTransfer() error {
	r, err := w.rc()
	if err != nil {
		return err
	}
	op, err := r.following("operator")
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	wt, err := op.client.BeginWarmTransfer(ctx, op.desk, rc.Caller{DeviceID: op.facts.DeviceID}, rc.Callee{ExtensionNumber: r.facts.Consult.Extension})
	if err != nil {
		return err
	}
	r.Transfer = wt
	r.customerCall = wt.Customer
	w.Trace.Addf("ringcentral: held %s/%s, called the consult: session %s, operator's party %s",
		wt.Customer.SessionID, wt.Customer.PartyID, wt.Consult.SessionID, wt.Consult.PartyID)
	return nil
}

func (r *RCWorld) transfer() (*rc.WarmTransfer, error) {
	if r.Transfer == nil {
		return nil, fmt.Errorf("no warm transfer was begun (add: When the operator holds the customer and calls the consult)")
	}
	return r.Transfer, nil
}

func (w world) rcLearnsConsultCall() error {
	r, err := w.rc()
	if err != nil {
		return err
	}
	wt, err := r.transfer()
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	leg, err := wt.AwaitConsult(ctx)
	if err != nil {
		return err
	}
	w.Trace.Addf("ringcentral: consult call %s, operator's party %s", leg.SessionID, leg.PartyID)
	return nil
}

func (w world) rcCompleteWarmTransfer() error {
	r, err := w.rc()
	if err != nil {
		return err
	}
	wt, err := r.transfer()
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	p, err := wt.Complete(ctx)
	r.record(fmt.Sprintf("bridge %s/%s with %s/%s", wt.Customer.SessionID, wt.Customer.PartyID, wt.Consult.SessionID, wt.Consult.PartyID), p, err)
	return err
}

// customerLeg is the operator's leg in the customer's call, learned first.
func (r *RCWorld) customerLeg() (rc.Leg, error) {
	if r.customerCall.SessionID == "" {
		return rc.Leg{}, fmt.Errorf("the customer's call is not known yet (add: Then the operator learns the customer's call from notifications)")
	}
	return r.customerCall, nil
}

func (w world) rcHold() error   { return w.rcPartyAction("hold") }
func (w world) rcUnhold() error { return w.rcPartyAction("unhold") }

func (w world) rcMute(action string) error { return w.rcPartyAction(action[:len(action)-1]) }

func (w world) rcPartyAction(action string) error {
	r, err := w.rc()
	if err != nil {
		return err
	}
	op, err := r.person("operator")
	if err != nil {
		return err
	}
	leg, err := r.customerLeg()
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	var p *rc.Party
	switch action {
	case "hold":
		p, err = op.client.Hold(ctx, leg)
	case "unhold":
		p, err = op.client.Unhold(ctx, leg)
	case "mute":
		p, err = op.client.Mute(ctx, leg, true)
	case "unmute":
		p, err = op.client.Mute(ctx, leg, false)
	}
	r.record(fmt.Sprintf("%s %s/%s", action, leg.SessionID, leg.PartyID), p, err)
	return err
}

func (w world) rcBlindTransfer() error {
	r, err := w.rc()
	if err != nil {
		return err
	}
	op, err := r.person("operator")
	if err != nil {
		return err
	}
	leg, err := r.customerLeg()
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	p, err := op.client.Transfer(ctx, leg, rc.Callee{ExtensionNumber: r.facts.Consult.Extension})
	r.record(fmt.Sprintf("transfer %s/%s to extension %s", leg.SessionID, leg.PartyID, r.facts.Consult.Extension), p, err)
	return err
}

// StepDoc titles the RingCentral steps on the step page (cmd/stepdoc).
func (Vendor) StepDoc() (title, about string) {
	return "RingCentral", "The customer, the operator and the consult are extensions of one account; the operator acts through the reference RingCentral client, the world through the control API."
}
