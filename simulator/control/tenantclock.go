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
//	POST /sim/v1/tenants                      {"clock": {"mode": "manual", "startTime": "2026-01-01T09:00:00Z"}, ...}
//	GET  /sim/v1/tenants/{id}/clock           the set's time, and whether the clock is its own
//	POST /sim/v1/tenants/{id}/clock/advance   {"by": "90s"}: moves only the set's clock
//
// A set made with its own manual clock runs every timer of its calls,
// tokens and deliveries on that clock (simulator.Sim.ClockOf); deleting
// the set stops the clock's timers.

// clockSpec is the "clock" field of a tenant description.
type clockSpec struct {
	Mode      string    `json:"mode"`
	StartTime time.Time `json:"startTime"`
}

const descriptionName = "tenant description"

// splitClock takes the "clock" field out of a tenant description and
// returns the rest (which scenario.ParseTenants reads) and the clock
// asked for (nil: the set shares the Sim's clock). now is where a manual
// clock starts when the description names no startTime. An error is a
// *scenario.Error naming the field.
func splitClock(body []byte, now time.Time) ([]byte, *clockSpec, error) {
	var root yaml.Node
	if yaml.Unmarshal(body, &root) != nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return body, nil, nil // scenario.ParseTenants words the error
	}
	top := root.Content[0]
	at := -1
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "clock" {
			at = i
			break
		}
	}
	if at < 0 {
		return body, nil, nil
	}
	spec, err := decodeClock(top.Content[at+1], now)
	if err != nil {
		return nil, nil, err
	}
	top.Content = append(top.Content[:at:at], top.Content[at+2:]...)
	if len(top.Content) == 0 {
		return []byte("{}"), spec, nil
	}
	rest, err := yaml.Marshal(top)
	if err != nil {
		return nil, nil, &scenario.Error{File: descriptionName, Reason: err.Error()}
	}
	return rest, spec, nil
}

func decodeClock(n *yaml.Node, now time.Time) (*clockSpec, error) {
	bad := func(field, format string, args ...any) error {
		return &scenario.Error{File: descriptionName, Line: n.Line, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if n.Kind != yaml.MappingNode {
		return nil, bad("clock", `must be an object like {"mode": "manual", "startTime": "2026-01-01T09:00:00Z"}`)
	}
	spec := &clockSpec{}
	start := ""
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		switch k {
		case "mode":
			spec.Mode = v.Value
		case "startTime":
			start = v.Value
		default:
			return nil, bad("clock."+k, `unknown field; a tenant clock has "mode" and "startTime"`)
		}
	}
	switch spec.Mode {
	case "real":
		if start != "" {
			return nil, bad("clock.startTime", `only a manual clock has a start time (set "mode": "manual")`)
		}
		return nil, nil // the set shares the Sim's clock
	case "manual":
	default:
		return nil, bad("clock.mode", `must be "manual" (the set's own clock, moved with POST %s/tenants/{id}/clock/advance) or "real" (the Sim's clock), not %q`, Prefix, spec.Mode)
	}
	spec.StartTime = now
	if start != "" {
		t, err := time.Parse(time.RFC3339, start)
		if err != nil {
			return nil, bad("clock.startTime", "must be an RFC 3339 time like 2026-01-01T09:00:00Z, not %q", start)
		}
		spec.StartTime = t
	}
	return spec, nil
}

// clockView is the "clock" field of a tenant set with its own clock: the
// description it was made with.
type clockView struct {
	Mode      string    `json:"mode"`
	StartTime time.Time `json:"startTime"`
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
