package pbxsim

import (
	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// newDialects builds the vendor dialects the scenario has tenants for.
func newDialects(sim *simulator.Sim, sc *scenario.Scenario) ([]dialect, error) {
	var out []dialect
	closeAll := func() {
		for _, d := range out {
			d.Close()
		}
	}
	if sc.RingCentral != nil {
		d, err := ringcentral.New(sim, sc, ringcentral.Options{})
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if sc.NetSapiens != nil {
		d, err := netsapiens.New(sim, sc, netsapiens.Options{})
		if err != nil {
			closeAll()
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}
