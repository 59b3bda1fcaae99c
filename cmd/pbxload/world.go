package main

import (
	"fmt"
	"os"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// loadScenario builds a world with one trio per worker and vendor: for
// RingCentral a customer, an operator and a consult extension; for
// NetSapiens an outside caller, an operator with an inbound number and a
// consult. Operators and consults answer by themselves, so the vendor
// APIs alone drive each transfer after the customer dials.
func loadScenario(workers int, applyDelay time.Duration) *scenario.Scenario {
	sc := &scenario.Scenario{
		Name: "pbxload", Seed: 1, Clock: "real",
		RingTimeout: scenario.Duration(60 * time.Second), Retention: scenario.Duration(2 * time.Second),
	}
	rc := &ringcentral.Section{
		Clients:        []ringcentral.Client{{ID: "load-client", Secret: "load-secret"}},
		AccessTokenTTL: scenario.Duration(time.Hour), RefreshTokenTTL: scenario.Duration(24 * time.Hour),
	}
	ns := &netsapiens.Section{
		CoreServer: "core1-load.netsapiens.test", ApplyDelay: scenario.Duration(applyDelay),
		TokenTTL: scenario.Duration(time.Hour),
	}
	auto := scenario.Answer{Mode: "answer"}
	acc := ringcentral.Account{ID: "500000001", Name: "load"}
	dom := netsapiens.Domain{Name: "LOAD", APIKeys: []netsapiens.APIKey{{Key: loadKey, Description: "load office manager"}}}
	for w := 0; w < workers; w++ {
		for role, answer := range []scenario.Answer{{}, auto, auto} {
			n := 100 + w*3 + role
			acc.Extensions = append(acc.Extensions, ringcentral.Extension{
				ID: fmt.Sprintf("6%08d", n), Number: fmt.Sprint(n), Name: fmt.Sprintf("rc-%d-%d", w, role),
				Devices: []scenario.Device{{ID: fmt.Sprintf("7%08d", n), Type: "SoftPhone"}},
				JWT:     fmt.Sprintf("jwt-%d", n), Answer: answer,
			})
		}
		op := fmt.Sprint(2000 + w*2)
		dom.Users = append(dom.Users,
			netsapiens.User{ID: op, Name: "op " + op, Numbers: []string{fmt.Sprintf("+1312555%04d", w)}, Answer: auto},
			netsapiens.User{ID: fmt.Sprint(2001 + w*2), Name: "consult", Answer: auto})
		sc.Outside = append(sc.Outside, scenario.OutsideNumber{Number: fmt.Sprintf("+1415555%04d", w), Name: fmt.Sprintf("caller %d", w)})
	}
	rc.Accounts = []ringcentral.Account{acc}
	ns.Domains = []netsapiens.Domain{dom}
	sc.SetSection(ringcentral.Name, rc)
	sc.SetSection(netsapiens.Name, ns)
	return sc
}

// loadKey is the load domain's office-manager API key (real format).
const loadKey = "nsd_pbxloadpbxloadpbxloadpbxloadpbxloadpbxloadpbxloadpbxload"

// writeWorld writes the load world for workers to path, for a pbxsim
// that pbxload --target will drive.
func writeWorld(path string, workers int, applyDelay time.Duration) error {
	b, err := yaml.Marshal(loadScenario(workers, applyDelay))
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
