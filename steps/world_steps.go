package steps

import "github.com/cucumber/godog"

// registerWorld adds the world sentences every vendor shares: one text
// each, played on the scenario's vendor (picked by its tag, World.Vendor)
// through the Vendor interface.
func registerWorld(sc *godog.ScenarioContext, w *World) {
	role := `(customer|outside caller|operator|consult)`
	sc.Step(`^the `+role+` (?:picks up|answers)$`, w.roleAnswers)
	sc.Step(`^the `+role+` hangs up$`, w.roleHangsUp)
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
