package pbxsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/control"
	"github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// DefaultDialects are the dialects pbxsim serves unless Config.Dialects
// says otherwise: RingCentral and NetSapiens. This file is the only one
// of the package that names a vendor.
func DefaultDialects() []DialectFactory { return []DialectFactory{RingCentral(), NetSapiens()} }

// RingCentral is the factory of the RingCentral dialect.
func RingCentral() DialectFactory {
	return DialectFactory{Name: ringcentral.Name, Faults: ringcentral.FaultSpec(), APIPrefix: "/restapi",
		New: func(env DialectEnv) (Dialect, error) {
			d, err := ringcentral.New(env.Sim, env.Scenario, ringcentral.Options{Faults: env.Faults})
			if err != nil {
				return nil, err
			}
			return rcDialect{d}, nil
		}}
}

// NetSapiens is the factory of the NetSapiens dialect.
func NetSapiens() DialectFactory {
	return DialectFactory{Name: netsapiens.Name, Faults: netsapiens.FaultSpec(), APIPrefix: "/ns-api/v2",
		New: func(env DialectEnv) (Dialect, error) {
			return netsapiens.New(env.Sim, env.Scenario, netsapiens.Options{Faults: env.Faults})
		}}
}

// rcDialect adds the rate-limit settings of a tenant set to the dialect.
type rcDialect struct{ *ringcentral.Dialect }

// rateLimitsRequest sets a RingCentral account's rate limits: a named
// profile, or explicit numbers; an empty body turns them off.
type rateLimitsRequest struct {
	// Account picks one account of the set; default its first.
	Account string `json:"account"`
	ringcentral.RateLimits
}

// TenantRateLimits implements RateLimiter for PUT /sim/v1/tenants/{id}/ratelimits.
func (d rcDialect) TenantRateLimits(set *scenario.Scenario, setID string, body json.RawMessage) (any, error) {
	var req rateLimitsRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, &control.RequestError{Status: http.StatusBadRequest, Code: "invalid", Message: "the body is not valid JSON for this request: " + err.Error()}
	}
	rc := ringcentral.SectionOf(set)
	if rc == nil || len(rc.Accounts) == 0 {
		return nil, &control.RequestError{Status: http.StatusConflict, Code: "invalid", Message: "the tenant set has no RingCentral account"}
	}
	acc := rc.Accounts[0].ID
	if req.Account != "" {
		acc = req.Account
		if _, ok := rc.Account(acc); !ok {
			return nil, &control.RequestError{Status: http.StatusBadRequest, Code: "invalid", Field: "account",
				Message: fmt.Sprintf("account: %s is not an account of tenant set %s", acc, setID)}
		}
	}
	var profile *ringcentral.RateLimits
	if req.RateLimits != (ringcentral.RateLimits{}) {
		if err := ringcentral.CheckRateLimits(req.RateLimits); err != nil {
			return nil, err
		}
		rl := req.RateLimits
		profile = &rl
	}
	if err := d.SetRateLimits(acc, profile); err != nil {
		return nil, refused(simulator.ErrNotFound, "%v", err)
	}
	return map[string]any{"account": acc, "rateLimits": profile}, nil
}
