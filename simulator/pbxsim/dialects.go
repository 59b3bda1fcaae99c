package pbxsim

import (
	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// newDialects builds the vendor dialects that the scenario needs.
func newDialects(sim *simulator.Sim, sc *scenario.Scenario) ([]dialect, error) {
	var out []dialect
	return out, nil
}
