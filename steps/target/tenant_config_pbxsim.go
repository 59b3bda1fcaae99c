package target

import (
	"encoding/json"

	"github.com/tidwall/gjson"
)

// TenantConfigFor is the tenant config under which a pbxsim started with
// --no-control on a scenario (its JSON, GET /sim/v1/scenario's shape) poses as a real tenant: the same roles as
// FactsFromScenario, and the domain's first user beyond the operator and
// the consult (the default scenario's Office Manager) places the outside
// caller's click-to-call. It lets CI rehearse a tenant run without one.
func TenantConfigFor(serverURL string, scenarioJSON json.RawMessage) (*TenantConfig, error) {
	f, err := FactsFromScenario(serverURL, scenarioJSON)
	if err != nil {
		return nil, err
	}
	c := &TenantConfig{}
	if r := f.RingCentral; r != nil {
		role := func(p Person) RCRole {
			return RCRole{Name: p.Name, Extension: p.Extension, ExtensionID: p.ID, PhoneNumber: p.Number, JWT: p.JWT, DeviceID: p.DeviceID}
		}
		c.RingCentral = &RingCentralTenant{Server: serverURL, ClientID: r.ClientID, ClientSecret: r.ClientSecret, Account: r.AccountID,
			Customer: role(r.Customer), Operator: role(r.Operator), Consult: role(r.Consult)}
	}
	if n := f.NetSapiens; n != nil {
		role := func(p Person) NSRole {
			return NSRole{User: p.ID, Name: p.Name, Number: p.Number, Password: p.Password, DeviceID: p.DeviceID}
		}
		c.NetSapiens = &NetSapiensTenant{Server: serverURL, Domain: n.Domain, APIKey: n.DomainKey, ReadOnlyKey: n.ReadOnlyKey,
			ClientID: n.ClientID, ClientSecret: n.ClientSecret, Operator: role(n.Operator), Consult: role(n.Consult),
			OutsideCaller: n.OutsideCaller, InboundNumber: n.InboundNumber, ApplyDelay: n.ApplyDelay.String(), applyDelay: n.ApplyDelay}
		for _, u := range gjson.GetBytes(scenarioJSON, "netsapiens.domains.0.users").Array() {
			if id := u.Get("id").String(); id != n.Operator.ID && id != n.Consult.ID {
				c.NetSapiens.DialVia = id
				break
			}
		}
	}
	return c, nil
}
