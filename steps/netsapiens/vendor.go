package netsapiens

import (
	"context"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/steps"
)

// Name is NetSapiens's name in flags, facts, tags and journals.
const Name = "netsapiens"

func init() { steps.Register(Vendor{}) }

// Vendor is NetSapiens's plug-in to the harness (steps.Vendor).
type Vendor struct{}

// Name is "netsapiens".
func (Vendor) Name() string { return Name }

// Steps registers the NetSapiens steps and its @faults steps.
func (Vendor) Steps(sc *godog.ScenarioContext, sw *steps.World) {
	w := world{sw}
	registerNetSapiens(sc, w)
	registerFaultsNetSapiens(sc, faults{Faults: sw.Faults(), w: w})
}

// Driver plays the world through NetSapiens' API alone.
func (Vendor) Driver(sw *steps.World) steps.WorldDriver { return driver{world{sw}} }

// Notifications are the webhook posts the receiver got.
func (Vendor) Notifications(sw *steps.World) []steps.NotificationLog {
	r, ok := steps.StateIf[*NSWorld](sw, Name)
	if !ok {
		return nil
	}
	return r.notifications()
}

// world is a scenario's World as the NetSapiens steps see it.
type world struct{ *steps.World }

// faults is the scenario's @faults state for the NetSapiens steps.
type faults struct {
	*steps.Faults
	w world
}

// driver is the NetSapiens world driver (driver.go).
type driver struct{ w world }

func (d driver) Name() string { return "the NetSapiens API" }

func (d driver) Dial(ctx context.Context, caller, callee steps.Phone) (steps.WorldCall, error) {
	return d.w.nsDial(ctx, caller, callee)
}

func (d driver) Answer(ctx context.Context, p steps.Phone) error { return d.w.nsAnswer(ctx, p) }

func (d driver) HangUp(ctx context.Context, p steps.Phone, call steps.WorldCall) error {
	return d.w.nsHangUp(ctx, p, call)
}

// StepDoc titles the NetSapiens steps on the step page (cmd/stepdoc).
func (Vendor) StepDoc() (title, about string) {
	return "NetSapiens", "The outside caller reaches the operator; the operator acts through the reference NS API v2 client."
}
