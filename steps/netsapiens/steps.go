package netsapiens

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/client/netsapiens"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/judge"
)

// Steps registers the NetSapiens steps and its @faults steps.
func (Vendor) Steps(sc *godog.ScenarioContext, sw *steps.World) {
	w := world{sw}
	registerNetSapiens(sc, w)
	registerFaultsNetSapiens(sc, faults{Faults: sw.Faults(), w: w})
}

// registerNetSapiens adds the NetSapiens steps: the world around the
// operator (through the world driver), the operator's attended transfer
// through the reference client, the traps, and webhook checks.
func registerNetSapiens(sc *godog.ScenarioContext, w world) {
	// The world.
	sc.Step(`^the outside caller has called the inbound number and the operator answered$`, steps.On(w.ns, (*NSWorld).callerReachesOperator))

	// Credentials.
	sc.Step(`^the operator uses the domain's read-only key$`, steps.On(w.ns, (*NSWorld).useReadOnlyKey))

	// The guide, step by step.
	sc.Step(`^the operator reads the domain's active calls$`, steps.On(w.ns, (*NSWorld).readOriginal))
	sc.Step(`^the operator's call shows a call-session-id, a call-orig-call-id and a call-term-call-id$`, steps.On(w.ns, (*NSWorld).originalHasIDs))
	sc.Step(`^the operator puts the original call on hold by its (call-term-call-id|call-orig-call-id)$`, steps.On1(w.ns, (*NSWorld).holdBy))
	sc.Step(`^the operator places a consultation call to the consult$`, steps.On(w.ns, (*NSWorld).placeConsult))
	sc.Step(`^the consult's phone rings$`, steps.On(w.ns, (*NSWorld).consultRings))
	sc.Step(`^the consultation call is active on both sides$`, steps.On(w.ns, (*NSWorld).consultActive))
	sc.Step(`^the consultation call is still active on both sides$`, steps.On(w.ns, (*NSWorld).consultActive))
	sc.Step(`^the operator completes the attended transfer on the (call-orig-call-id|call-term-call-id) with the consult call's hostname and session$`, steps.On1(w.ns, (*NSWorld).transferOn))
	sc.Step(`^the operator completes the attended transfer on the call-orig-call-id to session "([^"]+)"$`, steps.On1(w.ns, (*NSWorld).transferToSession))
	sc.Step(`^the operator sends the transfer on the call-orig-call-id with the consult call's hostname and session and call-term-user set to the consult$`, steps.On(w.ns, (*NSWorld).transferWithCallTermUser))
	sc.Step(`^the operator runs the attended transfer to the consult, who answers$`, steps.On(w.ns, (*NSWorld).runWholeGuide))

	// Shortcuts to a state, for scenarios about a later step.
	sc.Step(`^the operator has the caller on hold$`, steps.On(w.ns, (*NSWorld).haveCallerOnHold))
	sc.Step(`^the operator has placed a consultation call to the consult$`, steps.On(w.ns, (*NSWorld).placeConsult))
	sc.Step(`^the operator has the caller on hold and is talking to the consult on a consultation call$`, steps.On(w.ns, (*NSWorld).haveConsultUp))

	// Outcomes.
	sc.Step(`^the server answers 202 Accepted$`, steps.On(w.ns, (*NSWorld).answered202))
	sc.Step(`^the server refuses it with (\d{3})$`, func(status int) error {
		n, err := w.ns()
		if err != nil {
			return err
		}
		return n.refusedWith(status)
	})
	sc.Step(`^pbxsim notes "([^"]+)"$`, steps.On1(w.ns, (*NSWorld).pbxsimNotes))
	sc.Step(`^the operator's side of the original call (?:still )?reads "([^"]+)"$`, steps.On1(w.ns, (*NSWorld).operatorSideReads))
	sc.Step(`^the outside caller's side of the original call reads "([^"]+)"$`, steps.On1(w.ns, (*NSWorld).callerSideReads))
	sc.Step(`^the outside caller is talking to the consult$`, steps.On(w.ns, (*NSWorld).callerTalksToConsult))
	sc.Step(`^the operator is in no call$`, steps.On(w.ns, (*NSWorld).operatorInNoCall))
	sc.Step(`^the consultation call has ended$`, steps.On(w.ns, (*NSWorld).consultEnded))
	sc.Step(`^the attended transfer does not complete$`, steps.On(w.ns, (*NSWorld).transferDidNotComplete))
	sc.Step(`^the outside caller's call now rings the consult as a blind transfer$`, steps.On(w.ns, (*NSWorld).callerBlindTransferred))

	// Webhooks.
	sc.Step(`^a "([^"]+)" event subscription posting to the steps' receiver$`, steps.On1(w.ns, (*NSWorld).subscribe))
	sc.Step(`^the receiver got a post for every change of the (original|consultation) call, ending with remove "yes"$`, steps.On1(w.ns, (*NSWorld).postedEveryChange))
	sc.Step(`^the posts of the original call show, in order:$`, func(table *godog.Table) error {
		n, err := w.ns()
		if err != nil {
			return err
		}
		return n.postsInOrder(table)
	})
	sc.Step(`^the subscription reads status "([^"]+)"$`, steps.On1(w.ns, (*NSWorld).subscriptionStatus))

	registerNetSapiensActions(sc, w)
}

// callerReachesOperator is the guide's step 1: +15555555555 calls
// +11111111111, routed to the operator, who answers on the webphone.
func (n *NSWorld) callerReachesOperator() error {
	if err := n.callerDials(); err != nil {
		return err
	}
	if err := n.w.Driver.Answer(n.w.Context(), n.phone("operator")); err != nil {
		return err
	}
	// The NS API must show it too, both sides active.
	return n.awaitWorldCall("the world's call answered by the operator", netsapiens.ActiveCall.BothActive)
}

// callerDials: the outside caller calls the inbound number.
func (n *NSWorld) callerDials() error {
	wc, err := n.w.Driver.Dial(n.w.Context(), n.phone("outside caller"), n.phone("inbound number"))
	n.worldCall = wc
	return err
}

// answer picks up the role's phone (steps.Vendor.Answer).
func (n *NSWorld) answer(role string) error {
	return n.w.Driver.Answer(n.w.Context(), n.phone(nsRole(role)))
}

// Answer picks up the role's phone: "the consult answers".
// CustomerCalls plays the shared "the outside caller calls the
// operator": the outside caller dials the inbound number, routed to the
// operator (steps.CustomerCaller).
func (Vendor) CustomerCalls(sw *steps.World) error {
	return steps.On(world{sw}.ns, (*NSWorld).callerDials)()
}

func (Vendor) Answer(sw *steps.World, role string) error {
	return steps.On1(world{sw}.ns, (*NSWorld).answer)(role)
}

// hangUp hangs up the role's phone (steps.Vendor.HangUp): the outside
// caller's in the world's call.
func (n *NSWorld) hangUp(role string) error {
	if nsRole(role) != "outside caller" {
		return n.w.Driver.HangUp(n.w.Context(), n.phone(role), steps.WorldCall{})
	}
	return n.callerHangsUp()
}

// HangUp: the outside caller hangs up the world's call; the others their newest.
func (Vendor) HangUp(sw *steps.World, role string) error {
	return steps.On1(world{sw}.ns, (*NSWorld).hangUp)(role)
}

func (n *NSWorld) consultAnswers() error { return n.answer("consult") }

// nsRole is NetSapiens' word for a role of the world sentences: the
// customer is the outside caller.
func nsRole(role string) string {
	if role == "customer" {
		return "outside caller"
	}
	return role
}

func (n *NSWorld) callerHangsUp() error {
	wc := n.worldCall
	if wc.ControlID == "" {
		wc.ControlID = n.w.Vars["call:"+n.facts.OutsideCaller+"->"+n.facts.InboundNumber]
	}
	return n.w.Driver.HangUp(n.w.Context(), n.phone("outside caller"), wc)
}

func (n *NSWorld) useReadOnlyKey() error {
	c, err := n.clientWith(n.facts.ReadOnlyKey, "read-only key")
	if err != nil {
		return err
	}
	n.Client = c
	original := n.Transfer.Original
	n.Transfer = c.NewWarmTransfer(n.facts.Operator.ID, n.facts.Consult.ID)
	n.Transfer.UseOriginal(original)
	return nil
}

func (n *NSWorld) readOriginal() error {
	_, err := n.Transfer.FindOriginal(n.w.Context())
	return err
}

func (n *NSWorld) originalHasIDs() error {
	o := n.Transfer.Original
	if o.SessionID == "" || o.OrigCallID == "" || o.TermCallID == "" || o.CoreServer == "" {
		return fmt.Errorf("the guide's step 2 needs call-session-id, call-orig-call-id, call-term-call-id and core-server; the call reads %s core=%q", o, o.CoreServer)
	}
	if !o.IsTerm("", n.facts.Operator.ID) {
		return fmt.Errorf("the operator %s should be the term side of the inbound call: %s", n.facts.Operator.ID, o)
	}
	return nil
}

func (n *NSWorld) idOf(which string) string {
	if which == "call-orig-call-id" {
		return string(n.Transfer.Original.OrigCallID)
	}
	return string(n.Transfer.Original.TermCallID)
}

func (n *NSWorld) holdBy(which string) error {
	if err := n.needOriginal(); err != nil {
		return err
	}
	id := n.idOf(which)
	return n.write(fmt.Sprintf("hold by %s %s", which, id), func() error {
		return n.Client.Hold(n.w.Context(), n.facts.Operator.ID, id)
	})
}

func (n *NSWorld) haveCallerOnHold() error {
	if err := n.needOriginal(); err != nil {
		return err
	}
	return n.Transfer.Hold(n.w.Context())
}

func (n *NSWorld) placeConsult() error {
	return n.write("the consultation call", func() error { return n.Transfer.StartConsult(n.w.Context()) })
}

// consultRings waits until the consultation call shows, its consult side
// alerting, and keeps it (its session id is needed to transfer early).
func (n *NSWorld) consultRings() error {
	t := n.Transfer
	return n.w.Await("the consultation call ringing at "+n.facts.Consult.ID, func() (bool, string, error) {
		calls, err := n.Client.Calls(n.w.Context())
		if err != nil {
			return false, "", err
		}
		for _, c := range calls {
			if string(c.OrigCallID) == t.ConsultCallID || string(c.ByCallID) == t.ConsultCallID {
				t.ConsultCall = c
				return strings.EqualFold(c.TermInfo(), netsapiens.InfoAlerting) && c.IsTerm("", n.facts.Consult.ID), netsapiens.Summarize(calls), nil
			}
		}
		return false, netsapiens.Summarize(calls), nil
	})
}

func (n *NSWorld) consultActive() error {
	if err := n.requireConsultCallID(); err != nil {
		return err
	}
	_, err := n.Transfer.AwaitConsult(n.w.Context())
	return err
}

func (n *NSWorld) requireConsultCallID() error {
	if n.Transfer.ConsultCallID == "" {
		return fmt.Errorf("no consultation call was placed in this scenario")
	}
	return nil
}

func (n *NSWorld) haveConsultUp() error {
	if err := n.haveCallerOnHold(); err != nil {
		return err
	}
	if err := n.Transfer.StartConsult(n.w.Context()); err != nil {
		return err
	}
	if err := n.consultAnswers(); err != nil {
		return err
	}
	return n.consultActive()
}

// transferBody is what the guide's step 6 sends, from the consult call as
// last read.
func (n *NSWorld) transferBody() (netsapiens.AttendedTransferBody, error) {
	cc := n.Transfer.ConsultCall
	if cc.SessionID == "" {
		return netsapiens.AttendedTransferBody{}, fmt.Errorf("the consultation call has not been read yet")
	}
	return netsapiens.AttendedTransferBody{Hostname: string(cc.CoreServer), DestinationSessionID: string(cc.SessionID)}, nil
}

func (n *NSWorld) transferOn(which string) error {
	if err := n.needOriginal(); err != nil {
		return err
	}
	body, err := n.transferBody()
	if err != nil {
		return err
	}
	id := n.idOf(which)
	return n.write(fmt.Sprintf("attended transfer on %s %s to session %s", which, id, body.DestinationSessionID), func() error {
		return n.Client.TransferAttended(n.w.Context(), n.facts.Operator.ID, id, body)
	})
}

func (n *NSWorld) transferToSession(session string) error {
	if err := n.needOriginal(); err != nil {
		return err
	}
	host := string(n.Transfer.Original.CoreServer)
	id := string(n.Transfer.Original.OrigCallID)
	return n.write("attended transfer to session "+session, func() error {
		return n.Client.TransferAttended(n.w.Context(), n.facts.Operator.ID, id,
			netsapiens.AttendedTransferBody{Hostname: host, DestinationSessionID: session})
	})
}

// transferWithCallTermUser sends what the guide warns against: the right
// attended-transfer body plus call-term-user.
func (n *NSWorld) transferWithCallTermUser() error {
	if err := n.needOriginal(); err != nil {
		return err
	}
	body, err := n.transferBody()
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(map[string]string{
		"hostname": body.Hostname, "call-destination-session-id": body.DestinationSessionID,
		"call-term-user": n.facts.Consult.ID,
	})
	id := string(n.Transfer.Original.OrigCallID)
	return n.write("transfer with call-term-user "+string(raw), func() error {
		return n.Client.RawTransfer(n.w.Context(), n.facts.Operator.ID, id, raw)
	})
}

// runWholeGuide runs the reference client's AttendedTransfer while the
// world answers the consult's phone, as a person would.
func (n *NSWorld) runWholeGuide() error {
	w := n.w
	ctx, cancel := context.WithCancel(w.Context())
	defer cancel()
	type result struct {
		t   *netsapiens.WarmTransfer
		err error
	}
	done := make(chan result, 1)
	go func() {
		t := n.Client.NewWarmTransfer(n.facts.Operator.ID, n.facts.Consult.ID)
		t.UserCallsOnly = n.userScoped
		if n.Transfer.Original.SessionID != "" {
			t.UseOriginal(n.Transfer.Original)
		}
		done <- result{t, t.Run(ctx)}
	}()
	answerErr := n.consultAnswers()
	if answerErr != nil {
		cancel()
	}
	r := <-done
	if r.t != nil {
		n.Transfer = r.t
	}
	if answerErr != nil {
		return fmt.Errorf("the consult could not answer: %w (client: %v)", answerErr, r.err)
	}
	return r.err
}

// registerNetSapiensActions adds the steps of the call actions around the
// transfer: password sign-in, answer, unhold, reject through the API.
func registerNetSapiensActions(sc *godog.ScenarioContext, w world) {
	sc.Step(`^the operator signs in with their password$`, steps.On(w.ns, (*NSWorld).signInWithPassword))
	// The older wording of the shared "the outside caller calls the
	// operator", kept for users' features.
	sc.Step(`^the outside caller calls the inbound number$`, steps.On(w.ns, (*NSWorld).callerDials))
	sc.Step(`^the operator answers the ringing call through the API$`, steps.On(w.ns, (*NSWorld).answerThroughAPI))
	sc.Step(`^the operator takes the original call off hold$`, steps.On(w.ns, (*NSWorld).unhold))
	sc.Step(`^the consult rejects the consultation call through the API$`, steps.On(w.ns, (*NSWorld).consultRejects))
}

// signInWithPassword switches the operator to a token from POST /tokens
// (password grant) for the operator's own user.
func (n *NSWorld) signInWithPassword() error {
	f := n.facts
	if f.ClientID == "" || f.Operator.Password == "" {
		return steps.Skipf("the target's NetSapiens facts have no OAuth client or operator password")
	}
	c, err := netsapiens.New(netsapiens.Config{
		BaseURL: f.ServerURL, Domain: f.Domain, HTTPClient: n.w.HTTP,
		Poll: netsapiens.PollPolicy{Max: judge.PollMax, Timeout: n.w.Timeout},
		Auth: &netsapiens.PasswordGrant{ClientID: f.ClientID, ClientSecret: f.ClientSecret,
			Username: f.Operator.ID + "@" + f.Domain, Password: f.Operator.Password},
	})
	if err != nil {
		return err
	}
	// Sign in now, so a refused login fails this step.
	if _, err := c.UserCalls(n.w.Context(), f.Operator.ID); err != nil {
		return fmt.Errorf("signing in as %s@%s: %w", f.Operator.ID, f.Domain, err)
	}
	n.Client = c
	n.Transfer = c.NewWarmTransfer(f.Operator.ID, f.Consult.ID)
	// A user's token reads only the user's own calls, so the client can
	// see the operator leave both calls but not the merged call; the
	// observer checks that.
	n.Transfer.UserCallsOnly = true
	n.userScoped = true
	return nil
}

// answerThroughAPI finds the operator's ringing call and answers it with
// PATCH .../answer, naming the operator's webphone as the device.
func (n *NSWorld) answerThroughAPI() error {
	op := n.facts.Operator.ID
	err := n.awaitWorldCall("the world's call ringing at operator "+op, func(c netsapiens.ActiveCall) bool {
		return c.IsTerm("", op) && strings.EqualFold(c.TermInfo(), netsapiens.InfoAlerting)
	})
	if err != nil {
		return err
	}
	ringing := n.Transfer.Original
	device := ""
	if n.facts.Operator.DeviceID != "" {
		device = "sip:" + n.facts.Operator.DeviceID + "@" + n.facts.Domain
	}
	if err := n.write("answer "+string(ringing.TermCallID), func() error {
		return n.Client.Answer(n.w.Context(), op, string(ringing.TermCallID), device)
	}); err != nil {
		return err
	}
	if err := n.requireAccepted(); err != nil {
		return err
	}
	return n.awaitWorldCall("the world's call answered by the operator", netsapiens.ActiveCall.BothActive)
}

func (n *NSWorld) unhold() error {
	if err := n.needOriginal(); err != nil {
		return err
	}
	id := string(n.Transfer.Original.TermCallID)
	return n.write("unhold by call-term-call-id "+id, func() error {
		return n.Client.Unhold(n.w.Context(), n.facts.Operator.ID, id)
	})
}

// consultRejects declines the ringing consultation call as the consult,
// with DELETE .../users/{consult}/calls/{call-term-call-id}/reject.
func (n *NSWorld) consultRejects() error {
	cc := n.Transfer.ConsultCall
	if cc.TermCallID == "" {
		return fmt.Errorf("the consultation call has not been seen ringing yet")
	}
	return n.write("reject by the consult "+string(cc.TermCallID), func() error {
		return n.Client.Reject(n.w.Context(), n.facts.Consult.ID, string(cc.TermCallID))
	})
}

// StepDoc titles the NetSapiens steps on the step page (cmd/stepdoc).
func (Vendor) StepDoc() (title, about string) {
	return "NetSapiens", "The outside caller reaches the operator; the operator acts through the reference NS API v2 client."
}
