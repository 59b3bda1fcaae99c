package target

import (
	"encoding/json"
	"fmt"

	"github.com/tidwall/gjson"
)

// TenantConfigFor is the tenant config under which a pbxsim started with
// --no-control on a scenario (its JSON, GET /sim/v1/scenario's shape)
// poses as a real tenant: each registered vendor's section
// (Vendor.TenantFor), with the same roles as FactsFromScenario. It lets CI
// rehearse a tenant run without one.
func TenantConfigFor(serverURL string, scenarioJSON json.RawMessage) (*TenantConfig, error) {
	if !gjson.ValidBytes(scenarioJSON) {
		return nil, fmt.Errorf("scenario is not valid JSON")
	}
	c := &TenantConfig{Sections: map[string]TenantSection{}}
	for _, v := range registered() {
		s, err := v.TenantFor(serverURL, scenarioJSON)
		if err != nil {
			return nil, err
		}
		if s != nil {
			c.Sections[v.Name()] = s
		}
	}
	return c, nil
}
