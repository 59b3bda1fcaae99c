// Package proxy is pbxsim's recording proxy: it sits in front of a real
// tenant (or another pbxsim), forwards every HTTP request and the
// RingCentral notification WebSocket unchanged, judges each request body
// against its dialect's request contract, and, with a Recorder, writes
// every exchange and frame as JSON lines with the secrets redacted, in
// the format `xfer-conform replay` replays as a golden flow
// (docs/contracts.md, "Recording and replaying").
//
//	rec, _ := proxy.NewRecorder(dir, proxy.SessionInfo{Upstream: up.String()})
//	p, _ := proxy.New(proxy.Config{Upstream: up, Recorder: rec, Findings: os.Stderr,
//		Matchers: []contract.Matcher{ringcentral.MatchContract, netsapiens.MatchContract}})
//	http.ListenAndServe("127.0.0.1:8081", p)
//
// The proxy never changes traffic because of a finding. The only thing it
// rewrites is the uri of a RingCentral wstoken answer, so that the
// notification socket runs through the proxy too. Webhooks go from the
// vendor to the integration directly and are not seen.
package proxy
