package judge

import (
	"errors"
	"testing"

	"github.com/xfer-conform/xfer-conform/client/control"
)

// Rule: the judge reads every finding of a journal note, rule, operation,
// source and confidence, and the allow-list accepts by rule or
// rule@operation. Source: issue 15 item 2; note format simulator/contract.
func TestContractFindingsAndAllowList(t *testing.T) {
	j := []control.JournalEntry{{Seq: 7, Note: "hold applied: x", Findings: []string{"contract finding ns-hold-by-orig-call-id on PATCH .../calls/{call_id}/hold: call_id a is the other side's leg (source: GUIDE-AT step 3; confidence: documented)",
		"contract finding unknown-field on PATCH .../calls/{call_id}/hold: field \"x\" is not part of it (source: SPEC45 (no request body); confidence: inferred)"}}}
	fs := ContractFindings(j)
	if len(fs) != 2 || fs[0].Rule != "ns-hold-by-orig-call-id" || fs[0].Source != "GUIDE-AT step 3" || fs[0].Seq != 7 ||
		fs[1].Rule != "unknown-field" || fs[1].Source != "SPEC45 (no request body)" || fs[1].Confidence != "inferred" {
		t.Fatalf("findings %+v", fs)
	}
	var fe findingsError
	if err := checkContracts(Evidence{Journal: j}); !errors.As(err, &fe) || len(fe.findings) != 2 {
		t.Fatalf("no allow-list: %v", err)
	}
	if err := checkContracts(Evidence{Journal: j, AllowFindings: []string{"unknown-field@/hold", "ns-hold-by-orig-call-id"}}); err != nil {
		t.Fatalf("both allowed: %v", err)
	}
	if err := checkContracts(Evidence{Journal: j, AllowFindings: []string{"unknown-field@/transfer"}}); !errors.As(err, &fe) || len(fe.findings) != 2 {
		t.Fatalf("allowed on another operation only: %v", err)
	}
	if err := checkContracts(Evidence{}); err != nil {
		t.Fatalf("a clean journal: %v", err)
	}
}
