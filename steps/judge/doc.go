// Package judge is the integration judge of @integration scenarios: it
// hands the world's call over to the integration under test (a command,
// an HTTP endpoint, or the built-in reference clients), and judges what
// the integration did from pbxsim's evidence (its journal of vendor-API
// requests and its calls) with named checks, each stating its rule and
// source (docs/integrations.md). It knows no godog and no World.
//
// It knows no vendor either: a vendor gives it the hand-over's variables,
// its reference transfer, its own checks (Catalogue), who plays which
// role (Evidence.Roles) and its budget.
//
//	h := judge.NewHandover(vendor, vars, secrets, time.Minute)
//	res, err := judge.CommandIntegration{Command: "./my-transfer"}.Run(ctx, h)
//	c, _ := judge.LookupCheck("customer talks to consult")
//	err = c.Judge(judge.Evidence{Vendor: vendor, Roles: roles, Calls: calls, Journal: journal, Result: res})
package judge
