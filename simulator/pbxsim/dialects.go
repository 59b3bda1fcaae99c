package pbxsim

import (
	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// newDialects builds the vendor dialects the scenario has tenants for, and
// the routes that send their requests through the fault middleware.
func newDialects(sim *simulator.Sim, sc *scenario.Scenario, eng *faults.Engine) ([]dialect, []faults.Route, error) {
	var out []dialect
	var routes []faults.Route
	closeAll := func() {
		for _, d := range out {
			d.Close()
		}
	}
	if sc.RingCentral != nil {
		opts := ringcentral.Options{Faults: eng}
		d, err := ringcentral.New(sim, sc, opts)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, d)
		routes = append(routes,
			faults.Route{Prefix: "/restapi", Dialect: faults.DialectRingCentral, Vendor: d},
			faults.Route{Prefix: d.WebSocketPath(), Dialect: faults.DialectRingCentral, Vendor: d})
	}
	if sc.NetSapiens != nil {
		d, err := netsapiens.New(sim, sc, netsapiens.Options{Faults: eng})
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		out = append(out, d)
		routes = append(routes, faults.Route{Prefix: "/ns-api/v2", Dialect: faults.DialectNetSapiens, Vendor: d})
	}
	return out, routes, nil
}
