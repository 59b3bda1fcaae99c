package ringcentral

import (
	"context"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/steps"
)

// Name is RingCentral's name in flags, facts, tags and journals.
const Name = "ringcentral"

func init() { steps.Register(Vendor{}) }

// Vendor is RingCentral's plug-in to the harness (steps.Vendor).
type Vendor struct{}

// Name is "ringcentral".
func (Vendor) Name() string { return Name }

// Steps registers the RingCentral steps, its refusals and its @faults
// steps, and the fault rules' RingCentral placeholders.
func (Vendor) Steps(sc *godog.ScenarioContext, sw *steps.World) {
	w := world{sw}
	registerRingCentral(sc, w)
	f := faults{Faults: sw.Faults(), w: w}
	registerFaultsRingCentral(sc, f)
	f.placeholders()
}

// Driver plays the world through RingCentral's API alone.
func (Vendor) Driver(sw *steps.World) steps.WorldDriver { return driver{world{sw}} }

// Notifications are what each role's Desk received over WebSocket.
func (Vendor) Notifications(sw *steps.World) []steps.NotificationLog {
	r, ok := steps.StateIf[*RCWorld](sw, Name)
	if !ok {
		return nil
	}
	return r.notifications()
}

// world is a scenario's World as the RingCentral steps see it.
type world struct{ *steps.World }

// faults is the scenario's @faults state for the RingCentral steps.
type faults struct {
	*steps.Faults
	w world
}

// driver is the RingCentral world driver (driver.go).
type driver struct{ w world }

func (d driver) Name() string { return "the RingCentral API" }

func (d driver) Dial(ctx context.Context, caller, callee steps.Phone) (steps.WorldCall, error) {
	return d.w.rcDial(ctx, caller, callee)
}

func (d driver) Answer(ctx context.Context, p steps.Phone) error { return d.w.rcAnswer(ctx, p) }

func (d driver) HangUp(ctx context.Context, p steps.Phone, call steps.WorldCall) error {
	return d.w.rcHangUp(ctx, p, call)
}

// StepDoc titles the RingCentral steps on the step page (cmd/stepdoc).
func (Vendor) StepDoc() (title, about string) {
	return "RingCentral", "The customer, the operator and the consult are extensions of one account; the operator acts through the reference RingCentral client, the world through the control API."
}
