package steps

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/steps/judge"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// registerCommon adds the vendor-neutral steps: the world acting through
// the control API.
func registerCommon(sc *godog.ScenarioContext, w *World) {
	sc.Step(`^pbxsim is running$`, w.pbxsimIsRunning)
	sc.Step(`^"([^"]+)" calls "([^"]+)"$`, w.addressCalls)
	sc.Step(`^"([^"]+)" answers$`, w.addressAnswers)
	sc.Step(`^pbxsim lists (\d+) active calls?$`, w.pbxsimListsActiveCalls)
	sc.Step(`^the call from "([^"]+)" to "([^"]+)" is (ringing|answered|ended)$`, w.callIs)
	sc.Step(`^(\d+) (seconds?|minutes?) pass(?:es)?$`, w.timePasses)
}

// timePasses moves the scenario's own manual clock: a scenario tagged
// @clock runs on one (its tenant set's, or its own pbxsim's), so no other
// scenario sees the time move.
func (w *World) timePasses(n int, unit string) error {
	if err := w.NeedControl(); err != nil {
		return err
	}
	if !slices.Contains(w.tags, target.OwnClockTag) {
		return fmt.Errorf("moving time needs a clock of the scenario's own: tag the scenario %s", target.OwnClockTag)
	}
	d := time.Duration(n) * time.Second
	if strings.HasPrefix(unit, "minute") {
		d = time.Duration(n) * time.Minute
	}
	w.Trace.Addf("world: %s pass", d)
	return w.Ctl.AdvanceClock(w.Context(), d)
}

// NeedControl skips the scenario on a target without a control API.
func (w *World) NeedControl() error {
	if w.Ctl == nil {
		return fmt.Errorf("%w: this step needs the pbxsim control API; target %s has none", godog.ErrSkip, w.Target.Name())
	}
	return nil
}

func (w *World) pbxsimIsRunning() error {
	if err := w.NeedControl(); err != nil {
		return err
	}
	_, err := w.Ctl.Health(w.Context())
	return err
}

// addressCalls places a call through the control API and remembers it as
// "call:<from>-><to>".
func (w *World) addressCalls(from, to string) error {
	if err := w.NeedControl(); err != nil {
		return err
	}
	c, err := w.Ctl.CreateCall(w.Context(), w.Facts.Address(from), w.Facts.Address(to))
	if err != nil {
		return fmt.Errorf("placing a call from %q to %q: %w", from, to, err)
	}
	w.Vars["call:"+from+"->"+to] = c.ID
	w.Vars["last-call"] = c.ID
	w.Trace.Addf("world: %s calls %s (call %s)", from, to, c.ID)
	return nil
}

// addressAnswers answers the ringing leg of the given address in the
// newest call where it rings.
func (w *World) addressAnswers(who string) error {
	if err := w.NeedControl(); err != nil {
		return err
	}
	var callID, legID string
	err := w.Await(fmt.Sprintf("a ringing leg of %q", who), func() (bool, string, error) {
		calls, err := w.Ctl.Calls(w.Context())
		if err != nil {
			return false, "", err
		}
		var seen []string
		for i := len(calls) - 1; i >= 0; i-- {
			for _, l := range calls[i].Legs {
				seen = append(seen, fmt.Sprintf("%s/%s %s %s", calls[i].ID, l.ID, judge.LegName(l), l.State))
				if matchesParty(l, who) && (l.State == "proceeding" || l.State == "setup") && l.Direction == "inbound" {
					callID, legID = calls[i].ID, l.ID
					return true, strings.Join(seen, ", "), nil
				}
			}
		}
		return false, strings.Join(seen, ", "), nil
	})
	if err != nil {
		return err
	}
	if err := w.Ctl.Answer(w.Context(), callID, legID); err != nil {
		var ce *control.Error
		if errors.As(err, &ce) {
			return fmt.Errorf("answering %s's leg %s: %w", who, legID, err)
		}
		return err
	}
	w.Trace.Addf("world: %s answers (call %s leg %s)", who, callID, legID)
	return nil
}

// matchesParty says whether a leg's endpoint is the named party: a user
// id, extension/number or name.
func matchesParty(l control.Leg, who string) bool {
	e := l.Endpoint
	if id, tenant, ok := strings.Cut(who, "@"); ok && tenant != "" && e.TenantID != "" {
		// "1000@domain", "102@account": a user or extension of one tenant.
		return e.TenantID == tenant && (e.UserID == id || e.Number == id)
	}
	return strings.EqualFold(e.Name, who) || e.Number == who || (e.UserID != "" && e.UserID == who)
}

func (w *World) pbxsimListsActiveCalls(n int) error {
	if err := w.NeedControl(); err != nil {
		return err
	}
	calls, err := w.Ctl.Calls(w.Context())
	if err != nil {
		return err
	}
	active := 0
	for _, c := range calls {
		if c.State == "active" {
			active++
		}
	}
	if active != n {
		return fmt.Errorf("expected %d active calls, pbxsim lists %d: %+v", n, active, calls)
	}
	return nil
}

func (w *World) callIs(from, to, state string) error {
	if err := w.NeedControl(); err != nil {
		return err
	}
	id, ok := w.Vars["call:"+from+"->"+to]
	if !ok {
		return fmt.Errorf("no call from %q to %q was placed in this scenario", from, to)
	}
	return w.Await(fmt.Sprintf("call %s from %s to %s to be %s", id, from, to, state), func() (bool, string, error) {
		c, err := w.Ctl.Call(w.Context(), id)
		if err != nil {
			return false, "", err
		}
		var states []string
		for _, l := range c.Legs {
			states = append(states, fmt.Sprintf("%s:%s", judge.LegName(l), l.State))
		}
		obs := fmt.Sprintf("call %s %s [%s]", c.ID, c.State, strings.Join(states, " "))
		switch state {
		case "ended":
			return c.State == "ended", obs, nil
		case "ringing":
			return len(c.Legs) >= 2 && c.Legs[len(c.Legs)-1].State == "proceeding", obs, nil
		default:
			all := c.State == "active"
			for _, l := range c.Legs {
				all = all && l.State == "answered"
			}
			return all, obs, nil
		}
	})
}
