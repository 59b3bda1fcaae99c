package netsapiens

import (
	"context"
	"fmt"
	"time"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/steps"
)

func registerFaultsNetSapiens(sc *godog.ScenarioContext, f faults) {
	sc.Step(`^the operator runs the attended transfer to the consult under the faults$`, f.nsRunTransfer)
	sc.Step(`^the operator tries to complete the attended transfer$`, f.nsTryComplete)
	sc.Step(`^the consult hangs up the consultation call$`, f.nsConsultHangsUp)
}

// nsRunTransfer runs the reference client's whole attended transfer while
// the world answers the consult's phone once it rings, and keeps the
// outcome. Unlike the plain step it stops waiting for the consult's phone
// as soon as the client gives up, so an unrecoverable fault fails fast.
func (f faults) nsRunTransfer() error {
	n, err := f.w.ns()
	if err != nil {
		return err
	}
	if f.w.Ctl == nil {
		f.Record("the attended transfer", n.runWholeGuide())
		return nil
	}
	ctx, cancel := context.WithTimeout(f.w.Context(), f.w.Timeout)
	defer cancel()
	t := n.Client.NewWarmTransfer(n.facts.Operator.ID, n.facts.Consult.ID)
	t.UserCallsOnly = n.userScoped
	if n.Transfer.Original.SessionID != "" {
		t.UseOriginal(n.Transfer.Original)
	}
	done := make(chan error, 1)
	go func() { done <- t.Run(ctx) }()
	var runErr error
	answered := false
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case runErr = <-done:
			break wait
		case <-tick.C:
			if answered || !f.consultRinging(ctx, n.facts.Consult.ID) {
				continue
			}
			answered = true
			if err := n.consultAnswers(); err != nil {
				cancel()
				runErr = <-done
				return fmt.Errorf("the consult could not answer: %w (client: %v)", err, runErr)
			}
		}
	}
	n.Transfer = t
	f.Record("the attended transfer", runErr)
	return nil
}

// consultRinging asks the control API whether the consult's phone rings.
func (f faults) consultRinging(ctx context.Context, user string) bool {
	calls, err := f.w.Ctl.Calls(ctx)
	if err != nil {
		return false
	}
	for _, c := range calls {
		for _, l := range c.Legs {
			if l.Endpoint.UserID == user && (l.State == "setup" || l.State == "proceeding") {
				return true
			}
		}
	}
	return false
}

// nsTryComplete is guide steps 5 and 6 from where the scenario stands,
// keeping the outcome (the scenario may have broken the transfer).
func (f faults) nsTryComplete() error {
	n, err := f.w.ns()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(f.w.Context(), f.w.Timeout)
	defer cancel()
	_, err = n.Transfer.Complete(ctx)
	f.Record("completing the attended transfer", err)
	return nil
}

func (f faults) nsConsultHangsUp() error {
	n, err := f.w.ns()
	if err != nil {
		return err
	}
	if n.Transfer.ConsultCallID == "" {
		return fmt.Errorf("no consultation call was placed in this scenario")
	}
	return f.w.Driver.HangUp(f.w.Context(), n.phone("consult"), steps.WorldCall{})
}

// faults is the scenario's @faults state for the NetSapiens steps.
type faults struct {
	*steps.Faults
	w world
}
