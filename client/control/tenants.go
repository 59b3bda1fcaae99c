package control

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// Tenants on demand (docs/control-api.md): a tenant set is a RingCentral
// account and/or a NetSapiens domain made for one test, with fresh ids,
// numbers and credentials.

// CreateTenants asks for a fresh tenant set: from the loaded scenario's
// template when description is nil, else from the description (shaped
// like a scenario's ringcentral/netsapiens sections). It returns the set's
// id and the scenario-shaped answer (GET /sim/v1/scenario's shape, holding
// only the new tenants).
func (c *Client) CreateTenants(ctx context.Context, description json.RawMessage) (string, json.RawMessage, error) {
	var body any
	if description != nil {
		body = description
	}
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodPost, "/tenants", body, &raw); err != nil {
		return "", nil, err
	}
	var head struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return "", nil, err
	}
	return head.ID, raw, nil
}

// DeleteTenants ends and forgets a tenant set: its calls, sockets,
// subscriptions and tokens.
func (c *Client) DeleteTenants(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/tenants/"+url.PathEscape(id), nil, nil)
}

// WithTenant returns a copy whose reads and fault rules are scoped to one
// tenant set (or tenant): calls, events, journal and faults requests carry
// ?tenant=id, so the client sees nothing of other tests on the same pbxsim.
func (c *Client) WithTenant(id string) *Client {
	cc := *c
	cc.tenant = id
	return &cc
}

// Tenant returns the tenant set the client is scoped to, or "".
func (c *Client) Tenant() string { return c.tenant }

// scoped adds ?tenant= to a path the scope applies to.
func (c *Client) scoped(path string) string {
	if c.tenant == "" || strings.HasPrefix(path, "/tenants") {
		return path
	}
	p, q, _ := strings.Cut(path, "?")
	switch {
	case p == "/calls", p == "/events", p == "/journal", p == "/faults", p == "/faults/log":
	default:
		return path
	}
	v, _ := url.ParseQuery(q)
	if v.Get("tenant") == "" {
		v.Set("tenant", c.tenant)
	}
	return p + "?" + v.Encode()
}
