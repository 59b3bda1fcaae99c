package steps

import (
	"context"
	"fmt"

	"github.com/cucumber/godog"
)

func registerFaultsNetSapiens(sc *godog.ScenarioContext, f *faultsWorld) {
	sc.Step(`^the operator runs the attended transfer to the consult under the faults$`, f.nsRunTransfer)
	sc.Step(`^the operator tries to complete the attended transfer$`, f.nsTryComplete)
	sc.Step(`^the consult hangs up the consultation call$`, f.nsConsultHangsUp)
}

// nsRunTransfer runs the reference client's whole attended transfer while
// the world answers the consult's phone, and keeps the outcome.
func (f *faultsWorld) nsRunTransfer() error {
	n, err := f.w.ns()
	if err != nil {
		return err
	}
	f.record("the attended transfer", n.runWholeGuide())
	return nil
}

// nsTryComplete is guide steps 5 and 6 from where the scenario stands,
// keeping the outcome (the scenario may have broken the transfer).
func (f *faultsWorld) nsTryComplete() error {
	n, err := f.w.ns()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(f.w.Context(), f.w.Timeout)
	defer cancel()
	_, err = n.Transfer.Complete(ctx)
	f.record("completing the attended transfer", err)
	return nil
}

func (f *faultsWorld) nsConsultHangsUp() error {
	n, err := f.w.ns()
	if err != nil {
		return err
	}
	if n.Transfer.ConsultCallID == "" {
		return fmt.Errorf("no consultation call was placed in this scenario")
	}
	return f.w.Driver.HangUp(f.w.Context(), n.phone("consult"), WorldCall{})
}
