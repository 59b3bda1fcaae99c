package faults

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// DialectSpec is what a dialect declares to the engine: its name (the
// rules' match.dialect and the routes' Dialect) and which faults make
// sense for it. The engine knows no dialect by itself; pbxsim hands it
// the specs of the dialects it serves (Options.Dialects).
type DialectSpec struct {
	// Name is the dialect's name in rules, outcomes and the journal.
	Name string
	// Operations names the dialect's requests (Classify's names). When
	// set, a rule's match.operation must be one of them (a rule that
	// could never fire is refused).
	Operations Operations
	// ApplyPhase says the dialect answers a write first and applies the
	// change afterwards, so on: apply rules fit it.
	ApplyPhase bool
	// Disconnect says the dialect has notification sockets that
	// action.disconnect (and DropSockets) can cut.
	Disconnect bool
}

// Dialects is a set of dialect specs.
type Dialects []DialectSpec

// find returns the spec named name.
func (ds Dialects) find(name string) (DialectSpec, bool) {
	for _, d := range ds {
		if d.Name == name {
			return d, true
		}
	}
	return DialectSpec{}, false
}

// names lists the specs' names, sorted, those with keep true.
func (ds Dialects) names(keep func(DialectSpec) bool) []string {
	var out []string
	for _, d := range ds {
		if keep == nil || keep(d) {
			out = append(out, d.Name)
		}
	}
	sort.Strings(out)
	return out
}

// ValidateFor checks a rule like Validate and then against the dialects
// that serve it: match.dialect names one of them, an apply rule's
// dialect applies changes after answering, a disconnect's dialect has
// notification sockets. With no dialects it is Validate.
func (r *Rule) ValidateFor(ds Dialects) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if len(ds) == 0 {
		return nil
	}
	m := r.Match
	spec, ok := ds.find(m.Dialect)
	if m.Dialect != "" && !ok {
		return fmt.Errorf("match.dialect must be %s, not %q", strings.Join(ds.names(nil), " or "), m.Dialect)
	}
	if m.Operation != "" {
		if err := checkOperation(ds, spec, ok, m.Operation); err != nil {
			return err
		}
	}
	if r.On == OnApply && ok && !spec.ApplyPhase {
		return fmt.Errorf("apply rules are for %s (%s applies changes before it answers)",
			orNone(ds.names(func(d DialectSpec) bool { return d.ApplyPhase })), m.Dialect)
	}
	if r.On == OnNotification && r.Action.Disconnect != "" && ok && !spec.Disconnect {
		return fmt.Errorf("action.disconnect needs a dialect with notification sockets (%s), not %s",
			orNone(ds.names(func(d DialectSpec) bool { return d.Disconnect })), m.Dialect)
	}
	return nil
}

// checkOperation refuses an operation no dialect of the rule names:
// the rule's own dialect when it has one, else any dialect.
func checkOperation(ds Dialects, spec DialectSpec, one bool, op string) error {
	specs := ds
	if one {
		specs = Dialects{spec}
	}
	var known []string
	for _, d := range specs {
		if len(d.Operations) == 0 {
			return nil // a dialect that lists none takes any name
		}
		for _, o := range d.Operations {
			if o.Name == op {
				return nil
			}
			known = append(known, o.Name)
		}
	}
	sort.Strings(known)
	known = slices.Compact(known)
	where := "any dialect"
	if one {
		where = spec.Name
	}
	return fmt.Errorf("match.operation %q is no operation of %s (operations: %s)", op, where, strings.Join(known, ", "))
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none here"
	}
	return strings.Join(names, " or ")
}
