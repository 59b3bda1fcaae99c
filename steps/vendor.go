package steps

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/steps/judge"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// Vendor is one PBX vendor's plug-in to the harness: a package per vendor
// (steps/ringcentral, steps/netsapiens) implements it and registers it
// (Register, from its init). The harness knows no vendor by name: it asks
// the vendors of the run for their steps, their world driver and what
// their reference clients received.
type Vendor interface {
	// Name is the vendor's name in flags, facts, tags and journals:
	// "ringcentral". A feature picks its vendor by the tag "@" + Name.
	Name() string
	// Steps registers the vendor's step definitions for one scenario.
	Steps(sc *godog.ScenarioContext, w *World)
	// Driver plays the world through the vendor API alone, on a target
	// without a control API.
	Driver(w *World) WorldDriver
	// Answer and HangUp play the world sentences every vendor shares
	// (world_steps.go: "the consult picks up", "the customer hangs up") on
	// the vendor's PBX. role is "customer" (NetSapiens' outside caller:
	// both words name the one who calls in), "operator" or "consult".
	Answer(w *World, role string) error
	HangUp(w *World, role string) error
}

// CustomerCaller is a vendor that plays the shared world sentence "the
// customer calls the operator" (also "the outside caller calls the
// operator"): the customer's call rings the operator, nobody has answered
// yet.
type CustomerCaller interface {
	CustomerCalls(w *World) error
}

// Integrated is a vendor @integration scenarios run on (features/
// integration): the harness places the customer's call, hands it over
// to the integration under test with the vendor's variables, and judges
// the outcome with the shared checks and the vendor's own.
type Integrated interface {
	// Title is the vendor's name in the sentence "the customer has called
	// the operator on <Title> and the operator answered": "Acme".
	Title() string
	// IntegrationCall says, from the world's facts, who calls whom for
	// the hand-over and who answers: control API addresses.
	IntegrationCall(w *World) (IntegrationCall, error)
	// Handover is the integration's variables for the world's answered
	// call (docs/integrations.md) and which of their values are secrets.
	Handover(w *World, original control.Call) (vars map[string]string, secrets []string, err error)
	// ReferenceTransfer is the vendor's warm transfer with its reference
	// client, from the hand-over's variables: the integration when none
	// is given (judge.ReferenceIntegration).
	ReferenceTransfer(ctx context.Context, hc *http.Client, vars map[string]string) error
	// Checks are the vendor's own checks (Vendor set to its Name).
	Checks() []judge.Check
	// Judging is what the judge needs from the vendor: who plays which
	// role (judge.Evidence.Roles), from the world's facts, and its budget.
	Judging(w *World) (roles func(control.Leg) string, budget judge.Budget)
}

// Settler is an Integrated vendor whose changes land after the answer
// (a 202): before the judge reads the evidence, Settle waits until read
// (the integration's journal entries) shows every change applied.
type Settler interface {
	Settle(w *World, read func() ([]control.JournalEntry, error)) error
}

// IntegrationCall is the world's call an @integration scenario hands
// over: From calls To (control API addresses), Operator answers it;
// Consult is the consult's user ID, answered whenever their phone rings.
type IntegrationCall struct {
	From, To, Operator, Consult string
}

// Checks is every integration check of a run's vendors, in the order the
// docs list them (judge.Catalogue).
func Checks(vendors []Vendor) []judge.Check {
	var own []judge.Check
	for _, v := range vendors {
		if in, ok := v.(Integrated); ok {
			own = append(own, in.Checks()...)
		}
	}
	return judge.Catalogue(own...)
}

// Retrier is a vendor whose reference clients take a retry policy: the
// step "the reference clients retry with:" (features/faults) hands each
// vendor of the run the table's settings, and the vendor returns ctx
// carrying its clients' policy for the rest of the scenario.
type Retrier interface {
	WithRetry(ctx context.Context, s RetrySettings) context.Context
}

// RetrySettings are the settings of "the reference clients retry with:",
// zero where the table leaves one out (the client's default). A vendor
// takes those its clients know.
type RetrySettings struct {
	// MaxAttempts bounds the tries of one request, the first included.
	MaxAttempts int
	// BaseBackoff is the pause before the first retry, doubling up to
	// MaxBackoff.
	BaseBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After waited out.
	MaxRetryAfter time.Duration
	// AttemptTimeout bounds one attempt.
	AttemptTimeout time.Duration
	// AcceptedWait is how long a write accepted with 202 is read for
	// before it counts as lost; Resends how often it is sent again.
	AcceptedWait time.Duration
	Resends      int
	// Jitter is fixed (0.5), so the waits are the same on every run.
	Jitter func() float64
}

// String renders the settings for the trace, without the jitter function.
func (s RetrySettings) String() string {
	return fmt.Sprintf("max attempts %d, base backoff %s, max backoff %s, max Retry-After %s, attempt timeout %s, accepted wait %s, resends %d",
		s.MaxAttempts, s.BaseBackoff, s.MaxBackoff, s.MaxRetryAfter, s.AttemptTimeout, s.AcceptedWait, s.Resends)
}

var registry struct {
	mu      sync.Mutex
	vendors map[string]Vendor
}

// Register adds a vendor to the registry the harness draws on when
// Config.Vendors is nil; a vendor that also implements target.Vendor (its
// facts and tenant config section) is registered with the targets too. A vendor package calls it from init; a test can
// register a vendor of its own. Registering a name twice panics.
func Register(v Vendor) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.vendors == nil {
		registry.vendors = map[string]Vendor{}
	}
	if _, dup := registry.vendors[v.Name()]; dup {
		panic(fmt.Sprintf("steps: vendor %q registered twice", v.Name()))
	}
	registry.vendors[v.Name()] = v
	if tv, ok := v.(target.Vendor); ok {
		target.RegisterVendor(tv)
	}
}

// Vendors returns the registered vendors by name.
func Vendors() []Vendor {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	out := make([]Vendor, 0, len(registry.vendors))
	for _, v := range registry.vendors {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// VendorNames returns the registered vendors' names, sorted.
func VendorNames() []string {
	var out []string
	for _, v := range Vendors() {
		out = append(out, v.Name())
	}
	return out
}

// vendorOf finds the run's vendor by name.
func (w *World) vendorOf(name string) (Vendor, bool) {
	i := slices.IndexFunc(w.vendors, func(v Vendor) bool { return v.Name() == name })
	if i < 0 {
		return nil, false
	}
	return w.vendors[i], true
}

// State returns the vendor's state in this world, made by newState on
// first use: the one way a vendor's steps reach their per-scenario state.
// An error from newState (a target without the vendor: a skip) is
// returned, and newState runs again on the next call.
func State[T any](w *World, vendor string, newState func() (T, error)) (T, error) {
	if s, ok := w.state[vendor].(T); ok {
		return s, nil
	}
	s, err := newState()
	if err != nil {
		return s, err
	}
	if w.state == nil {
		w.state = map[string]any{}
	}
	w.state[vendor] = s
	return s, nil
}

// Notifier is a vendor's per-world state (State) that tells what its
// reference clients received, for the results bundle.
type Notifier interface {
	Notifications() []NotificationLog
}

// StateIf returns the vendor's state when the scenario made one.
func StateIf[T any](w *World, vendor string) (T, bool) {
	s, ok := w.state[vendor].(T)
	return s, ok
}

// Vendor is the scenario's vendor: the one its tags name ("@" + Name).
// A scenario that names none, or several, has no vendor for the world
// sentences and gets an error that says so.
func (w *World) Vendor() (Vendor, error) {
	var mine []Vendor
	for _, v := range w.vendors {
		if slices.Contains(w.tags, "@"+v.Name()) {
			mine = append(mine, v)
		}
	}
	switch len(mine) {
	case 1:
		return mine[0], nil
	case 0:
		return nil, fmt.Errorf("the scenario names no vendor: tag it with one of @%s", strings.Join(VendorNames(), ", @"))
	}
	return nil, fmt.Errorf("the scenario names several vendors (%s): the world sentences need one", vendorNamesOf(mine))
}

// vendorNamesOf lists vendors' names for messages.
func vendorNamesOf(vs []Vendor) string {
	var names []string
	for _, v := range vs {
		names = append(names, v.Name())
	}
	return strings.Join(names, ", ")
}

// On adapts a step defined on a vendor's per-world state to godog: the
// state is reached first (state, built with State), then the step runs
// on it. It is the one way vendors register their steps:
//
//	sc.Step(`^the operator puts the customer on hold$`, steps.On(w.rc, (*RCWorld).hold))
func On[S any](state func() (S, error), step func(S) error) func() error {
	return func() error {
		s, err := state()
		if err != nil {
			return err
		}
		return step(s)
	}
}

// On1 is On for a step with one argument.
func On1[S, A any](state func() (S, error), step func(S, A) error) func(A) error {
	return func(a A) error {
		s, err := state()
		if err != nil {
			return err
		}
		return step(s, a)
	}
}

// On2 is On for a step with two arguments.
func On2[S, A, B any](state func() (S, error), step func(S, A, B) error) func(A, B) error {
	return func(a A, b B) error {
		s, err := state()
		if err != nil {
			return err
		}
		return step(s, a, b)
	}
}

// On3 is On for a step with three arguments.
func On3[S, A, B, C any](state func() (S, error), step func(S, A, B, C) error) func(A, B, C) error {
	return func(a A, b B, c C) error {
		s, err := state()
		if err != nil {
			return err
		}
		return step(s, a, b, c)
	}
}
