package control

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The fault routes of the control API (docs/faults.md): rules, the seed
// every random choice is drawn from, the log of what fired, and closing
// notification sockets on demand.

// FaultRule is a fault rule as the control API takes and shows it. Rule
// holds the rule's JSON (id, on, match, action, after, times,
// probability) as docs/faults.md spells it, so the client need not mirror
// every action field.
type FaultRule struct {
	ID      string          `json:"id"`
	On      string          `json:"on"`
	Matched int             `json:"matched"`
	Fired   int             `json:"fired"`
	Raw     json.RawMessage `json:"-"`
}

// FaultOutcome is one entry of the fault log: a rule that fired.
type FaultOutcome struct {
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	Rule    string    `json:"rule"`
	On      string    `json:"on"`
	Match   int       `json:"match"`
	Dialect string    `json:"dialect,omitempty"`
	Tenant  string    `json:"tenant,omitempty"`
	Subject string    `json:"subject"`
	Effect  string    `json:"effect"`
}

// AddFault installs a rule given as JSON (POST /sim/v1/faults) and returns
// it as pbxsim stored it, with its id.
func (c *Client) AddFault(ctx context.Context, rule json.RawMessage) (FaultRule, error) {
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodPost, "/faults", rule, &raw); err != nil {
		return FaultRule{}, err
	}
	return decodeRule(raw)
}

func decodeRule(raw json.RawMessage) (FaultRule, error) {
	var r FaultRule
	if err := json.Unmarshal(raw, &r); err != nil {
		return FaultRule{}, err
	}
	r.Raw = raw
	return r, nil
}

// Fault reads one rule with its counters.
func (c *Client) Fault(ctx context.Context, id string) (FaultRule, error) {
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodGet, "/faults/"+url.PathEscape(id), nil, &raw); err != nil {
		return FaultRule{}, err
	}
	return decodeRule(raw)
}

// Faults reads the seed and every rule.
func (c *Client) Faults(ctx context.Context) (seed int64, rules []FaultRule, err error) {
	var out struct {
		Seed  int64             `json:"seed"`
		Rules []json.RawMessage `json:"rules"`
	}
	if err := c.do(ctx, http.MethodGet, "/faults", nil, &out); err != nil {
		return 0, nil, err
	}
	for _, raw := range out.Rules {
		r, err := decodeRule(raw)
		if err != nil {
			return 0, nil, err
		}
		rules = append(rules, r)
	}
	return out.Seed, rules, nil
}

// RemoveFault deletes one rule.
func (c *Client) RemoveFault(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/faults/"+url.PathEscape(id), nil, nil)
}

// ClearFaults deletes every rule and empties the fault log (the seed stays).
func (c *Client) ClearFaults(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "/faults", nil, nil)
}

// FaultSeed reads the seed.
func (c *Client) FaultSeed(ctx context.Context) (int64, error) {
	var out struct {
		Seed int64 `json:"seed"`
	}
	return out.Seed, c.do(ctx, http.MethodGet, "/faults/seed", nil, &out)
}

// SetFaultSeed sets the seed, restarting every rule's counters and
// emptying the log: from here a run replays any run with the same seed and
// traffic.
func (c *Client) SetFaultSeed(ctx context.Context, seed int64) error {
	return c.do(ctx, http.MethodPut, "/faults/seed", map[string]int64{"seed": seed}, nil)
}

// FaultLog reads the faults that fired after sequence number after.
func (c *Client) FaultLog(ctx context.Context, after uint64) ([]FaultOutcome, error) {
	var out struct {
		Outcomes []FaultOutcome `json:"outcomes"`
	}
	return out.Outcomes, c.do(ctx, http.MethodGet, "/faults/log?after="+strconv.FormatUint(after, 10), nil, &out)
}

// DisconnectSockets closes RingCentral notification sockets now. tenant
// (account id) and extension narrow it; mode is "recoverable" (default)
// or "unrecoverable". It returns how many sockets closed.
func (c *Client) DisconnectSockets(ctx context.Context, tenant, extension, mode string) (int, error) {
	var out struct {
		Closed int `json:"closed"`
	}
	body := map[string]string{"tenant": tenant, "extension": extension, "mode": mode}
	return out.Closed, c.do(ctx, http.MethodPost, "/faults/websocket/disconnect", body, &out)
}
