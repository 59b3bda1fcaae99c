package judge

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/xfer-conform/xfer-conform/client/control"
)

// ContractFinding is one contract finding pbxsim noted on a request of the
// integration (docs/contracts.md): a request the vendor may take
// differently from what the integration meant.
type ContractFinding struct {
	Rule       string
	Operation  string
	Detail     string
	Source     string
	Confidence string
	// Seq is the journal entry of the request.
	Seq uint64
}

func (f ContractFinding) String() string {
	return fmt.Sprintf("contract finding %s on %s (request #%d): %s (source: %s; confidence: %s)", f.Rule, f.Operation, f.Seq, f.Detail, f.Source, f.Confidence)
}

// findingNote matches a finding of a journal entry; the format is
// simulator/contract's Finding.Note.
var findingNote = regexp.MustCompile(`contract finding (\S+) on (.+?): (.*?) \(source: (.*?); confidence: (\w+)\)`)

// ContractFindings reads the findings out of journal entries.
func ContractFindings(journal []control.JournalEntry) []ContractFinding {
	var out []ContractFinding
	for _, e := range journal {
		for _, note := range e.Findings {
			if m := findingNote.FindStringSubmatch(note); m != nil {
				out = append(out, ContractFinding{Rule: m[1], Operation: m[2], Detail: m[3], Source: m[4], Confidence: m[5], Seq: e.Seq})
			}
		}
	}
	return out
}

// Allowed reports whether an allow-list entry accepts the finding: "RULE"
// accepts the rule on every operation, "RULE@TEXT" only on operations
// whose name contains TEXT.
func (f ContractFinding) Allowed(allow []string) bool {
	for _, a := range allow {
		rule, op, scoped := strings.Cut(strings.TrimSpace(a), "@")
		if strings.EqualFold(rule, f.Rule) && (!scoped || strings.Contains(f.Operation, op)) {
			return true
		}
	}
	return false
}

// findingsError is the error of the contract check: one line per finding
// the allow-list did not accept; the judge reports each as its own check.
type findingsError struct{ findings []ContractFinding }

func (e findingsError) Error() string {
	lines := make([]string, len(e.findings))
	for i, f := range e.findings {
		lines[i] = f.String()
	}
	return strings.Join(lines, "; ")
}

// checkContracts fails on every contract finding of the integration's
// requests that the allow-list (--allow-finding) does not accept.
func checkContracts(e Evidence) error {
	var bad []ContractFinding
	for _, f := range ContractFindings(e.Journal) {
		if !f.Allowed(e.AllowFindings) {
			bad = append(bad, f)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return findingsError{bad}
}
