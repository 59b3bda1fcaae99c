package steps

import (
	"context"
	"fmt"
	"time"
)

// vendorDriver plays the world through the vendor APIs only, for targets
// without a control API (real tenants, pbxsim --no-control). What the API
// cannot do (a device that refuses remote answer, an outside phone) is
// asked of the world's Phones and awaited through the API.
type vendorDriver struct{ w *World }

func (d vendorDriver) Name() string { return "the vendor API" }

func (d vendorDriver) driver(vendor string) (WorldDriver, error) {
	v, ok := d.w.vendorOf(vendor)
	if !ok {
		return nil, fmt.Errorf("no vendor driver for %q (vendors: %s)", vendor, vendorNamesOf(d.w.vendors))
	}
	return v.Driver(d.w), nil
}

func (d vendorDriver) Dial(ctx context.Context, caller, callee Phone) (WorldCall, error) {
	v, err := d.driver(caller.Vendor)
	if err != nil {
		return WorldCall{}, err
	}
	return v.Dial(ctx, caller, callee)
}

func (d vendorDriver) Answer(ctx context.Context, p Phone) error {
	v, err := d.driver(p.Vendor)
	if err != nil {
		return err
	}
	return v.Answer(ctx, p)
}

func (d vendorDriver) HangUp(ctx context.Context, p Phone, call WorldCall) error {
	v, err := d.driver(p.Vendor)
	if err != nil {
		return err
	}
	return v.HangUp(ctx, p, call)
}

// AskPerson hands a task to the world's Phones and returns a context
// bounded by the person's deadline, to await the task's effect in.
func (w *World) AskPerson(ctx context.Context, t PhoneTask) (context.Context, context.CancelFunc, error) {
	t.Within = w.personTimeout
	if t.Within <= 0 {
		t.Within = time.Minute
	}
	w.Trace.Addf("world: asking a person: %s (%s)", t, t.Why)
	if w.phones == nil {
		return nil, nil, Skipf("%s: this target needs a person at the phones and none is available (%s)", t, t.Why)
	}
	if err := w.phones.Do(ctx, t); err != nil {
		return nil, nil, fmt.Errorf("asking a person to %q: %w", t.String(), err)
	}
	c, cancel := context.WithTimeout(ctx, t.Within)
	return c, cancel, nil
}
