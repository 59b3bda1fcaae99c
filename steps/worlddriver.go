package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/steps/target"
)

// WorldDriver plays what happens at the phones around a transfer: a
// customer dials in, a phone is answered, somebody hangs up. The specs say
// what the world does; the driver decides how:
//
//   - on pbxsim with its control API, the control API plays the world
//     (controlDriver);
//   - on a real tenant, or on pbxsim started with --no-control, only the
//     vendor API is used (vendorDriver): RingCentral call-out and the party
//     answer action with each role's own credentials, NetSapiens
//     click-to-call and answer. What only a person or a device can do is
//     asked of Phones (a prompt on stderr, or a script in tests) and then
//     awaited through the vendor API with a deadline.
type WorldDriver interface {
	// Name says how the world is played, for messages.
	Name() string
	// Dial makes caller's phone call callee.
	Dial(ctx context.Context, caller, callee Phone) (WorldCall, error)
	// Answer picks up the phone's ringing call.
	Answer(ctx context.Context, p Phone) error
	// HangUp hangs up the phone's live call (call, when known, narrows it).
	HangUp(ctx context.Context, p Phone, call WorldCall) error
}

// Phone is one role's phone in a scenario.
type Phone struct {
	// Vendor is "ringcentral" or "netsapiens".
	Vendor string
	// Role is "customer", "operator", "consult" or "outside caller".
	Role   string
	Person target.Person
	// Address is how the control API names the phone: "101@684349005",
	// "+15555555555", "1000".
	Address string
}

// String names the phone the way a person at the desk would look for it:
// "Agent K (ext 103)", "the outside caller (+15555555555)".
func (p Phone) String() string {
	name := p.Person.Name
	if name == "" {
		name = "the " + p.Role
	}
	switch {
	case p.Person.Extension != "" && p.Person.Extension != p.Person.Number:
		return fmt.Sprintf("%s (ext %s)", name, p.Person.Extension)
	case p.Person.Number != "":
		return fmt.Sprintf("%s (%s)", name, p.Person.Number)
	case p.Address != "":
		return fmt.Sprintf("%s (%s)", name, p.Address)
	}
	return name
}

// WorldCall identifies a call the world placed, as far as the driver
// knows it.
type WorldCall struct {
	// ControlID is the control API's call id (pbxsim with control only).
	ControlID string
	// SessionID is the vendor's session: a RingCentral telephony session
	// or a NetSapiens call-session-id, when known at once.
	SessionID string
	// OrigCallID is the call-id a NetSapiens click-to-call chose; the call
	// reads it as its call-orig-call-id.
	OrigCallID string
	// Before lists the NetSapiens sessions that existed before a person
	// was asked to dial: the world's call is a new one.
	Before map[string]bool
}

// PhoneTask is something only a person at a phone (or a device) can do on
// a target without a control API.
type PhoneTask struct {
	// Action is "dial", "answer" or "hang up".
	Action string
	Phone  Phone
	// To is whom to dial.
	To Phone
	// Why says what the driver tried first, when it tried something.
	Why string
	// Within is how long the driver waits for the task to show.
	Within time.Duration
}

// String is the prompt: "Answer the phone of Agent K (ext 103) now".
func (t PhoneTask) String() string {
	var s string
	switch t.Action {
	case "dial":
		name := t.To.Person.Name
		if name == "" {
			name = "the " + t.To.Role
		}
		to := t.To.Person.Number
		if t.To.Person.Extension != "" {
			to = "ext " + t.To.Person.Extension
		}
		s = fmt.Sprintf("Call %s (%s) from the phone of %s now", to, name, t.Phone.String())
	case "answer":
		s = fmt.Sprintf("Answer the phone of %s now", t.Phone.String())
	case "hang up":
		s = fmt.Sprintf("Hang up the phone of %s now", t.Phone.String())
	default:
		s = fmt.Sprintf("%s the phone of %s now", t.Action, t.Phone.String())
	}
	return s
}

// Phones carries out phone tasks. Do returns once the task was handed
// over; the driver then waits, through the vendor API, for its effect.
type Phones interface {
	Do(ctx context.Context, t PhoneTask) error
}

// PromptPhones asks a person: it prints each task, with its deadline and
// why the API could not do it, to Out (stderr in the command).
type PromptPhones struct{ Out io.Writer }

// Do prints the prompt.
func (p PromptPhones) Do(_ context.Context, t PhoneTask) error {
	if p.Out == nil {
		return errors.New("no person to ask: " + t.String())
	}
	why := ""
	if t.Why != "" {
		why = " (" + target.Redact(t.Why) + ")"
	}
	_, err := fmt.Fprintf(p.Out, "\n>>> %s: waiting up to %s%s\n", t.String(), t.Within, why)
	return err
}

// Skipf returns godog's skip error with the reason, so the step and the
// scenario are reported as skipped and the reason is kept.
func Skipf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", godog.ErrSkip, fmt.Sprintf(format, args...))
}

// skipReason extracts the reason from a wrapped skip error.
func skipReason(err error) string {
	s := err.Error()
	if r, ok := strings.CutPrefix(s, godog.ErrSkip.Error()+": "); ok {
		return r
	}
	return s
}
