package contract

// Strictness is what a tenant does with findings, chosen per scenario
// (quirk "contract-strictness" of each dialect).
type Strictness string

// Strictness values.
const (
	// Lenient: no findings are noted; only what the vendor refuses is refused.
	Lenient Strictness = "lenient"
	// Findings: findings are noted in the journal, the outcome is unchanged.
	Findings Strictness = "findings"
	// Refuse: a finding refuses the request with the vendor's 400.
	Refuse Strictness = "refuse"
)

// StrictnessValues lists the values in the order docs show them; the
// first is the default.
var StrictnessValues = []string{string(Findings), string(Lenient), string(Refuse)}

// StrictnessQuirk is the quirk name each dialect registers for the setting.
const StrictnessQuirk = "contract-strictness"

// ParseStrictness reads a quirk value; anything unknown is Findings.
func ParseStrictness(s string) Strictness {
	switch Strictness(s) {
	case Lenient, Refuse:
		return Strictness(s)
	}
	return Findings
}

// Apply does with a request's findings what the strictness says: under
// Lenient nothing; under Findings it notes each one on the request's
// journal entry through note and returns nil; under Refuse it returns the
// first finding, for the dialect to answer with its vendor's 400. A
// finding whose rule the vendor refuses itself (Rule.VendorRefuses) is
// never the refusal: it is noted, and the dialect answers with the
// vendor's own error. Every dialect goes through here, so the three
// settings mean the same for all.
func Apply(s Strictness, findings []Finding, note func(string)) *Finding {
	if len(findings) == 0 || s == Lenient {
		return nil
	}
	if s == Refuse {
		for i := range findings {
			if !findings[i].Rule.VendorRefuses {
				return &findings[i]
			}
		}
	}
	for _, f := range findings {
		note(f.Note())
	}
	return nil
}

// QuirkDoc is the quirk text every dialect registers for the setting;
// refusal says what its refuse answer is (e.g. "400 CMN-101").
func QuirkDoc(refusal string) string {
	return "What pbxsim does with a request that breaks its written contract (docs/contracts.md): findings notes it in the journal " +
		"and the integration judge reports it; lenient looks for nothing; refuse answers " + refusal + "."
}
