package steps_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/features"
	"github.com/xfer-conform/xfer-conform/steps"
	_ "github.com/xfer-conform/xfer-conform/steps/netsapiens"  // registers the NetSapiens steps
	_ "github.com/xfer-conform/xfer-conform/steps/ringcentral" // registers the RingCentral steps
	"github.com/xfer-conform/xfer-conform/steps/target/embedded"
)

// Run the RingCentral features against one pbxsim started in-process,
// every scenario in a tenant set of its own.
func Example() {
	newTarget, stop := embedded.Shared(nil) // nil: the built-in scenario
	defer func() { _ = stop() }()
	suite := godog.TestSuite{
		Name:                "my-transfers",
		ScenarioInitializer: steps.Initializer(steps.Config{NewTarget: newTarget}),
		Options:             &godog.Options{FS: features.FS, Paths: []string{"ringcentral"}, Strict: true, Format: "progress"},
	}
	if suite.Run() != 0 {
		fmt.Println("the RingCentral features failed")
	}
}

// acme is a vendor of a test's own: its steps, its world driver and the
// world sentences every vendor shares. Features tagged @acme pick it.
type acme struct{}

func (acme) Name() string { return "acme" }

func (acme) Steps(sc *godog.ScenarioContext, w *steps.World) {
	sc.Step(`^the operator transfers the customer on Acme$`, func() error { return errors.New("not yet") })
}

func (acme) Driver(*steps.World) steps.WorldDriver { return acmeDriver{} }

func (acme) Answer(w *steps.World, role string) error {
	return w.Driver.Answer(w.Context(), acmePhone(role))
}

func (acme) HangUp(w *steps.World, role string) error {
	return w.Driver.HangUp(w.Context(), acmePhone(role), steps.WorldCall{})
}

func acmePhone(role string) steps.Phone { return steps.Phone{Vendor: "acme", Role: role} }

type acmeDriver struct{}

func (acmeDriver) Name() string { return "the Acme API" }
func (acmeDriver) Dial(context.Context, steps.Phone, steps.Phone) (steps.WorldCall, error) {
	return steps.WorldCall{}, errors.New("acme: no call-out")
}
func (acmeDriver) Answer(context.Context, steps.Phone) error                  { return nil }
func (acmeDriver) HangUp(context.Context, steps.Phone, steps.WorldCall) error { return nil }

// A third vendor plugs in without touching the harness: Register it (or
// list it in Config.Vendors), and its features run beside the others'.
func ExampleRegister() {
	steps.Register(acme{})
	cfg := steps.Config{NewTarget: embedded.New(nil)}
	_ = steps.Initializer(cfg)
	fmt.Println(steps.VendorNames())
}
