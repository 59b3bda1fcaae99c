package scenario

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Quirk is a named behaviour where a vendor's facts run out or where a
// vendor misbehaves in a known way. Dialects register their quirks at init;
// a scenario selects a value per tenant under "quirks:".
type Quirk struct {
	Vendor string // the dialect's section key
	Name   string
	// Values are the selectable profiles; Default is used when unset.
	Values  []string
	Default string
	// Doc says what each value does; Source where the fact comes from;
	// Confidence is "documented" or "inferred".
	Doc        string
	Source     string
	Confidence string
}

var (
	quirkMu  sync.RWMutex
	quirkReg = map[string]Quirk{}
)

// RegisterQuirk makes a quirk selectable in scenario files.
func RegisterQuirk(q Quirk) {
	quirkMu.Lock()
	defer quirkMu.Unlock()
	quirkReg[q.Vendor+"/"+q.Name] = q
}

// Quirks returns the registered quirks sorted by vendor and name.
func Quirks() []Quirk {
	quirkMu.RLock()
	defer quirkMu.RUnlock()
	out := make([]Quirk, 0, len(quirkReg))
	for _, q := range quirkReg {
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Vendor != out[j].Vendor {
			return out[i].Vendor < out[j].Vendor
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// QuirkValue returns the value a tenant selected for a quirk, or its default.
func QuirkValue(selected map[string]string, vendor, name string) string {
	if v, ok := selected[name]; ok {
		return v
	}
	quirkMu.RLock()
	defer quirkMu.RUnlock()
	return quirkReg[vendor+"/"+name].Default
}

// checkQuirks validates a tenant's quirk selection against the registry.
// Quirks of a vendor with no registered quirks at all are accepted, so a
// scenario can be loaded by a program that does not link that dialect.
func checkQuirks(vendor string, selected map[string]string) error {
	quirkMu.RLock()
	defer quirkMu.RUnlock()
	known := false
	for k := range quirkReg {
		if strings.HasPrefix(k, vendor+"/") {
			known = true
			break
		}
	}
	if !known {
		return nil
	}
	names := make([]string, 0, len(selected))
	for n := range selected {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		q, ok := quirkReg[vendor+"/"+n]
		if !ok {
			var valid []string
			for k := range quirkReg {
				if strings.HasPrefix(k, vendor+"/") {
					valid = append(valid, strings.TrimPrefix(k, vendor+"/"))
				}
			}
			sort.Strings(valid)
			return fmt.Errorf("unknown %s quirk %q (known: %s)", vendor, n, strings.Join(valid, ", "))
		}
		ok = false
		for _, v := range q.Values {
			if v == selected[n] {
				ok = true
			}
		}
		if !ok {
			return fmt.Errorf("quirk %s: value %q is not one of %s", n, selected[n], strings.Join(q.Values, ", "))
		}
	}
	return nil
}
