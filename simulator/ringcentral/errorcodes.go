package ringcentral

import "github.com/xfer-conform/xfer-conform/simulator/scenario"

// quirkErrorCodes names the error codes no public source shows (issue 13
// item 6): RingCentral's published catalog (DOCS errors.md, the SPEC's
// examples, community threads) has no code for a 409 "Incorrect State" or
// a 415, so pbxsim keeps its own and says so. Its one value is the set in
// errors.go; a scenario may name it to pin the choice.
const quirkErrorCodes = "error-codes"

func init() {
	scenario.RegisterQuirk(scenario.Quirk{
		Vendor: dialectName, Name: quirkErrorCodes, Values: []string{"inferred"}, Default: "inferred",
		Doc: "inferred: 409 wrong-state refusals carry errorCode " + codeIncorrectState + " with a message starting 'Incorrect State' " +
			"(the text is what clients match); 415 carries " + codeMediaType + "; 413 carries " + codeTooLarge + ". " +
			"The codes are pbxsim's: no public RingCentral source gives a code for these statuses.",
		Source:     "reference/ringcentral.md §3.2 (WIDGETS matches only 'Incorrect State'; SPEC lists 409/415 with no code; TAS-106 is the only public TAS code)",
		Confidence: "inferred",
	})
}
