package scenario

import (
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// StartAt returns where a manual clock starts.
func (sc *Scenario) StartAt() time.Time {
	if sc.StartTime != "" {
		if t, err := time.Parse(time.RFC3339, sc.StartTime); err == nil {
			return t
		}
	}
	return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
}

// Apply fills an empty Sim's directory with the scenario's tenants, users,
// devices, numbers and answer policies: each section's, then the outside
// numbers.
func (sc *Scenario) Apply(sim *simulator.Sim) error {
	for _, k := range sc.sections {
		if err := k.s.Apply(sim); err != nil {
			return err
		}
	}
	for _, o := range sc.Outside {
		sim.AddOutside(simulator.OutsideNumber{Number: o.Number, Name: o.Name, Answer: o.Answer.Policy()})
	}
	return nil
}
