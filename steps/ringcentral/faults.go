package ringcentral

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/client/control"
	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/judge"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// readAfterUnderFaults is how long the RingCentral warm transfer waits on
// notifications before it reads the sessions: short, so a lost
// notification costs little in the specs.
const readAfterUnderFaults = 500 * time.Millisecond

func registerFaultsRingCentral(sc *godog.ScenarioContext, f faults) {
	sc.Step(`^pbxsim's RingCentral account is rate-limited to (\d+) light requests per (\S+) with a (\S+) penalty$`, f.rcRateLimited)
	sc.Step(`^the operator warm-transfers the customer to the consult$`, f.rcWarmTransfer)
	sc.Step(`^the operator tries to complete the warm transfer$`, f.rcTryComplete)
	sc.Step(`^pbxsim closes the operator's notification socket (recoverably|unrecoverably)$`, f.rcCloseSocket)
	sc.Step(`^the customer and the consult are talking in one session without the operator$`, f.rcCustomerWithConsult)
	sc.Step(`^the operator's Desk dropped (duplicate|stale) notifications$`, f.rcDeskDropped)
	sc.Step(`^the operator's subscription recovered with wsc, without subscribing again$`, f.rcRecovered)
	sc.Step(`^the operator's subscription subscribed again and the Desk re-read its sessions$`, f.rcResubscribed)
	sc.Step(`^the operator read the calls' state over REST instead of the lost notifications$`, f.rcReadInstead)
	sc.Step(`^every request after a 429 waited out its Retry-After$`, f.rcWaitedRetryAfter)
}

// rcRateLimited restarts the embedded pbxsim with RingCentral's rate-limit
// profile on the account (it is opt-in per account in the scenario file,
// docs/faults.md). A running pbxsim must have been started with one.
func (f faults) rcRateLimited(light, window, penalty string) error {
	w := f.w
	if _, ok := steps.StateIf[*RCWorld](w.World, Name); ok {
		return errors.New("set the rate limits before any RingCentral step (the clients would be on the old pbxsim)")
	}
	n, err := strconv.Atoi(light)
	if err != nil {
		return err
	}
	// The scenario file's shape (docs/scenario.md): ringcentral.accounts[].rateLimits.
	limits := map[string]any{"light": n}
	for _, d := range []struct{ key, s string }{{"window", window}, {"penalty", penalty}} {
		v, err := time.ParseDuration(d.s)
		if err != nil {
			return err
		}
		limits[d.key] = v.String()
	}
	rt, ok := w.Target.(target.Restarter)
	if !ok {
		return steps.Skipf("rate limits are set in the scenario file; target %s is not an embedded pbxsim this step can restart (start pbxsim with rateLimits on the account instead)", targetName(w))
	}
	t, err := rt.Restart(w.Context(), w.HTTP, func(sc map[string]any) error {
		rc, _ := sc["ringcentral"].(map[string]any)
		accounts, _ := rc["accounts"].([]any)
		for _, a := range accounts {
			if acc, ok := a.(map[string]any); ok {
				acc["rateLimits"] = limits
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: starting a rate-limited pbxsim: %v", target.ErrHarness, err)
	}
	old := w.Target
	w.UseTarget(t)
	_ = old.Close()
	w.Trace.Addf("faults: pbxsim restarted with RingCentral rate limits light %d per %s, penalty %s", n, window, penalty)
	if f.Seed() != 0 {
		return f.w.Ctl.SetFaultSeed(w.Context(), f.Seed())
	}
	return nil
}

func targetName(w world) string {
	if w.Target == nil {
		return "(none)"
	}
	return w.Target.Name()
}

// rcWarmTransfer runs the whole warm transfer through the reference
// client while the world answers the consult's phone, and keeps the
// outcome for the Then steps (the transfer may be meant to fail).
func (f faults) rcWarmTransfer() error {
	w := f.w
	r, err := w.rc()
	if err != nil {
		return err
	}
	op, err := r.following("operator")
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	wt, err := op.client.BeginWarmTransfer(ctx, op.desk, rc.Caller{DeviceID: op.facts.DeviceID}, rc.Callee{ExtensionNumber: r.facts.Consult.Extension})
	if err != nil {
		f.Record("the warm transfer", err)
		return nil
	}
	wt.ReadAfter = readAfterUnderFaults
	r.Transfer, r.customerCall = wt, wt.Customer
	w.Trace.Addf("ringcentral: held %s/%s, called the consult: session %s", wt.Customer.SessionID, wt.Customer.PartyID, wt.Consult.SessionID)
	consult, err := r.phone("consult")
	if err != nil {
		return err
	}
	if err := w.Driver.Answer(ctx, consult); err != nil {
		return fmt.Errorf("the consult could not pick up: %w", err)
	}
	f.Record("the warm transfer", f.rcComplete(ctx, wt))
	return nil
}

func (f faults) rcComplete(ctx context.Context, wt *rc.WarmTransfer) error {
	wt.ReadAfter = readAfterUnderFaults
	p, err := wt.Complete(ctx)
	if err != nil {
		return err
	}
	f.w.Trace.Addf("ringcentral: bridged: operator's party %s %s/%s", p.ID, p.Status.Code, p.Status.Reason)
	return wt.AwaitSettled(ctx)
}

func (f faults) rcTryComplete() error {
	r, err := f.w.rc()
	if err != nil {
		return err
	}
	wt, err := r.transfer()
	if err != nil {
		return err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	f.Record("completing the warm transfer", f.rcComplete(ctx, wt))
	return nil
}

func (f faults) rcCloseSocket(how string) error {
	if err := f.Control(); err != nil {
		return err
	}
	r, err := f.w.rc()
	if err != nil {
		return err
	}
	op, err := r.following("operator")
	if err != nil {
		return err
	}
	mode := map[string]string{"recoverably": "recoverable", "unrecoverably": "unrecoverable"}[how]
	n, err := f.w.Ctl.DisconnectSockets(f.w.Context(), r.facts.AccountID, op.facts.ID, mode)
	if err != nil {
		return fmt.Errorf("closing the operator's socket: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("pbxsim found no notification socket of the operator (extension %s) to close", op.facts.ID)
	}
	f.w.Trace.Addf("faults: pbxsim closed %d socket(s) of the operator, %s", n, mode)
	return nil
}

// rcCustomerWithConsult reads both sessions of the transfer with the
// customer's own client (REST, so it holds whatever notifications were
// lost): one of them has the customer and the consult Answered and the
// operator no longer live.
func (f faults) rcCustomerWithConsult() error {
	r, err := f.w.rc()
	if err != nil {
		return err
	}
	wt, err := r.transfer()
	if err != nil {
		return err
	}
	cust, err := r.person("customer")
	if err != nil {
		return err
	}
	ids := map[string]string{}
	for _, role := range []string{"customer", "consult", "operator"} {
		p, _ := r.factsOf(role)
		ids[p.ID] = role
	}
	var seen []string
	return f.w.Await("the customer and the consult Answered in one session, the operator gone", func() (bool, string, error) {
		seen = seen[:0]
		for _, sid := range []string{wt.Customer.SessionID, wt.Consult.SessionID} {
			s, err := cust.client.Session(f.w.Context(), sid)
			if err != nil {
				seen = append(seen, fmt.Sprintf("%s: %v", sid, err))
				continue
			}
			answered := map[string]bool{}
			operatorLive := false
			var parties []string
			for _, p := range s.Parties {
				role := ids[p.OwnerExtensionID()]
				parties = append(parties, fmt.Sprintf("%s(%s) %s/%s", p.ID, role, p.Status.Code, p.Status.Reason))
				if p.Status.Code == rc.StatusAnswered {
					answered[role] = true
				}
				if role == "operator" && (p.Status.Code == rc.StatusAnswered || p.Status.Code == rc.StatusHold) {
					operatorLive = true
				}
			}
			seen = append(seen, sid+": "+strings.Join(parties, ", "))
			if answered["customer"] && answered["consult"] && !operatorLive {
				return true, strings.Join(seen, "; "), nil
			}
		}
		return false, strings.Join(seen, "; "), nil
	})
}

func (f faults) rcOperator() (*rcPerson, error) {
	r, err := f.w.rc()
	if err != nil {
		return nil, err
	}
	return r.following("operator")
}

func (f faults) rcDeskDropped(kind string) error {
	op, err := f.rcOperator()
	if err != nil {
		return err
	}
	want := map[string]rc.Verdict{"duplicate": rc.Duplicate, "stale": rc.Stale}[kind]
	n := 0
	for _, rec := range op.desk.Log() {
		if rec.Verdict == want {
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("the operator's Desk dropped no %s notification (seed %d):\n%s", kind, f.Seed(), op.desk.Describe())
	}
	f.w.Trace.Addf("ringcentral: the operator's Desk dropped %d %s notification(s)", n, kind)
	return nil
}

// rcRecovered waits for the operator's subscription to come back over a
// wsc recovery (the SDK's first reconnect comes 2s after the loss) and
// checks it kept its subscription.
func (f faults) rcRecovered() error {
	op, err := f.rcOperator()
	if err != nil {
		return err
	}
	return f.w.Await("the operator's subscription recovered with wsc", func() (bool, string, error) {
		seen := fmt.Sprintf("recoveries %d, new subscriptions %d, err %v", op.sub.Reconnects(), op.sub.Resubscriptions(), op.sub.Err())
		if op.sub.Resubscriptions() != 0 {
			return false, seen, fmt.Errorf("the operator's subscription subscribed again after a recoverable loss: %s", seen)
		}
		return op.sub.Reconnects() >= 1, seen, nil
	})
}

// rcResubscribed waits for the operator's subscription to subscribe again
// after its recovery failed, and for the Desk to have read its sessions.
func (f faults) rcResubscribed() error {
	op, err := f.rcOperator()
	if err != nil {
		return err
	}
	err = f.w.Await("the operator's subscription subscribed again", func() (bool, string, error) {
		seen := fmt.Sprintf("recoveries %d, new subscriptions %d, re-reads after one %d, err %v", op.sub.Reconnects(), op.sub.Resubscriptions(), op.desk.Resyncs(), op.sub.Err())
		return op.sub.Resubscriptions() >= 1 && op.desk.Resyncs() >= 1, seen, nil
	})
	if err != nil {
		return err
	}
	return f.rcReadInstead()
}

func (f faults) rcReadInstead() error {
	op, err := f.rcOperator()
	if err != nil {
		return err
	}
	if len(op.desk.Snapshots()) == 0 {
		return fmt.Errorf("the operator's Desk never read a session over REST:\n%s", op.desk.Describe())
	}
	return nil
}

// rcWaitedRetryAfter judges the RingCentral journal with the integration
// check "Retry-After honoured": after every 429, the next request came no
// sooner than the Retry-After the 429 announced.
func (f faults) rcWaitedRetryAfter() error {
	if err := f.Control(); err != nil {
		return err
	}
	journal, err := f.w.Ctl.Journal(f.w.Context(), control.JournalFilter{Dialect: "ringcentral"})
	if err != nil {
		return err
	}
	n := 0
	for _, j := range journal {
		if j.Status == 429 {
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("pbxsim answered no RingCentral request with 429 (seed %d): the spec exercised nothing", f.Seed())
	}
	c, _ := judge.LookupCheck("Retry-After honoured")
	if err := c.Judge(judge.Evidence{Vendor: Name, Roles: roles(FactsOf(f.w.World)), Budget: budget, Journal: journal}); err != nil {
		return err
	}
	f.w.Trace.Addf("ringcentral: %d request(s) answered 429; each next request waited out its Retry-After", n)
	return nil
}

// placeholders let fault rules name the RingCentral account, the
// operator's extension id and the operator's WebSocket subscription.
func (f faults) placeholders() {
	f.Placeholder("{account}", func() (string, error) {
		if FactsOf(f.w.World) == nil {
			return "", errors.New("no RingCentral account on this target")
		}
		return FactsOf(f.w.World).AccountID, nil
	})
	f.Placeholder("{operator extension id}", func() (string, error) {
		r, err := f.w.rc()
		if err != nil {
			return "", err
		}
		p, err := r.person("operator")
		if err != nil {
			return "", err
		}
		return p.facts.ID, nil
	})
	f.Placeholder("{operator subscription}", func() (string, error) {
		r, err := f.w.rc()
		if err != nil {
			return "", err
		}
		p, err := r.following("operator")
		if err != nil {
			return "", err
		}
		return p.sub.Info().ID, nil
	})
}

// faults is the scenario's @faults state for the RingCentral steps.
type faults struct {
	*steps.Faults
	w world
}
