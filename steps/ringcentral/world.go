package ringcentral

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// RCWorld is the RingCentral steps' state for one scenario: one logged-in
// reference client per role (customer, operator, consult), each following
// its own telephony sessions over WebSocket, the warm transfer in
// progress, and the last Call Control request with its answer.
type RCWorld struct {
	w     world
	facts *Facts

	people map[string]*rcPerson // by role

	// Transfer is the operator's warm transfer in progress.
	Transfer *rc.WarmTransfer
	// customerCall is the operator's leg in the customer's call (A).
	customerCall rc.Leg

	// The last request the operator sent, its answer and its error.
	lastRequest string
	lastParty   *rc.Party
	lastErr     error

	// worldCall is the customer's call as the world driver placed it.
	worldCall steps.WorldCall
}

// rcPerson is one role's reference client, subscription and Desk.
type rcPerson struct {
	role   string
	facts  target.Person
	client *rc.Client
	sub    *rc.Subscription
	desk   *rc.Desk
}

// rc returns the RingCentral state, building it on first use.
func (w world) rc() (*RCWorld, error) {
	return steps.State(w.World, Name, func() (*RCWorld, error) {
		if FactsOf(w.World) == nil {
			return nil, steps.Skipf("target %s has no RingCentral account", w.Target.Name())
		}
		r := &RCWorld{w: w, facts: FactsOf(w.World), people: map[string]*rcPerson{}}
		if w.Ctl == nil {
			// Without a control API nothing resets the PBX between scenarios.
			w.Cleanup(r.endCalls)
		}
		return r, nil
	})
}

func (r *RCWorld) factsOf(role string) (target.Person, error) {
	switch role {
	case "customer":
		return r.facts.Customer, nil
	case "operator":
		return r.facts.Operator, nil
	case "consult":
		return r.facts.Consult, nil
	}
	return target.Person{}, fmt.Errorf("no RingCentral role %q (customer, operator, consult)", role)
}

func (r *RCWorld) setID(role, id string) {
	switch role {
	case "customer":
		r.facts.Customer.ID = id
	case "operator":
		r.facts.Operator.ID = id
	case "consult":
		r.facts.Consult.ID = id
	}
}

// stepCtx bounds one step's waits by the world's step timeout.
func (r *RCWorld) stepCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.w.Context(), r.w.Timeout)
}

// person returns a role's logged-in client, logging in on first use.
func (r *RCWorld) person(role string) (*rcPerson, error) {
	if p := r.people[role]; p != nil {
		return p, nil
	}
	f, err := r.factsOf(role)
	if err != nil {
		return nil, err
	}
	if f.JWT == "" {
		return nil, fmt.Errorf("the target's RingCentral facts have no JWT for the %s (%s)", role, f.Name)
	}
	c, err := rc.New(rc.Config{
		ServerURL: r.facts.ServerURL, ClientID: r.facts.ClientID, ClientSecret: r.facts.ClientSecret,
		JWT: f.JWT, HTTPClient: r.w.HTTP, UserAgent: "xfer-conform/" + role,
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	if err := c.Login(ctx); err != nil {
		return nil, fmt.Errorf("the %s (%s, extension %s) logging in with a JWT: %w", role, f.Name, f.Extension, err)
	}
	me := c.OwnerID()
	if me == "" {
		// The token may leave owner_id out; the extension read names it.
		ext, err := c.Extension(ctx)
		if err != nil {
			return nil, fmt.Errorf("the %s reading their extension: %w", role, err)
		}
		me = string(ext.ID)
	}
	if f.ID != "" && me != f.ID {
		return nil, fmt.Errorf("the %s's token belongs to extension %s, the facts say %s", role, me, f.ID)
	}
	if f.ID == "" {
		// A tenant's config may name extensions by number only; checks
		// compare owners by ID.
		f.ID = me
		r.setID(role, me)
	}
	p := &rcPerson{role: role, facts: f, client: c, desk: rc.NewDesk(me)}
	p.learnDevice(ctx)
	r.people[role] = p
	r.w.Trace.Addf("ringcentral: the %s (%s, extension %s, id %s) logged in", role, f.Name, f.Extension, me)
	return p, nil
}

// follow subscribes a role to its telephony sessions and feeds its Desk.
func (r *RCWorld) follow(role string) error {
	p, err := r.person(role)
	if err != nil {
		return err
	}
	if p.sub != nil {
		return nil
	}
	ctx, cancel := r.stepCtx()
	defer cancel()
	sub, err := p.client.Subscribe(ctx, rc.SubscribeOptions{})
	if err != nil {
		return fmt.Errorf("the %s subscribing over WebSocket: %w", role, err)
	}
	p.sub = sub
	r.w.Cleanup(func() { _ = sub.Close() })
	go p.desk.Follow(sub)
	info := sub.Info()
	r.w.Trace.Addf("ringcentral: the %s subscribed over WebSocket (subscription %s, filters %v)", role, info.ID, info.EventFilters)
	return nil
}

// following returns a role that follows its sessions, or says which step
// is missing.
func (r *RCWorld) following(role string) (*rcPerson, error) {
	p := r.people[role]
	if p == nil || p.sub == nil {
		return nil, fmt.Errorf("the %s does not follow their telephony sessions yet (add: Given the %s follows their RingCentral telephony sessions)", role, role)
	}
	return p, nil
}

// address names a role for the control API: extension@account.
func (r *RCWorld) address(role string) (string, error) {
	f, err := r.factsOf(role)
	if err != nil {
		return "", err
	}
	return f.Extension + "@" + r.facts.AccountID, nil
}

// record keeps the answer of an operator request for the assertion steps.
func (r *RCWorld) record(what string, p *rc.Party, err error) {
	r.lastRequest, r.lastParty, r.lastErr = what, p, err
	switch {
	case err != nil:
		r.w.Trace.Addf("ringcentral: %s -> %v", what, err)
	case p != nil:
		r.w.Trace.Addf("ringcentral: %s -> party %s %s/%s", what, p.ID, p.Status.Code, p.Status.Reason)
	default:
		r.w.Trace.Addf("ringcentral: %s -> ok", what)
	}
}

// lastAPIError returns the last request's refusal, or explains what came
// back instead.
func (r *RCWorld) lastAPIError() (*rc.APIError, error) {
	if r.lastRequest == "" {
		return nil, errors.New("no RingCentral request was sent in this scenario")
	}
	var ae *rc.APIError
	if errors.As(r.lastErr, &ae) {
		return ae, nil
	}
	if r.lastErr != nil {
		return nil, fmt.Errorf("%s failed without a platform answer: %v", r.lastRequest, r.lastErr)
	}
	got := "a success"
	if r.lastParty != nil {
		got = fmt.Sprintf("a success: party %s %s/%s", r.lastParty.ID, r.lastParty.Status.Code, r.lastParty.Status.Reason)
	}
	return nil, fmt.Errorf("%s was expected to be refused but got %s", r.lastRequest, got)
}

// describeDesks renders every role's Desk, for failure messages.
func (r *RCWorld) describeDesks() string {
	var b strings.Builder
	for _, role := range []string{"operator", "customer", "consult"} {
		if p := r.people[role]; p != nil {
			b.WriteString(role + "'s ")
			b.WriteString(p.desk.Describe())
		}
	}
	return b.String()
}

// Notifications are what each role's Desk received over WebSocket
// (steps.Notifier).
func (r *RCWorld) Notifications() []steps.NotificationLog {
	var out []steps.NotificationLog
	for _, role := range []string{"customer", "operator", "consult"} {
		p := r.people[role]
		if p == nil || p.sub == nil {
			continue
		}
		l := steps.NotificationLog{Heading: fmt.Sprintf("WebSocket: the %s's telephony-session notifications", role)}
		for _, rec := range p.desk.Log() {
			n := rec.Notification
			at, _ := time.Parse(time.RFC3339Nano, n.Timestamp)
			l.Lines = append(l.Lines, fmt.Sprintf("%s seq %d session %s party %s %s %s [%s]", n.Timestamp, n.Body.Sequence, n.Body.TelephonySessionID,
				partyOf(n), statusOf(n), n.Event, rec.Verdict))
			l.Entries = append(l.Entries, steps.Notification{
				Time: at, Transport: "websocket", To: role, Call: n.Body.TelephonySessionID,
				Summary: fmt.Sprintf("seq %d %s %s [%s]", n.Body.Sequence, partyOf(n), statusOf(n), rec.Verdict),
			})
		}
		out = append(out, l)
	}
	return out
}

func partyOf(n rc.Notification) string {
	if len(n.Body.Parties) == 0 {
		return "-"
	}
	return n.Body.Parties[0].ID
}

func statusOf(n rc.Notification) string {
	if len(n.Body.Parties) == 0 {
		return "-"
	}
	s := n.Body.Parties[0].Status
	if s.Reason != "" {
		return s.Code + "/" + s.Reason
	}
	return s.Code
}

// world is a scenario's World as the RingCentral steps see it.
type world struct{ *steps.World }
