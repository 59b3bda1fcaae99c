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
