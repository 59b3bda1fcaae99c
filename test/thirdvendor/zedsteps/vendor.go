// Package zedsteps is the xfer-conform plug-in of Zed, the test-only third
// vendor (test/thirdvendor): a steps.Vendor with Zed's own steps, the
// shared world sentences played on Zed, and the customer's call placed
// through the control API. It reads its facts from the scenario's own
// zed section (target.Facts.Scenario), so the targets need not know it.
package zedsteps

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cucumber/godog"
	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/test/thirdvendor/zedclient"
)

// Name is the vendor's name: features pick it with the tag @zed.
const Name = "zed"

// Vendor is Zed's steps.Vendor (and steps.CustomerCaller).
type Vendor struct{}

var (
	_ steps.Vendor         = Vendor{}
	_ steps.CustomerCaller = Vendor{}
)

// Name is "zed".
func (Vendor) Name() string { return Name }

// Driver is nil: Zed has no way to place the customer's call without the
// control API, so Zed scenarios need a pbxsim target.
func (Vendor) Driver(*steps.World) steps.WorldDriver { return nil }

// world is Zed's per-scenario state.
type world struct {
	w        *steps.World
	api      *zedclient.Client
	users    map[string]string // role -> user id
	numbers  map[string]string // role -> phone number
	customer string
}

// stateOf reaches the scenario's Zed state, reading the facts on first use.
func stateOf(w *steps.World) (*world, error) {
	return steps.State(w, Name, func() (*world, error) {
		if err := w.NeedControl(); err != nil {
			return nil, err
		}
		sc := gjson.ParseBytes(w.Facts.Scenario)
		t := sc.Get("zed.tenants.0")
		if !t.Exists() {
			return nil, steps.Skipf("the target's scenario has no zed section")
		}
		z := &world{w: w, users: map[string]string{}, numbers: map[string]string{},
			api:      &zedclient.Client{Base: w.Ctl.BaseURL(), Tenant: t.Get("id").String(), Key: t.Get("key").String(), HTTP: w.HTTP},
			customer: sc.Get("outside.0.number").String()}
		for i, role := range []string{"operator", "consult"} {
			u := t.Get(fmt.Sprintf("users.%d", i))
			z.users[role], z.numbers[role] = u.Get("id").String(), u.Get("number").String()
		}
		return z, nil
	})
}

func on(w *steps.World, step func(*world) error) func() error {
	return steps.On(func() (*world, error) { return stateOf(w) }, step)
}

// Steps registers Zed's own sentences.
func (Vendor) Steps(sc *godog.ScenarioContext, w *steps.World) {
	sc.Step(`^the operator's Zed phone rings$`, on(w, (*world).operatorRings))
	sc.Step(`^the operator is on a call with the customer on Zed$`, on(w, (*world).operatorTalks))
	sc.Step(`^the operator has no call on Zed$`, on(w, (*world).operatorIdle))
	sc.Step(`^Zed refuses a stranger's key$`, on(w, (*world).strangerRefused))
}

// CustomerCalls places the customer's call to the operator's number.
func (Vendor) CustomerCalls(w *steps.World) error {
	z, err := stateOf(w)
	if err != nil {
		return err
	}
	_, err = w.Ctl.CreateCall(w.Context(), z.customer, z.numbers["operator"])
	return err
}

// Answer answers the role's ringing leg through Zed's API.
func (Vendor) Answer(w *steps.World, role string) error {
	z, err := stateOf(w)
	if err != nil {
		return err
	}
	l, err := z.awaitLeg(role, "a ringing leg", func(l zedclient.Leg) bool { return l.State == "setup" || l.State == "proceeding" })
	if err != nil {
		return err
	}
	return z.api.Answer(w.Context(), z.users[role], l.Leg)
}

// HangUp ends the role's leg: a Zed user's through Zed's API, the
// customer's (outside every tenant) through the control API.
func (Vendor) HangUp(w *steps.World, role string) error {
	z, err := stateOf(w)
	if err != nil {
		return err
	}
	if role == "customer" {
		calls, err := w.Ctl.Calls(w.Context())
		if err != nil {
			return err
		}
		for _, c := range calls {
			if l, ok := c.LegOf(z.customer); ok && l.State != "disconnected" {
				return w.Ctl.Hangup(w.Context(), c.ID, l.ID)
			}
		}
		return errors.New("the customer is on no call")
	}
	l, err := z.awaitLeg(role, "a live leg", func(zedclient.Leg) bool { return true })
	if err != nil {
		return err
	}
	return z.api.HangUp(w.Context(), z.users[role], l.Leg)
}

// awaitLeg waits for the role's leg that ok accepts and returns it.
func (z *world) awaitLeg(role, what string, ok func(zedclient.Leg) bool) (zedclient.Leg, error) {
	user, known := z.users[role]
	if !known {
		return zedclient.Leg{}, fmt.Errorf("zed has no %s", role)
	}
	var found zedclient.Leg
	err := z.w.Await(fmt.Sprintf("the %s's %s on Zed", role, what), func() (bool, string, error) {
		legs, err := z.api.Calls(z.w.Context(), user)
		if err != nil {
			return false, "", err
		}
		i := slices.IndexFunc(legs, ok)
		if i < 0 {
			return false, describe(legs), nil
		}
		found = legs[i]
		return true, describe(legs), nil
	})
	return found, err
}

func describe(legs []zedclient.Leg) string {
	if len(legs) == 0 {
		return "no legs"
	}
	var out []string
	for _, l := range legs {
		out = append(out, l.Leg+" "+l.State+" from "+l.From)
	}
	return strings.Join(out, "; ")
}

func (z *world) operatorRings() error {
	_, err := z.awaitLeg("operator", "ringing leg from the customer", func(l zedclient.Leg) bool {
		return (l.State == "setup" || l.State == "proceeding") && l.From == z.customer
	})
	return err
}

func (z *world) operatorTalks() error {
	_, err := z.awaitLeg("operator", "answered leg with the customer", func(l zedclient.Leg) bool {
		return l.State == "answered" && l.From == z.customer
	})
	return err
}

func (z *world) operatorIdle() error {
	return z.w.Await("the operator with no call on Zed", func() (bool, string, error) {
		legs, err := z.api.Calls(z.w.Context(), z.users["operator"])
		if err != nil {
			return false, "", err
		}
		return len(legs) == 0, describe(legs), nil
	})
}

func (z *world) strangerRefused() error {
	stranger := *z.api
	stranger.Key = "zk_not_a_key"
	_, err := stranger.Calls(z.w.Context(), z.users["operator"])
	var ze *zedclient.Error
	if !errors.As(err, &ze) || ze.Status != 401 || ze.Kind != "unauthorized" {
		return fmt.Errorf("a stranger's key got %v, want Zed's 401 unauthorized", err)
	}
	return nil
}
