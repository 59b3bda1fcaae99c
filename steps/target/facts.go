package target

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// Facts say who plays which role on a target and how to reach it.
type Facts struct {
	RingCentral *RingCentralFacts
	NetSapiens  *NetSapiensFacts
	// Aliases map the pbxsim scenario's addresses (numbers, ext@tenant)
	// to the scenario's own tenant set's, when it has one.
	Aliases map[string]string
	// Scenario is the scenario JSON the facts were read from, on a pbxsim
	// target (the tenant set's, when the scenario has one): a vendor the
	// harness does not know reads its own section from it.
	Scenario json.RawMessage
}

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
	Extension string // RC extension number / NS user id
	ID        string // RC extension id / NS user id
	Number    string // E.164 number, when there is one
	JWT       string // RC JWT assertion
	Password  string
	DeviceID  string
}

// RingCentralFacts describe a RingCentral target: the customer calls the
// operator, who consults the consult.
type RingCentralFacts struct {
	ServerURL, ClientID, ClientSecret, AccountID string
	Customer, Operator, Consult                  Person
}

// NetSapiensFacts describe a NetSapiens target: the outside caller calls
// the inbound number, routed to the operator, who consults the consult.
type NetSapiensFacts struct {
	// ServerURL is the root; the API is at ServerURL + "/ns-api/v2".
	ServerURL, Domain, CoreServer string
	// DomainKey is an office-manager (nsd_) key, ReadOnlyKey a read-only
	// one, OperatorKey the operator's own (nsu_) key.
	DomainKey, ReadOnlyKey, OperatorKey string
	ClientID, ClientSecret              string
	Operator, Consult                   Person
	OutsideCaller, InboundNumber        string
	// ApplyDelay is how long after a 202 a change lands (a hint for waits).
	ApplyDelay time.Duration
	// DialVia is the user a click-to-call for the outside caller is placed
	// through, on a target without a control API ("": a person dials).
	DialVia string
}

// FactsFromScenario reads facts from pbxsim's GET /sim/v1/scenario JSON.
// Roles follow the scenario's order: RingCentral extensions 1, 2, 3 are
// customer, operator and consult; NetSapiens users 1 and 2 are operator and
// consult; the first outside number is the outside caller.
func FactsFromScenario(serverURL string, scenarioJSON []byte) (Facts, error) {
	if !gjson.ValidBytes(scenarioJSON) {
		return Facts{}, fmt.Errorf("scenario is not valid JSON")
	}
	sc := gjson.ParseBytes(scenarioJSON)
	f := Facts{Scenario: append(json.RawMessage(nil), scenarioJSON...)}
	if rc := sc.Get("ringcentral"); rc.Exists() {
		exts := rc.Get("accounts.0.extensions").Array()
		if len(exts) < 3 {
			return Facts{}, fmt.Errorf("the scenario's first RingCentral account needs at least 3 extensions (customer, operator, consult), has %d", len(exts))
		}
		person := func(e gjson.Result) Person {
			return Person{
				Name: e.Get("name").String(), Extension: e.Get("number").String(), ID: e.Get("id").String(),
				Number: e.Get("phoneNumbers.0").String(), JWT: e.Get("jwt").String(),
				Password: e.Get("password").String(), DeviceID: e.Get("devices.0.id").String(),
			}
		}
		f.RingCentral = &RingCentralFacts{
			ServerURL: serverURL, ClientID: rc.Get("clients.0.id").String(), ClientSecret: rc.Get("clients.0.secret").String(),
			AccountID: rc.Get("accounts.0.id").String(),
			Customer:  person(exts[0]), Operator: person(exts[1]), Consult: person(exts[2]),
		}
	}
	if ns := sc.Get("netsapiens"); ns.Exists() {
		dom := ns.Get("domains.0")
		users := dom.Get("users").Array()
		if len(users) < 2 {
			return Facts{}, fmt.Errorf("the scenario's first NetSapiens domain needs at least 2 users (operator, consult), has %d", len(users))
		}
		person := func(u gjson.Result) Person {
			return Person{
				Name: u.Get("name").String(), Extension: u.Get("id").String(), ID: u.Get("id").String(),
				Number: u.Get("numbers.0").String(), Password: u.Get("password").String(), DeviceID: u.Get("devices.0.id").String(),
			}
		}
		nf := &NetSapiensFacts{
			ServerURL: serverURL, Domain: dom.Get("name").String(), CoreServer: ns.Get("coreServer").String(),
			ClientID: ns.Get("clients.0.id").String(), ClientSecret: ns.Get("clients.0.secret").String(),
			Operator: person(users[0]), Consult: person(users[1]),
			OutsideCaller: sc.Get("outside.0.number").String(),
		}
		nf.InboundNumber = nf.Operator.Number
		nf.ApplyDelay, _ = time.ParseDuration(ns.Get("applyDelay").String())
		for _, k := range dom.Get("apiKeys").Array() {
			key := k.Get("key").String()
			switch {
			case strings.HasPrefix(key, "nsd_") && k.Get("readOnly").Bool() && nf.ReadOnlyKey == "":
				nf.ReadOnlyKey = key
			case strings.HasPrefix(key, "nsd_") && !k.Get("readOnly").Bool() && nf.DomainKey == "":
				nf.DomainKey = key
			case strings.HasPrefix(key, "nsu_") && k.Get("user").String() == nf.Operator.ID && !k.Get("readOnly").Bool() && nf.OperatorKey == "":
				nf.OperatorKey = key
			}
		}
		f.NetSapiens = nf
	}
	return f, nil
}
