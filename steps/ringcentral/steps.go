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
	sc.Step(`^the `+role+` follows their RingCentral telephony sessions$`, steps.On1(w.rc, (*RCWorld).rcFollows))
	// The world.
	// The older wording of the shared "the customer calls the operator",
	// kept for users' features.
	sc.Step(`^the customer calls the operator on RingCentral$`, steps.On(w.rc, (*RCWorld).rcCustomerCallsOperator))
	// The operator's Call Control actions.
	sc.Step(`^the operator answers the ringing call through Call Control$`, steps.On(w.rc, (*RCWorld).rcOperatorAnswers))
	sc.Step(`^the operator learns the customer's call from notifications$`, steps.On(w.rc, (*RCWorld).rcLearnsCustomerCall))
	sc.Step(`^the operator holds the customer and calls the consult$`, steps.On(w.rc, (*RCWorld).rcBeginWarmTransfer))
	sc.Step(`^the operator learns the consult call from notifications$`, steps.On(w.rc, (*RCWorld).rcLearnsConsultCall))
	sc.Step(`^the operator completes the warm transfer$`, steps.On(w.rc, (*RCWorld).rcCompleteWarmTransfer))
	sc.Step(`^the operator puts the customer on hold$`, steps.On(w.rc, (*RCWorld).rcHold))

	sc.Step(`^the operator takes the customer off hold$`, steps.On(w.rc, (*RCWorld).rcUnhold))

	sc.Step(`^the operator (mutes|unmutes) the customer's call$`, steps.On1(w.rc, (*RCWorld).rcMute))

	sc.Step(`^the operator blind-transfers the customer to the consult's extension$`, steps.On(w.rc, (*RCWorld).rcBlindTransfer))
	// What must hold.
	sc.Step(`^the operator's party in the customer's call is (Answered|Hold)( and muted)?$`, steps.On2(w.rc, (*RCWorld).rcOperatorPartyIs))
	sc.Step(`^the bridge answers with the operator's party Gone by AttendedTransfer, pointing at the consult call$`, steps.On(w.rc, (*RCWorld).rcBridgeAnswer))
	sc.Step(`^the operator's notifications show both of the operator's parties Gone by AttendedTransfer with reciprocal peerIds$`, steps.On(w.rc, (*RCWorld).rcSettled))
	sc.Step(`^the customer's and the consult's notifications show them Answered in the same session$`, steps.On(w.rc, (*RCWorld).rcCustomerMeetsConsult))
	sc.Step(`^reading that session shows the customer and the consult Answered$`, steps.On(w.rc, (*RCWorld).rcReadSharedSession))
	sc.Step(`^the transfer answers with the operator's party Disconnected by BlindTransfer$`, steps.On(w.rc, (*RCWorld).rcBlindAnswer))
	sc.Step(`^the consult's phone rings with the customer's call$`, steps.On(w.rc, (*RCWorld).rcConsultRings))
	sc.Step(`^the operator's Answered notifications of both calls have the fields and ID formats of the guide's sample events$`, steps.On(w.rc, (*RCWorld).rcEventShape))
	sc.Step(`^the customer's and the operator's notifications of the customer's call follow the party state order of RingCentral's captures$`, steps.On(w.rc, (*RCWorld).rcCapturedOrder))
	registerRingCentralRefusals(sc, w)
}

func (r *RCWorld) rcFollows(role string) error {
	return r.follow(role)
}

func (r *RCWorld) rcCustomerCallsOperator() error {
	w := r.w
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
func (r *RCWorld) rcPicksUp(role string) error {
	w := r.w
	p, err := r.phone(role)
	if err != nil {
		return err
	}
	return w.Driver.Answer(w.Context(), p)
}

// Answer picks up the role's phone: "the consult picks up".
// CustomerCalls plays the shared "the customer calls the operator": the
// customer's extension calls the operator's (steps.CustomerCaller).
func (Vendor) CustomerCalls(sw *steps.World) error {
	return steps.On(world{sw}.rc, (*RCWorld).rcCustomerCallsOperator)()
}

func (Vendor) Answer(sw *steps.World, role string) error {
	return steps.On1(world{sw}.rc, (*RCWorld).rcPicksUp)(role)
}

// rcHangsUp hangs up the role's newest live call.
func (r *RCWorld) rcHangsUp(role string) error {
	w := r.w
	p, err := r.phone(role)
	if err != nil {
		return err
	}
	return w.Driver.HangUp(w.Context(), p, steps.WorldCall{})
}

// HangUp hangs up the role's newest live call: "the customer hangs up".
func (Vendor) HangUp(sw *steps.World, role string) error {
	return steps.On1(world{sw}.rc, (*RCWorld).rcHangsUp)(role)
}

func (r *RCWorld) rcOperatorAnswers() error {
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

func (r *RCWorld) rcLearnsCustomerCall() error {
	w := r.w
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

func (r *RCWorld) rcBeginWarmTransfer() error {
	w := r.w
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

func (r *RCWorld) rcLearnsConsultCall() error {
	w := r.w
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

func (r *RCWorld) rcCompleteWarmTransfer() error {
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

func (r *RCWorld) rcHold() error   { return r.rcPartyAction("hold") }
func (r *RCWorld) rcUnhold() error { return r.rcPartyAction("unhold") }

func (r *RCWorld) rcMute(action string) error { return r.rcPartyAction(action[:len(action)-1]) }

func (r *RCWorld) rcPartyAction(action string) error {
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

func (r *RCWorld) rcBlindTransfer() error {
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
