package target

import (
	"encoding/json"
	"fmt"

	"github.com/tidwall/gjson"
)

// Facts say who plays which role on a target and how to reach it.
type Facts struct {
	// Vendors are each vendor's facts by its name, as the vendor read them
	// (Vendor.ScenarioFacts, TenantSection.Facts): its steps know their
	// type.
	Vendors map[string]any
	// Aliases map the pbxsim scenario's addresses (numbers, ext@tenant)
	// to the scenario's own tenant set's, when it has one.
	Aliases map[string]string
	// Scenario is the scenario JSON the facts were read from, on a pbxsim
	// target (the tenant set's, when the scenario has one): a vendor the
	// targets do not know reads its own section from it.
	Scenario json.RawMessage
}

// Of is the vendor's facts, nil when the target has none of the vendor.
func (f Facts) Of(vendor string) any { return f.Vendors[vendor] }

// Address translates an address a feature names into the scenario's own
// tenant set.
func (f Facts) Address(a string) string {
	if b, ok := f.Aliases[a]; ok {
		return b
	}
	return a
}

// Person is one party of a transfer scenario.
type Person struct {
	Name      string
	Extension string // the extension number (or user id) others dial
	ID        string // the id the vendor API and the control API name
	Number    string // E.164 number, when there is one
	JWT       string // a JWT assertion, where the vendor signs in with one
	Password  string
	DeviceID  string
}

// FactsFromScenario reads facts from pbxsim's GET /sim/v1/scenario JSON:
// each registered vendor reads its own section (Vendor.ScenarioFacts).
func FactsFromScenario(serverURL string, scenarioJSON []byte) (Facts, error) {
	if !gjson.ValidBytes(scenarioJSON) {
		return Facts{}, fmt.Errorf("scenario is not valid JSON")
	}
	raw := append(json.RawMessage(nil), scenarioJSON...)
	f := Facts{Scenario: raw}
	for _, v := range registered() {
		vf, err := v.ScenarioFacts(serverURL, raw)
		if err != nil {
			return Facts{}, err
		}
		if vf != nil {
			if f.Vendors == nil {
				f.Vendors = map[string]any{}
			}
			f.Vendors[v.Name()] = vf
		}
	}
	return f, nil
}
