package netsapiens

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/client/netsapiens"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// The NetSapiens world without a control API. The outside caller is a
// phone outside the domain: its call is placed as a click-to-call
// (POST .../users/{dial-via}/calls with call-orig-user set to the outside
// number, which the switch rings first) when the target names a user to
// place it through, else a person dials. Users' phones are answered with
// PATCH .../answer and hung up with DELETE .../calls/{id}; the outside
// phone can only be hung up by a person.

// phone names a role's phone for the world driver: "operator", "consult",
// "outside caller" or "inbound number".
func (n *NSWorld) phone(role string) steps.Phone {
	f := n.facts
	switch role {
	case "operator":
		return steps.Phone{Vendor: "netsapiens", Role: role, Person: f.Operator, Address: userAt(f.Operator.ID, f.Domain)}
	case "consult":
		return steps.Phone{Vendor: "netsapiens", Role: role, Person: f.Consult, Address: userAt(f.Consult.ID, f.Domain)}
	case "inbound number":
		return steps.Phone{Vendor: "netsapiens", Role: role, Person: target.Person{Name: "the inbound number", Number: f.InboundNumber}, Address: f.InboundNumber}
	}
	return steps.Phone{Vendor: "netsapiens", Role: "outside caller", Person: target.Person{Name: "the outside caller", Number: f.OutsideCaller}, Address: f.OutsideCaller}
}

// nsRefused says the switch refused the request itself (4xx other than
// 401: the credential was accepted, the action was not).
func nsRefused(err error) bool {
	s := netsapiens.StatusOf(err)
	return s >= 400 && s < 500 && s != http.StatusUnauthorized
}

func (w world) Dial(ctx context.Context, caller, callee steps.Phone) (steps.WorldCall, error) {
	n, err := w.ns()
	if err != nil {
		return steps.WorldCall{}, err
	}
	calls, err := n.Observer.Calls(ctx)
	if err != nil {
		return steps.WorldCall{}, fmt.Errorf("reading the domain's calls before %s dials: %w", caller, err)
	}
	wc := steps.WorldCall{Before: map[string]bool{}}
	for _, c := range calls {
		wc.Before[string(c.SessionID)] = true
	}
	why := "the target names no user to place the outside caller's click-to-call through"
	if via := n.facts.DialVia; via != "" {
		id := netsapiens.NewCallID()
		// auto-answer-enabled asks the switch to connect the first leg
		// itself (pbxsim does; a real PSTN phone may still need a person,
		// asked below).
		_, err := n.Observer.MakeCall(ctx, via, netsapiens.CallRequest{CallID: id, OrigUser: caller.Person.Number, TermUser: callee.Person.Number, AutoAnswer: netsapiens.Yes})
		switch {
		case err == nil:
			wc.OrigCallID = id
			w.Trace.Addf("world: %s calls %s by click-to-call through user %s (call-id %s)", caller, callee, via, id)
			// The switch rings the outside phone first; with auto-answer
			// pbxsim connects it at once. Ask a person only when the call
			// does not go on.
			grace := 3 * n.facts.ApplyDelay
			if grace < 2*time.Second {
				grace = 2 * time.Second
			}
			if err := n.awaitWorldRinging(ctx, wc, grace); err == nil {
				return wc, nil
			}
			return wc, n.askAndAwaitRinging(ctx, wc, steps.PhoneTask{Action: "answer", Phone: caller,
				Why: "a click-to-call rings the call-orig-user first, then " + callee.String()})
		case nsRefused(err):
			why = fmt.Sprintf("the click-to-call through user %s was refused: %v", via, err)
		default:
			return wc, fmt.Errorf("%s calling %s by click-to-call: %w", caller, callee, err)
		}
	}
	return wc, n.askAndAwaitRinging(ctx, wc, steps.PhoneTask{Action: "dial", Phone: caller, To: callee, Why: why})
}

// worldCallIn finds the world's call among the domain's calls: by its
// session once known, by the click-to-call's call-id, or as the newest
// call at the operator that did not exist before the person dialled.
func (n *NSWorld) worldCallIn(calls []netsapiens.ActiveCall, wc steps.WorldCall) *netsapiens.ActiveCall {
	for i := len(calls) - 1; i >= 0; i-- {
		c := calls[i]
		switch {
		case wc.SessionID != "":
			if string(c.SessionID) == wc.SessionID {
				return &calls[i]
			}
		case wc.OrigCallID != "":
			if string(c.OrigCallID) == wc.OrigCallID || string(c.ByCallID) == wc.OrigCallID {
				return &calls[i]
			}
		case wc.Before != nil:
			if !wc.Before[string(c.SessionID)] && c.Involves("", n.facts.Operator.ID) {
				return &calls[i]
			}
		}
	}
	return nil
}

func (n *NSWorld) awaitWorldRinging(ctx context.Context, wc steps.WorldCall, within time.Duration) error {
	return steps.Await(ctx, within, "the world's call to reach operator "+n.facts.Operator.ID, func() (bool, string, error) {
		calls, err := n.Observer.Calls(ctx)
		if err != nil {
			return false, "", err
		}
		c := n.worldCallIn(calls, wc)
		return c != nil && c.IsTerm("", n.facts.Operator.ID), netsapiens.Summarize(calls), nil
	})
}

func (n *NSWorld) askAndAwaitRinging(ctx context.Context, wc steps.WorldCall, t steps.PhoneTask) error {
	pctx, cancel, err := n.w.AskPerson(ctx, t)
	if err != nil {
		return err
	}
	defer cancel()
	return n.awaitWorldRinging(pctx, wc, n.w.PersonTimeout())
}

// nsAnswer answers the user's ringing call with PATCH .../answer on the
// user's own device, or asks a person when the switch refuses.
func (w world) Answer(ctx context.Context, ph steps.Phone) error {
	n, err := w.ns()
	if err != nil {
		return err
	}
	user := ph.Person.ID
	if user == "" {
		return fmt.Errorf("%s is not a user of the domain; only a person can answer it", ph)
	}
	var ringing netsapiens.ActiveCall
	err = w.Await(fmt.Sprintf("a call ringing at %s", ph), func() (bool, string, error) {
		calls, err := n.Observer.Calls(ctx)
		if err != nil {
			return false, "", err
		}
		for _, c := range calls {
			if c.IsTerm("", user) && strings.EqualFold(c.TermInfo(), netsapiens.InfoAlerting) {
				ringing = c
				return true, netsapiens.Summarize(calls), nil
			}
		}
		return false, netsapiens.Summarize(calls), nil
	})
	if err != nil {
		return err
	}
	device := ""
	if ph.Person.DeviceID != "" {
		device = "sip:" + ph.Person.DeviceID + "@" + n.facts.Domain
	}
	err = n.Observer.Answer(ctx, user, string(ringing.TermCallID), device)
	if err == nil {
		w.Trace.Addf("world: %s answers through the API (session %s, call-term-call-id %s)", ph, ringing.SessionID, ringing.TermCallID)
		return nil
	}
	if !nsRefused(err) {
		return fmt.Errorf("%s answering %s: %w", ph, ringing.TermCallID, err)
	}
	pctx, cancel, perr := w.AskPerson(ctx, steps.PhoneTask{Action: "answer", Phone: ph, Why: "the answer request was refused: " + err.Error()})
	if perr != nil {
		return perr
	}
	defer cancel()
	session := string(ringing.SessionID)
	return steps.Await(pctx, w.PersonTimeout(), fmt.Sprintf("%s to answer session %s", ph, session), func() (bool, string, error) {
		c, calls, err := n.session(session)
		if err != nil {
			return false, "", err
		}
		return c != nil && c.IsTerm("", user) && strings.EqualFold(c.TermInfo(), netsapiens.InfoActive), netsapiens.Summarize(calls), nil
	})
}

// nsHangUp ends a user's newest call with DELETE .../calls/{own call-id};
// the outside caller is no user, so a person hangs up that phone.
func (w world) HangUp(ctx context.Context, ph steps.Phone, wc steps.WorldCall) error {
	n, err := w.ns()
	if err != nil {
		return err
	}
	if user := ph.Person.ID; user != "" {
		calls, err := n.Observer.UserCalls(ctx, user)
		if err != nil {
			return err
		}
		if len(calls) == 0 {
			return fmt.Errorf("%s has no call to hang up", ph)
		}
		c := calls[len(calls)-1]
		id := string(c.OrigCallID)
		if c.IsTerm("", user) {
			id = string(c.TermCallID)
		}
		if err := n.Observer.Disconnect(ctx, user, id); err != nil {
			return fmt.Errorf("%s hanging up %s: %w", ph, id, err)
		}
		w.Trace.Addf("world: %s hangs up (call %s)", ph, id)
		return nil
	}
	// The caller's call: the original one, wherever the transfer took it.
	orig := n.Transfer.Original
	pctx, cancel, err := w.AskPerson(ctx, steps.PhoneTask{Action: "hang up", Phone: ph, Why: "the outside phone is not a user of the domain"})
	if err != nil {
		return err
	}
	defer cancel()
	return steps.Await(pctx, w.PersonTimeout(), ph.String()+" to leave every call", func() (bool, string, error) {
		calls, err := n.Observer.Calls(pctx)
		if err != nil {
			return false, "", err
		}
		for _, c := range calls {
			if (orig.OrigCallID != "" && c.OrigCallID == orig.OrigCallID) || (wc.OrigCallID != "" && string(c.OrigCallID) == wc.OrigCallID) ||
				(ph.Person.Number != "" && (string(c.CallerIDNumber) == ph.Person.Number || string(c.OrigUser) == ph.Person.Number)) {
				return false, netsapiens.Summarize(calls), nil
			}
		}
		return true, netsapiens.Summarize(calls), nil
	})
}

// endCalls disconnects every call the operator or the consult is still in,
// so a tenant (or a shared pbxsim) starts the next scenario without them,
// and waits (briefly) until the switch shows none. Best effort.
func (n *NSWorld) endCalls() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	users := []string{n.facts.Operator.ID, n.facts.Consult.ID}
	left := func() []netsapiens.ActiveCall {
		calls, err := n.Observer.Calls(ctx)
		if err != nil {
			return nil
		}
		var out []netsapiens.ActiveCall
		for _, c := range calls {
			for _, u := range users {
				if c.Involves("", u) {
					out = append(out, c)
					break
				}
			}
		}
		return out
	}
	calls := left()
	if len(calls) == 0 {
		return
	}
	for _, c := range calls {
		for _, u := range users {
			switch {
			case c.IsTerm("", u):
				_ = n.Observer.Disconnect(ctx, u, string(c.TermCallID))
			case c.IsOrig("", u):
				_ = n.Observer.Disconnect(ctx, u, string(c.OrigCallID))
			}
		}
	}
	n.w.Trace.Addf("world: ending %d call(s) after the scenario", len(calls))
	_ = steps.Await(ctx, 4*time.Second, "the scenario's calls to end", func() (bool, string, error) {
		rest := left()
		return len(rest) == 0, netsapiens.Summarize(rest), nil
	})
}

// userAt names a user of a domain for the control API ("1000@TEST"): a
// bare user id is ambiguous once a pbxsim holds several domains.
func userAt(id, domain string) string {
	if domain == "" {
		return id
	}
	return id + "@" + domain
}

// Name says how the world is played: world is the NetSapiens world
// driver (steps.WorldDriver), on targets without a control API.
func (w world) Name() string { return "the NetSapiens API" }

// Driver plays the world through NetSapiens' API alone (driver.go).
func (Vendor) Driver(sw *steps.World) steps.WorldDriver { return world{sw} }
