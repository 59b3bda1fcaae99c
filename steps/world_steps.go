package steps

import (
	"fmt"

	"github.com/cucumber/godog"
)

// registerWorld adds the world sentences every vendor shares: one text
// each, played on the scenario's vendor (picked by its tag, World.Vendor)
// through the Vendor interface.
func registerWorld(sc *godog.ScenarioContext, w *World) {
	role := `(customer|outside caller|operator|consult)`
	sc.Step(`^the `+role+` (?:picks up|answers)$`, w.roleAnswers)
	sc.Step(`^the `+role+` hangs up$`, w.roleHangsUp)
	sc.Step(`^the (?:customer|outside caller) calls the operator$`, w.customerCalls)
}

// customerCalls places the customer's call to the operator, ringing and
// not yet answered, on a vendor that plays it (CustomerCaller).
func (w *World) customerCalls() error {
	v, err := w.Vendor()
	if err != nil {
		return err
	}
	c, ok := v.(CustomerCaller)
	if !ok {
		return fmt.Errorf("vendor %s cannot play \"the customer calls the operator\" (it implements no steps.CustomerCaller)", v.Name())
	}
	return c.CustomerCalls(w)
}

// vendorRole maps a sentence's role to the vendors' words: the outside
// caller is the customer.
func vendorRole(role string) string {
	if role == "outside caller" {
		return "customer"
	}
	return role
}

func (w *World) roleAnswers(role string) error {
	v, err := w.Vendor()
	if err != nil {
		return err
	}
	return v.Answer(w, vendorRole(role))
}

func (w *World) roleHangsUp(role string) error {
	v, err := w.Vendor()
	if err != nil {
		return err
	}
	return v.HangUp(w, vendorRole(role))
}
