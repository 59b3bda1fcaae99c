package ringcentral

import "github.com/xfer-conform/xfer-conform/simulator/scenario"

// Quirk names. Each is where RingCentral's public facts run out; an
// account selects a value under "quirks:" in the scenario. Documented in
// docs/quirks.md (RingCentral section).
const (
	quirkSequenceStart  = "sequence-start"
	quirkEndedSession   = "ended-session"
	quirkPartyControl   = "party-control"
	quirkBridgeSurvivor = "bridge-survivor"
)

func init() {
	for _, q := range []scenario.Quirk{{
		Name: quirkSequenceStart, Values: []string{"2", "1"}, Default: "2",
		Doc: "2: a session's first notification has sequence 2, as in every captured flow (RingCentral seems to use 1 internally); " +
			"1: sequences start at 1. Either way they count per session across its parties, one per event.",
		Source: "reference/ringcentral.md §2.3 (CSN captures: first delivered event has sequence 2)", Confidence: "inferred",
	}, {
		Name: quirkEndedSession, Values: []string{"not-found", "readable"}, Default: "not-found",
		Doc: "not-found: once a telephony session has ended, every operation on it (GET, DELETE, party actions, bridge) answers 404 CMN-102 " +
			"naming the parameter and saying the session has ended; readable: GET still returns the final state (for as long as the simulator retains the call), writes answer 409.",
		Source: "reference/ringcentral.md §3.2 (SPEC NotFound 'not found or inaccessible'; CCJS drop() treats 404 as already gone)", Confidence: "inferred",
	}, {
		Name: quirkPartyControl, Values: []string{"own-extension", "account"}, Default: "own-extension",
		Doc: "own-extension: a token controls only its own extension's parties; acting on another party of a visible session, or ending (DELETE) a session it has no party in, answers 403 TAS-106 " +
			"'Operation is not allowed'; account: any party of the account's sessions may be controlled (an admin's view).",
		Source: "reference/ringcentral.md §1.2 (bridge: 'the user's own party'), §5 (TAS-106)", Confidence: "inferred",
	}, {
		Name: quirkBridgeSurvivor, Values: []string{"path-session"}, Default: "path-session",
		Doc: "path-session: after a bridge the customer and the consult talk in the path's session (A); the consult gets a new party p-<A>-<n> " +
			"and its party in B ends Gone/AttendedTransfer with peerId pointing at the new party; session B ends.",
		Source: "reference/ringcentral.md §2.4 ('No source shows which session ID the surviving customer-consult leg keeps')", Confidence: "inferred",
	}} {
		q.Vendor = dialectName
		scenario.RegisterQuirk(q)
	}
}
