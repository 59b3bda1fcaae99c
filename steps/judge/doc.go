// Package judge is the integration judge of @integration scenarios: it
// hands the world's call over to the integration under test (a command,
// an HTTP endpoint, or the built-in reference clients), and judges what
// the integration did from pbxsim's evidence (its journal of vendor-API
// requests and its calls) with named checks, each stating its rule and
// source (docs/integrations.md). It knows no godog and no World.
//
//	h, err := judge.NewHandover("ringcentral", facts, call, time.Minute)
//	res, err := judge.CommandIntegration{Command: "./my-transfer"}.Run(ctx, h)
//	c, _ := judge.LookupCheck("customer talks to consult")
//	err = c.Judge(judge.Evidence{Vendor: "ringcentral", Facts: facts, Calls: calls, Journal: journal, Result: res})
package judge
