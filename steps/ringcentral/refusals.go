package ringcentral

import (
	"errors"
	"fmt"
	"github.com/xfer-conform/xfer-conform/steps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cucumber/godog"

	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
)

// The RingCentral refusal steps. Each bad bridge is sent to the platform
// as it is (bypassing the client's own checks where the client would stop
// it), so the spec records what the platform itself answers; separate
// steps check that the reference client refuses the same mistakes locally.

func registerRingCentralRefusals(sc *godog.ScenarioContext, w world) {
	sc.Step(`^the operator bridges the customer's call with the consult call$`, steps.On(w.rc, (*RCWorld).rcBridgeAsIs))
	sc.Step(`^the operator bridges the customer's call with the consult's own party$`, steps.On(w.rc, (*RCWorld).rcBridgeConsultsParty))
	sc.Step(`^the operator bridges the customer's call with itself, sent as it is$`, steps.On(w.rc, (*RCWorld).rcBridgeSelfRaw))
	sc.Step(`^the operator bridges with the consult call's session and party IDs swapped, sent as they are$`, steps.On(w.rc, (*RCWorld).rcBridgeSwappedRaw))
	sc.Step(`^the operator's client refuses to bridge the customer's call with itself, sending nothing$`, steps.On(w.rc, (*RCWorld).rcClientRefusesSelf))
	sc.Step(`^the operator's client refuses to bridge with the consult call's session and party IDs swapped, sending nothing$`, steps.On(w.rc, (*RCWorld).rcClientRefusesSwapped))
	sc.Step(`^the request is refused with HTTP (\d+)(?: and error code "([^"]+)")?(?: saying "([^"]+)")?$`, steps.On3(w.rc, (*RCWorld).rcRefused))
}

func (r *RCWorld) rcBridgeAsIs() error {
	wt, err := r.transfer()
	if err != nil {
		return err
	}
	op, err := r.person("operator")
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	p, err := op.client.Bridge(ctx, wt.Customer, wt.Consult)
	r.record(fmt.Sprintf("bridge %s/%s with %s/%s", wt.Customer.SessionID, wt.Customer.PartyID, wt.Consult.SessionID, wt.Consult.PartyID), p, err)
	return nil
}

// rcBridgeConsultsParty names, in the body, the consult's own party in the
// consult call instead of the operator's: someone else's party.
func (r *RCWorld) rcBridgeConsultsParty() error {
	wt, err := r.transfer()
	if err != nil {
		return err
	}
	cons, err := r.following("consult")
	if err != nil {
		return err
	}
	op, err := r.person("operator")
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	var theirs rc.Party
	if err := cons.desk.Wait(ctx, "the consult's own party in the consult call "+wt.Consult.SessionID, func() bool {
		var ok bool
		theirs, ok = cons.desk.MyParty(wt.Consult.SessionID)
		return ok
	}); err != nil {
		return err
	}
	to := rc.Leg{SessionID: wt.Consult.SessionID, PartyID: theirs.ID}
	p, err := op.client.Bridge(ctx, wt.Customer, to)
	r.record(fmt.Sprintf("bridge %s/%s with the consult's party %s/%s", wt.Customer.SessionID, wt.Customer.PartyID, to.SessionID, to.PartyID), p, err)
	return nil
}

// rawBridge puts a bridge on the wire exactly as given, with no ID checks.
func (r *RCWorld) rawBridge(from rc.Leg, body map[string]string) {
	op, err := r.person("operator")
	if err != nil {
		r.record("bridge", nil, err)
		return
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	path := "/restapi/v1.0/account/~/telephony/sessions/" + url.PathEscape(from.SessionID) + "/parties/" + url.PathEscape(from.PartyID) + "/bridge"
	var p rc.Party
	err = op.client.Send(ctx, http.MethodPost, path, body, &p)
	what := fmt.Sprintf("raw bridge %s/%s with body %v", from.SessionID, from.PartyID, body)
	if err != nil {
		r.record(what, nil, err)
		return
	}
	r.record(what, &p, nil)
}

func (r *RCWorld) rcBridgeSelfRaw() error {
	leg, err := r.customerLeg()
	if err != nil {
		return err
	}
	r.rawBridge(leg, map[string]string{"telephonySessionId": leg.SessionID, "partyId": leg.PartyID})
	return nil
}

func (r *RCWorld) rcBridgeSwappedRaw() error {
	wt, err := r.transfer()
	if err != nil {
		return err
	}
	r.rawBridge(wt.Customer, map[string]string{"telephonySessionId": wt.Consult.PartyID, "partyId": wt.Consult.SessionID})
	return nil
}

// bridgeRequests counts bridge requests in the scenario's HTTP transcript.
func (w world) bridgeRequests() int {
	n := 0
	for _, l := range w.Trace.Lines() {
		if strings.Contains(l, "POST ") && strings.Contains(l, "/bridge") {
			n++
		}
	}
	return n
}

// rcClientRefuses checks that the reference client refuses a bridge
// locally with an *IDError and puts nothing on the wire.
func (r *RCWorld) rcClientRefuses(from, to rc.Leg, wantField string) error {
	w := r.w
	op, err := r.person("operator")
	if err != nil {
		return err
	}
	before := w.bridgeRequests()
	ctx, cancel := r.stepCtx()
	defer cancel()
	p, err := op.client.Bridge(ctx, from, to)
	var ie *rc.IDError
	if !errors.As(err, &ie) {
		return fmt.Errorf("the client did not refuse bridge %+v -> %+v locally: answer %+v, error %v", from, to, p, err)
	}
	if !strings.Contains(ie.Field, wantField) {
		return fmt.Errorf("the client refused for %q (%v), want a refusal naming %q", ie.Field, ie, wantField)
	}
	if after := w.bridgeRequests(); after != before {
		return fmt.Errorf("the client refused locally but still sent %d bridge request(s)", after-before)
	}
	w.Trace.Addf("ringcentral: the client refused locally: %v", err)
	return nil
}

func (r *RCWorld) rcClientRefusesSelf() error {
	leg, err := r.customerLeg()
	if err != nil {
		return err
	}
	return r.rcClientRefuses(leg, leg, "body.telephonySessionId")
}

func (r *RCWorld) rcClientRefusesSwapped() error {
	wt, err := r.transfer()
	if err != nil {
		return err
	}
	return r.rcClientRefuses(wt.Customer, rc.Leg{SessionID: wt.Consult.PartyID, PartyID: wt.Consult.SessionID}, "body.telephonySessionId")
}

func (r *RCWorld) rcRefused(status, code, saying string) error {
	w := r.w
	ae, err := r.lastAPIError()
	if err != nil {
		return err
	}
	want, _ := strconv.Atoi(status)
	var problems []string
	if ae.Status != want {
		problems = append(problems, fmt.Sprintf("HTTP %d, want %d", ae.Status, want))
	}
	if code != "" && ae.ErrorCode != code {
		problems = append(problems, fmt.Sprintf("errorCode %q, want %q", ae.ErrorCode, code))
	}
	if saying != "" && !strings.Contains(ae.Message, saying) {
		problems = append(problems, fmt.Sprintf("message %q does not say %q", ae.Message, saying))
	}
	// Every refusal must name itself: the vendor's error shape has both.
	if ae.ErrorCode == "" || ae.Message == "" {
		problems = append(problems, fmt.Sprintf("the refusal lacks errorCode or message (body %s)", ae.Body))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s (answer: %v)", r.lastRequest, strings.Join(problems, "; "), ae)
	}
	w.Trace.Addf("ringcentral: refused as expected: %v", ae)
	return nil
}
