package simulator

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Command is one operation the world can ask of the PBX core: place a
// call, answer a leg, transfer, park, move the clock. The control API
// (simulator/control), the golden call-flow transcripts (testdata/golden)
// and the model test (test/model) all reach the core through this one
// table, so an operation is added in one place and every surface names it
// the same way.
//
//	cmd, _ := simulator.LookupCommand("answer")
//	res, err := cmd.Run(sim, simulator.Args{"leg": "L2"})
type Command struct {
	// Name is how every surface spells the command: "originate",
	// "blind-transfer".
	Name string
	// Doc is one line saying what the command does.
	Doc string
	// Args are the command's arguments, in the order a transcript writes
	// the required ones.
	Args []Arg
	run  func(s *Sim, a parsedArgs) (Result, error)
}

// ArgKind says what an argument's text names and how it is checked.
type ArgKind string

// Argument kinds.
const (
	// ArgLeg is a leg id ("L3").
	ArgLeg ArgKind = "leg"
	// ArgCall is a call id ("C1").
	ArgCall ArgKind = "call"
	// ArgAddress is any address Sim.Resolve accepts: "+15555555555",
	// "102", "102@TENANT", "Agent J", "user:TENANT/ID", "device:ID".
	ArgAddress ArgKind = "address"
	// ArgTenant is a tenant id; it narrows the addresses of the command.
	ArgTenant ArgKind = "tenant"
	// ArgDuration is a Go duration, "2s".
	ArgDuration ArgKind = "duration"
	// ArgFlag is "true" or "false"; a transcript writes the name alone.
	ArgFlag ArgKind = "flag"
	// ArgAnswerMode is an AnswerMode: manual, answer or reject.
	ArgAnswerMode ArgKind = "answer-mode"
	// ArgText is free text (a park orbit, say).
	ArgText ArgKind = "text"
)

// Arg is one argument of a Command.
type Arg struct {
	Name     string
	Kind     ArgKind
	Doc      string
	Optional bool
}

// Args are a command's arguments by name, as text.
type Args map[string]string

// Result is what a command made or changed.
type Result struct {
	// Call is the call the command placed or acted on, as it is
	// afterwards; zero for commands that name no call (advance,
	// answer-policy).
	Call Call
	// Leg is the leg the command added: the new leg of a blind transfer or
	// a forward; zero otherwise.
	Leg Leg
}

// Commands returns the table of core commands, in the table's order.
func Commands() []Command {
	return append([]Command(nil), commands...)
}

// LookupCommand returns the command with the given name.
func LookupCommand(name string) (Command, bool) {
	for _, c := range commands {
		if c.Name == name {
			return c, true
		}
	}
	return Command{}, false
}

// LegOnly reports whether the command's one argument is a leg (answer,
// hold, ...): a surface can offer such commands as actions on a leg.
func (c Command) LegOnly() bool {
	return len(c.Args) == 1 && c.Args[0].Kind == ArgLeg
}

// Run checks args against the command's arguments and runs it on s. A
// missing, unknown or malformed argument is an ErrInvalid error; the
// operation's own refusals keep their codes.
func (c Command) Run(s *Sim, args Args) (Result, error) {
	// Flags and durations are rare: their maps are made on first use.
	p := parsedArgs{text: make(map[string]string, len(c.Args))}
	for _, a := range c.Args {
		v, ok := args[a.Name]
		if !ok || v == "" {
			if !a.Optional {
				return Result{}, newError(ErrInvalid, a.Name, "", "%s: argument %q (%s) is required", c.Name, a.Name, a.Kind)
			}
			continue
		}
		if err := p.parse(c.Name, a, v); err != nil {
			return Result{}, err
		}
	}
	for name := range args {
		if !c.takes(name) {
			return Result{}, newError(ErrInvalid, name, args[name], "%s: no argument %q (it takes %s)", c.Name, name, c.argNames())
		}
	}
	return c.run(s, p)
}

// takes reports whether the command has an argument of that name. A
// command has at most a handful: a scan costs less than a set.
func (c Command) takes(name string) bool {
	for _, a := range c.Args {
		if a.Name == name {
			return true
		}
	}
	return false
}

func (c Command) argNames() string {
	if len(c.Args) == 0 {
		return "none"
	}
	names := make([]string, len(c.Args))
	for i, a := range c.Args {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

// parsedArgs holds a command's checked arguments.
type parsedArgs struct {
	text map[string]string
	flag map[string]bool
	dur  map[string]time.Duration
}

func (p *parsedArgs) parse(cmd string, a Arg, v string) error {
	bad := func(want string) error {
		return newError(ErrInvalid, a.Name, v, "%s: %s must be %s, not %q", cmd, a.Name, want, v)
	}
	switch a.Kind {
	case ArgFlag:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return bad("true or false")
		}
		if p.flag == nil {
			p.flag = map[string]bool{}
		}
		p.flag[a.Name] = b
	case ArgDuration:
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return bad(`a non-negative duration like "2s"`)
		}
		if p.dur == nil {
			p.dur = map[string]time.Duration{}
		}
		p.dur[a.Name] = d
	case ArgAnswerMode:
		switch AnswerMode(v) {
		case AnswerManual, AnswerAuto, AnswerReject:
		default:
			return bad("manual, answer or reject")
		}
	}
	p.text[a.Name] = v
	return nil
}

var (
	legArg = Arg{Name: "leg", Kind: ArgLeg, Doc: "the leg to act on"}
	toArg  = Arg{Name: "to", Kind: ArgAddress, Doc: "where the call goes, resolved in the leg's tenant first"}
)

// legCommand is a command whose only argument is a leg; its result is the
// leg's call afterwards.
func legCommand(name, doc string, op func(s *Sim, legID string) error) Command {
	return Command{Name: name, Doc: doc, Args: []Arg{legArg}, run: func(s *Sim, a parsedArgs) (Result, error) {
		id := a.text["leg"]
		if err := op(s, id); err != nil {
			return Result{}, err
		}
		return s.resultOfLeg(id, Leg{})
	}}
}

// resultOfLeg is the call of leg id as it is now, with added as the new leg.
func (s *Sim) resultOfLeg(id string, added Leg) (Result, error) {
	_, c, err := s.Leg(id)
	if err != nil {
		return Result{}, err
	}
	return Result{Call: c, Leg: added}, nil
}

// resolveNear resolves addr in the tenant of leg id first.
func (s *Sim) resolveNear(id, addr string) (Endpoint, error) {
	l, _, err := s.Leg(id)
	if err != nil {
		return Endpoint{}, err
	}
	ep, err := s.Resolve(addr, l.Endpoint.TenantID)
	if err != nil {
		return Endpoint{}, fmt.Errorf("to: %w", err)
	}
	return ep, nil
}

var commands = []Command{
	{
		Name: "originate",
		Doc:  "place a call: the caller's leg, then the callee's leg ringing (its answer policy and the ring timer start)",
		Args: []Arg{
			{Name: "from", Kind: ArgAddress, Doc: "who calls"},
			{Name: "to", Kind: ArgAddress, Doc: "who is called, resolved in the caller's tenant first"},
			{Name: "tenant", Kind: ArgTenant, Doc: "the tenant extensions and names are looked up in first", Optional: true},
			{Name: "caller-rings-first", Kind: ArgFlag, Doc: "ring the caller's own phone first; call the callee once it answers", Optional: true},
			{Name: "caller-connected", Kind: ArgFlag, Doc: "start the caller's leg answered, as when the PBX connects the caller's device first", Optional: true},
		},
		run: func(s *Sim, a parsedArgs) (Result, error) {
			from, err := s.Resolve(a.text["from"], a.text["tenant"])
			if err != nil {
				return Result{}, fmt.Errorf("from: %w", err)
			}
			hint := a.text["tenant"]
			if hint == "" {
				hint = from.TenantID
			}
			to, err := s.Resolve(a.text["to"], hint)
			if err != nil {
				return Result{}, fmt.Errorf("to: %w", err)
			}
			c, err := s.Originate(OriginateRequest{From: from, To: to, Origin: "call",
				CallerRingsFirst: a.flag["caller-rings-first"], CallerConnected: a.flag["caller-connected"]})
			if err != nil {
				return Result{}, err
			}
			return Result{Call: c}, nil
		},
	},
	legCommand("answer", "answer a ringing incoming leg (or a caller's own phone ringing first)", (*Sim).Answer),
	legCommand("reject", "refuse a ringing incoming leg", (*Sim).Reject),
	legCommand("hangup", "end a leg; a call left with fewer than two live legs ends", (*Sim).Hangup),
	legCommand("hold", "put the call on hold from an answered leg", (*Sim).Hold),
	legCommand("unhold", "take a held leg off hold", (*Sim).Unhold),
	legCommand("mute", "mute a connected leg", func(s *Sim, id string) error { return s.Mute(id, true) }),
	legCommand("unmute", "unmute a connected leg", func(s *Sim, id string) error { return s.Mute(id, false) }),
	{
		Name: "hangup-call",
		Doc:  "end every live leg of a call",
		Args: []Arg{{Name: "call", Kind: ArgCall, Doc: "the call to end"}},
		run: func(s *Sim, a parsedArgs) (Result, error) {
			if err := s.HangupCall(a.text["call"]); err != nil {
				return Result{}, err
			}
			c, err := s.Call(a.text["call"])
			return Result{Call: c}, err
		},
	},
	{
		Name: "blind-transfer",
		Doc:  "send a connected leg's call to another endpoint and drop the leg",
		Args: []Arg{legArg, toArg},
		run: func(s *Sim, a parsedArgs) (Result, error) {
			id := a.text["leg"]
			to, err := s.resolveNear(id, a.text["to"])
			if err != nil {
				return Result{}, err
			}
			l, err := s.BlindTransfer(id, to, nil, "")
			if err != nil {
				return Result{}, err
			}
			return s.resultOfLeg(id, l)
		},
	},
	{
		Name: "attended-transfer",
		Doc:  "join the far legs of a user's two calls and drop the user's two legs (a warm transfer)",
		Args: []Arg{
			{Name: "leg", Kind: ArgLeg, Doc: "the user's leg in the call that survives (the customer's)"},
			{Name: "consult", Kind: ArgLeg, Doc: "the same user's leg in the consult call"},
		},
		run: func(s *Sim, a parsedArgs) (Result, error) {
			if err := s.AttendedTransfer(a.text["leg"], a.text["consult"]); err != nil {
				return Result{}, err
			}
			return s.resultOfLeg(a.text["leg"], Leg{})
		},
	},
	{
		Name: "forward",
		Doc:  "send a ringing incoming leg's call elsewhere before it is answered",
		Args: []Arg{legArg, toArg},
		run: func(s *Sim, a parsedArgs) (Result, error) {
			id := a.text["leg"]
			to, err := s.resolveNear(id, a.text["to"])
			if err != nil {
				return Result{}, err
			}
			l, err := s.Forward(id, to, nil)
			if err != nil {
				return Result{}, err
			}
			return s.resultOfLeg(id, l)
		},
	},
	{
		Name: "park",
		Doc:  "park the call from a connected leg on an orbit; its peers hear music",
		Args: []Arg{legArg, {Name: "orbit", Kind: ArgText, Doc: `the park orbit, e.g. "*801"`}},
		run: func(s *Sim, a parsedArgs) (Result, error) {
			id := a.text["leg"]
			if err := s.Park(id, a.text["orbit"]); err != nil {
				return Result{}, err
			}
			return s.resultOfLeg(id, Leg{})
		},
	},
	{
		Name: "answer-policy",
		Doc:  "set what a user's phone does when it rings",
		Args: []Arg{
			{Name: "user", Kind: ArgAddress, Doc: "the user"},
			{Name: "mode", Kind: ArgAnswerMode, Doc: "manual, answer or reject"},
			{Name: "delay", Kind: ArgDuration, Doc: "how long the phone rings before the mode acts", Optional: true},
		},
		run: func(s *Sim, a parsedArgs) (Result, error) {
			ep, err := s.Resolve(a.text["user"], "")
			if err != nil {
				return Result{}, fmt.Errorf("user: %w", err)
			}
			if !ep.IsUser() {
				return Result{}, newError(ErrInvalid, "user", a.text["user"], "answer-policy: %q is not a user of any tenant", a.text["user"])
			}
			return Result{}, s.SetAnswerPolicy(ep.TenantID, ep.UserID, AnswerPolicy{Mode: AnswerMode(a.text["mode"]), Delay: a.dur["delay"]})
		},
	},
	{
		Name: "advance",
		Doc:  "move a manual clock forward; the timers due fire in order",
		Args: []Arg{
			{Name: "by", Kind: ArgDuration, Doc: "how far"},
			{Name: "tenant", Kind: ArgTenant, Doc: "move this tenant's own clock (tenant clocks) instead of the Sim's", Optional: true},
		},
		run: func(s *Sim, a parsedArgs) (Result, error) {
			if t := a.text["tenant"]; t != "" {
				m, ok := s.TenantClock(t)
				if !ok {
					return Result{}, newError(ErrWrongState, "clock", t, "tenant %q has no clock of its own", t)
				}
				m.Advance(a.dur["by"])
				return Result{}, nil
			}
			m, ok := s.Clock().(*ManualClock)
			if !ok {
				return Result{}, newError(ErrWrongState, "clock", "", "the clock is real; only a manual clock can be moved")
			}
			m.Advance(a.dur["by"])
			return Result{}, nil
		},
	},
}
