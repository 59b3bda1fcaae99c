package netsapiens

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/client/netsapiens"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/judge"
)

// NSWorld is the NetSapiens steps' state for one scenario: the reference
// client the operator acts through, the attended transfer in progress, the
// last write and its answer, and the webhook receiver.
type NSWorld struct {
	w     world
	facts *Facts

	// Client acts for the operator; which credential it holds is chosen by
	// a step (the domain's office-manager key by default).
	Client *netsapiens.Client
	// Observer reads with the domain's office-manager key to check what
	// the operator's actions did, whatever the operator's credential may see.
	Observer *netsapiens.Client
	// userScoped says the operator's credential is a user's own (it reads
	// only the user's calls).
	userScoped bool
	// Transfer is the attended transfer the operator is walking through.
	Transfer *netsapiens.WarmTransfer

	// lastWrite is the last write the operator sent and its error (nil on
	// 2xx); journalAfter is the journal position before it, to find its
	// entry and outcome note on pbxsim.
	lastWrite    string
	lastErr      error
	journalAfter uint64

	// worldCall is the outside caller's call as the world driver placed it.
	worldCall steps.WorldCall

	hook    *netsapiens.WebhookReceiver
	hookSrv *httptest.Server
	sub     netsapiens.Subscription
}

// ns returns the NetSapiens state, building it on first use.
func (w world) ns() (*NSWorld, error) {
	return steps.State(w.World, Name, func() (*NSWorld, error) {
		if FactsOf(w.World) == nil {
			return nil, steps.Skipf("target %s has no NetSapiens domain", w.Target.Name())
		}
		n := &NSWorld{w: w, facts: FactsOf(w.World)}
		c, err := n.clientWith(n.facts.DomainKey, "domain key")
		if err != nil {
			return nil, err
		}
		n.Client, n.Observer = c, c
		n.Transfer = c.NewWarmTransfer(n.facts.Operator.ID, n.facts.Consult.ID)
		if w.Ctl != nil {
			w.Cleanup(n.hangUpScenarioCalls)
		} else {
			// Without a control API nothing resets the PBX between scenarios.
			w.Cleanup(n.endCalls)
		}
		return n, nil
	})
}

// hangUpScenarioCalls ends the calls this scenario made, so a pbxsim
// shared by several scenarios starts the next one without them.
func (n *NSWorld) hangUpScenarioCalls() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	calls, err := n.w.Ctl.Calls(ctx)
	if err != nil {
		return
	}
	mine := map[string]bool{
		string(n.Transfer.Original.SessionID):    true,
		string(n.Transfer.ConsultCall.SessionID): true,
	}
	for _, c := range calls {
		if c.State == "ended" {
			continue
		}
		if c.ID == n.w.Vars["call:"+n.facts.OutsideCaller+"->"+n.facts.InboundNumber] || mine[Session(c)] && Session(c) != "" {
			_ = n.w.Ctl.HangupCall(ctx, c.ID)
		}
	}
}

// worldSession is the NetSapiens call-session-id of the call the world
// placed last, read through the control API ("" without one).
func (n *NSWorld) worldSession() (string, error) {
	id := n.w.Vars["last-call"]
	if n.w.Ctl == nil || id == "" {
		return "", nil
	}
	c, err := n.w.Ctl.Call(n.w.Context(), id)
	if err != nil {
		return "", fmt.Errorf("reading the world's call %s: %w", id, err)
	}
	return Session(c), nil
}

// awaitWorldCall reads the NS API until the world's last call shows with
// the given check passing, and takes it as the original call. Naming the
// session keeps the specs right on a pbxsim shared with other scenarios;
// without a control API the world driver's own record of the call names it.
func (n *NSWorld) awaitWorldCall(what string, check func(netsapiens.ActiveCall) bool) error {
	if n.w.Ctl == nil {
		return n.w.Await(what, func() (bool, string, error) {
			calls, err := n.Observer.Calls(n.w.Context())
			if err != nil {
				return false, "", err
			}
			call := n.worldCallIn(calls, n.worldCall)
			if call != nil && check(*call) {
				n.worldCall.SessionID = string(call.SessionID)
				n.Transfer.UseOriginal(*call)
				return true, netsapiens.Summarize(calls), nil
			}
			return false, netsapiens.Summarize(calls), nil
		})
	}
	session, err := n.worldSession()
	if err != nil {
		return err
	}
	if session == "" {
		return fmt.Errorf("pbxsim shows no NetSapiens call-session-id for the world's call %s", n.w.Vars["last-call"])
	}
	return n.w.Await(what+" (session "+session+")", func() (bool, string, error) {
		call, calls, err := n.session(session)
		if err != nil {
			return false, "", err
		}
		if call != nil && check(*call) {
			n.Transfer.UseOriginal(*call)
			return true, netsapiens.Summarize(calls), nil
		}
		return false, netsapiens.Summarize(calls), nil
	})
}

// clientWith builds a reference client on the world's traced HTTP client.
func (n *NSWorld) clientWith(key, what string) (*netsapiens.Client, error) {
	if key == "" {
		return nil, steps.Skipf("the target's NetSapiens facts have no %s", what)
	}
	return netsapiens.New(netsapiens.Config{
		BaseURL:    n.facts.ServerURL,
		Domain:     n.facts.Domain,
		Auth:       netsapiens.APIKey(key),
		HTTPClient: n.w.HTTP,
		Poll:       netsapiens.PollPolicy{Max: judge.PollMax, Timeout: n.w.Timeout},
	})
}

// markJournal remembers where pbxsim's journal ends, so the outcome of the
// next write can be found. Without a control API it does nothing.
func (n *NSWorld) markJournal() error {
	if n.w.Ctl == nil {
		return nil
	}
	entries, err := n.w.Ctl.Journal(n.w.Context(), control.JournalFilter{Dialect: "netsapiens"})
	if err != nil {
		return fmt.Errorf("reading pbxsim's journal: %w", err)
	}
	n.journalAfter = 0
	for _, e := range entries {
		if e.Seq > n.journalAfter {
			n.journalAfter = e.Seq
		}
	}
	return nil
}

// write sends one operator write and keeps its answer for later steps.
func (n *NSWorld) write(what string, send func() error) error {
	if err := n.markJournal(); err != nil {
		return err
	}
	n.lastWrite = what
	n.lastErr = send()
	n.w.Trace.Addf("netsapiens: %s -> %v", what, errOrAccepted(n.lastErr))
	return nil
}

func errOrAccepted(err error) string {
	if err == nil {
		return "accepted"
	}
	return err.Error()
}

// outcome waits until pbxsim notes what became of the last write (its
// change lands after the 202) and returns that note. On a real tenant it
// returns "" at once: the following checks then poll the vendor API.
func (n *NSWorld) outcome(pathHas string) (string, error) {
	if n.w.Ctl == nil {
		return "", nil
	}
	var note string
	err := n.w.Await("pbxsim's outcome of "+n.lastWrite, func() (bool, string, error) {
		entries, err := n.w.Ctl.Journal(n.w.Context(), control.JournalFilter{Dialect: "netsapiens", After: n.journalAfter, PathHas: pathHas})
		if err != nil {
			return false, "", err
		}
		var seen []string
		for _, e := range entries {
			if e.Method == "GET" {
				continue
			}
			seen = append(seen, fmt.Sprintf("%s %s -> %d note=%q", e.Method, e.Path, e.Status, e.Note))
			if e.Note != "" {
				note = e.Note
				return true, strings.Join(seen, "; "), nil
			}
		}
		return false, strings.Join(seen, "; "), nil
	})
	return note, err
}

// requireAccepted checks the last write got a 2xx.
func (n *NSWorld) requireAccepted() error {
	if n.lastErr != nil {
		return fmt.Errorf("expected %s to be accepted, got %w", n.lastWrite, n.lastErr)
	}
	return nil
}

// operatorCalls reads the calls the operator takes part in.
func (n *NSWorld) operatorCalls() ([]netsapiens.ActiveCall, error) {
	calls, err := n.Observer.Calls(n.w.Context())
	if err != nil {
		return nil, err
	}
	var out []netsapiens.ActiveCall
	for _, c := range calls {
		if c.Involves("", n.facts.Operator.ID) {
			out = append(out, c)
		}
	}
	return out, nil
}

// session finds a call by call-session-id in the domain's calls.
func (n *NSWorld) session(id string) (*netsapiens.ActiveCall, []netsapiens.ActiveCall, error) {
	calls, err := n.Observer.Calls(n.w.Context())
	if err != nil {
		return nil, nil, err
	}
	for i := range calls {
		if string(calls[i].SessionID) == id {
			return &calls[i], calls, nil
		}
	}
	return nil, calls, nil
}

// needOriginal checks the transfer has found the original call.
func (n *NSWorld) needOriginal() error {
	if n.Transfer.Original.SessionID == "" {
		return errors.New("no original call yet: a step must read the operator's call first")
	}
	return nil
}

// world is a scenario's World as the NetSapiens steps see it.
type world struct{ *steps.World }
