package steps

import (
	"context"
	"fmt"
)

// controlDriver plays the world through pbxsim's control API: calls placed
// and phones answered or hung up directly in the simulator.
type controlDriver struct{ w *World }

func (d controlDriver) Name() string { return "the pbxsim control API" }

func (d controlDriver) Dial(_ context.Context, caller, callee Phone) (WorldCall, error) {
	if err := d.w.addressCalls(caller.Address, callee.Address); err != nil {
		return WorldCall{}, err
	}
	return WorldCall{ControlID: d.w.Vars["last-call"]}, nil
}

func (d controlDriver) Answer(_ context.Context, p Phone) error {
	who := p.Person.ID
	if who == "" {
		who = p.Address
	}
	return d.w.addressAnswers(who)
}

// HangUp ends the phone's leg: in the given call when known, else its
// newest live leg.
func (d controlDriver) HangUp(ctx context.Context, p Phone, call WorldCall) error {
	w := d.w
	calls, err := w.Ctl.Calls(ctx)
	if err != nil {
		return err
	}
	for i := len(calls) - 1; i >= 0; i-- {
		c := calls[i]
		if call.ControlID != "" && c.ID != call.ControlID {
			continue
		}
		for _, l := range c.Legs {
			mine := (p.Person.ID != "" && l.Endpoint.UserID == p.Person.ID) || (p.Person.Number != "" && l.Endpoint.Number == p.Person.Number) || matchesParty(l, p.Address)
			if mine && (l.State == "answered" || l.State == "held" || l.State == "proceeding" || l.State == "setup") {
				w.Trace.Addf("world: %s hangs up (call %s leg %s)", p, c.ID, l.ID)
				return w.Ctl.Hangup(ctx, c.ID, l.ID)
			}
		}
	}
	return fmt.Errorf("%s has no live leg to hang up; calls: %+v", p, calls)
}
