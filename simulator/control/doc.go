// Package control is pbxsim's vendor-neutral control API under /sim/v1: it
// plays the world around the PBX (a customer dials in, a consult answers,
// somebody hangs up, the clock moves) and shows what the PBX saw (calls
// with every leg's vendor IDs, the request journal, the event log).
//
//	api := control.New(sim, control.Options{Scenario: sc, Clock: clk})
//	api.Mount(router) // GET /sim/v1/health, POST /sim/v1/calls, ...
//
// Every error is JSON {"error":{"code":"...","message":"..."}} with a 4xx
// status that says whose mistake it was. docs/control-api.md documents
// each route with curl examples.
package control
