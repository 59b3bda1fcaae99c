package scenario

import (
	"fmt"
	"regexp"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

var (
	e164       = regexp.MustCompile(`^\+[1-9][0-9]{3,14}$`)
	answerMode = map[string]bool{"": true, "manual": true, "answer": true, "reject": true}
)

func (sc *Scenario) validate() error {
	switch sc.Clock {
	case "", "real", "manual":
	default:
		return bad("clock", "clock must be \"real\" or \"manual\", not %q", sc.Clock)
	}
	if sc.StartTime != "" {
		if _, err := time.Parse(time.RFC3339, sc.StartTime); err != nil {
			return bad("startTime", "startTime %q is not an RFC 3339 time", sc.StartTime)
		}
	}
	if len(sc.sections) == 0 && len(sc.unclaimed) == 0 {
		return bad("", "the scenario has no tenant section (one of %s)", kindList())
	}
	c := newCheck()
	for _, k := range sc.sections {
		if err := k.s.Validate(c); err != nil {
			return err
		}
	}
	for i, o := range sc.Outside {
		p := fmt.Sprintf("outside[%d]", i)
		if err := c.Number(p+".number", o.Number); err != nil {
			return err
		}
		if err := o.Answer.Validate(p + ".answer"); err != nil {
			return err
		}
	}
	return sc.validateFaults()
}

func (sc *Scenario) defaults() {
	if sc.Clock == "" {
		sc.Clock = "real"
	}
	if sc.RingTimeout == 0 {
		sc.RingTimeout = Duration(60 * time.Second)
	}
	if sc.Retention == 0 {
		sc.Retention = Duration(5 * time.Minute)
	}
	for _, k := range sc.sections {
		k.s.Defaults()
	}
}

// validateFaults checks the scenario's fault rules, against what the
// registered dialects declare; a rule for a dialect this program does not
// link (an unclaimed section) gets the dialect-neutral checks only.
func (sc *Scenario) validateFaults() error {
	var specs faults.Dialects
	for _, k := range SectionKinds() {
		if k.Faults != nil {
			specs = append(specs, *k.Faults)
		}
	}
	unlinked := map[string]bool{}
	for _, u := range sc.unclaimed {
		unlinked[u.Key] = true
	}
	ids := map[string]bool{}
	for i, r := range sc.Faults {
		p := fmt.Sprintf("faults[%d]", i)
		check := r.ValidateFor
		if unlinked[r.Match.Dialect] {
			check = func(faults.Dialects) error { return r.Validate() }
		}
		if err := check(specs); err != nil {
			return bad(p, "fault rule %s: %v", orIndex(r.ID, i), err)
		}
		if r.ID != "" {
			if ids[r.ID] {
				return bad(p+".id", "fault rule id %q appears twice", r.ID)
			}
			ids[r.ID] = true
		}
	}
	return nil
}

func orIndex(id string, i int) string {
	if id != "" {
		return id
	}
	return fmt.Sprintf("#%d", i+1)
}
