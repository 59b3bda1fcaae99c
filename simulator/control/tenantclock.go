package control

import (
	"fmt"
	"net/http"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Tenant clocks (issue 12 item 2, docs/control-api.md "Tenant clocks"):
//
//	POST /sim/v1/tenants                      {"clock": {"mode": "manual", "startTime": "2030-01-01T09:00:00Z"}, ...}
//	GET  /sim/v1/tenants/{id}/clock           the set's time, and whether the clock is its own
//	POST /sim/v1/tenants/{id}/clock/advance   {"by": "90s"}: moves only the set's clock
//
// A set made with its own manual clock runs every timer of its calls,
// tokens and deliveries on that clock (simulator.Sim.ClockOf); deleting
// the set stops the clock's timers.

// clockSpec is the clock a tenant description asks for.
type clockSpec struct {
	StartTime time.Time
}

const descriptionName = "tenant description"

// splitClock takes the clock fields out of a tenant description and
// returns the rest (which scenario.ParseTenants reads) and the clock asked
// for (nil: the set shares the Sim's clock):
//
//	{"clock": {"mode": "manual", "startTime": "2030-01-01T09:00:00Z"}}
//
// The scenario file's own shape (clock: manual, startTime: ... at the top)
// moves the Sim's one clock and is refused here, naming the field, as
// before tenant clocks. now is where a manual clock starts when no start
// time is given. An error is a *scenario.Error naming the field.
func splitClock(body []byte, now time.Time) ([]byte, *clockSpec, error) {
	var root yaml.Node
	if yaml.Unmarshal(body, &root) != nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return body, nil, nil // scenario.ParseTenants words the error
	}
	top := root.Content[0]
	var clock, start *yaml.Node
	kept := top.Content[:0:0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		switch top.Content[i].Value {
		case "clock":
			clock = top.Content[i+1]
		case "startTime":
			start = top.Content[i+1]
		default:
			kept = append(kept, top.Content[i], top.Content[i+1])
		}
	}
	if clock == nil && start == nil {
		return body, nil, nil
	}
	spec, err := decodeClock(clock, start, now)
	if err != nil {
		return nil, nil, err
	}
	if len(kept) == 0 {
		return []byte("{}"), spec, nil
	}
	top.Content = kept
	rest, err := yaml.Marshal(top)
	if err != nil {
		return nil, nil, &scenario.Error{File: descriptionName, Reason: err.Error()}
	}
	return rest, spec, nil
}

// decodeClock reads the clock node (an object of mode and startTime) and
// refuses a top-level startTime node; either may be nil, not both.
func decodeClock(clock, start *yaml.Node, now time.Time) (*clockSpec, error) {
	bad := func(n *yaml.Node, field, format string, args ...any) error {
		return &scenario.Error{File: descriptionName, Line: n.Line, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	var mode, startText string
	var modeNode, startNode *yaml.Node = clock, start
	switch {
	case start != nil:
		return nil, bad(start, "startTime", `field "startTime" cannot be set per tenant; give a tenant set its own clock with "clock": {"mode": "manual", "startTime": "..."}`)
	case clock.Kind != yaml.MappingNode:
		return nil, bad(clock, "clock", `a tenant set's clock is an object like {"mode": "manual", "startTime": "2030-01-01T09:00:00Z"} (the scenario file's "clock: manual" moves the Sim's one clock)`)
	}
	modeField, startField := "clock.mode", "clock.startTime"
	for i := 0; i+1 < len(clock.Content); i += 2 {
		k, v := clock.Content[i].Value, clock.Content[i+1]
		switch k {
		case "mode":
			mode, modeNode = v.Value, v
		case "startTime":
			startText, startNode = v.Value, v
		default:
			return nil, bad(v, "clock."+k, `unknown field; a tenant clock has "mode" and "startTime"`)
		}
	}
	switch mode {
	case "real":
		if startText != "" {
			return nil, bad(startNode, startField, `only a manual clock has a start time (set the mode to "manual")`)
		}
		return nil, nil // the set shares the Sim's clock
	case "manual":
	default:
		return nil, bad(modeNode, modeField, `must be "manual" (the set's own clock, moved with POST %s/tenants/{id}/clock/advance) or "real" (the Sim's clock), not %q`, Prefix, mode)
	}
	spec := &clockSpec{StartTime: now}
	if startText != "" {
		t, err := time.Parse(time.RFC3339, startText)
		if err != nil {
			return nil, bad(startNode, startField, "must be an RFC 3339 time like 2030-01-01T09:00:00Z, not %q", startText)
		}
		spec.StartTime = t
	}
	return spec, nil
}

// setClocks gives (or, with nil, takes away) each member of the set its
// own clock in the core.
func (a *API) setClocks(ids []string, c *simulator.ManualClock) {
	for _, id := range ids {
		a.sim.SetTenantClock(id, c)
	}
}

func (a *API) tenantClock(w http.ResponseWriter, r *http.Request) {
	t, ok := a.set(w, r)
	if !ok {
		return
	}
	if t.clock == nil {
		kind := "real"
		if a.opts.Manual != nil {
			kind = "manual"
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": t.ID, "now": a.sim.Now(), "clock": kind, "own": false})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": t.ID, "now": t.clock.Now(), "clock": "manual", "own": true})
}

func (a *API) advanceTenantClock(w http.ResponseWriter, r *http.Request) {
	t, ok := a.set(w, r)
	if !ok {
		return
	}
	if t.clock == nil {
		writeError(w, http.StatusConflict, "wrong_state", fmt.Sprintf(`tenant set %s has no clock of its own; create it with "clock": {"mode": "manual"}, or move the global clock with POST %s/clock/advance`, t.ID, Prefix))
		return
	}
	d, ok := advanceBy(w, r)
	if !ok {
		return
	}
	members := t.members()
	if len(members) == 0 {
		writeError(w, http.StatusConflict, "wrong_state", fmt.Sprintf("tenant set %s has no tenants", t.ID))
		return
	}
	// Every member runs on the set's one clock: moving the first moves all.
	if _, ok := a.run(w, "advance", simulator.Args{"by": d.String(), "tenant": members[0]}); !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": t.ID, "now": t.clock.Now(), "clock": "manual", "own": true})
}
