package ringcentral

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// findingsOf returns the contract findings the journal holds for requests
// whose path has part, by rule name.
func (w *world) findingsOf(part string) []string {
	var out []string
	for _, e := range w.sim.Journal().Entries(simulator.JournalFilter{Dialect: dialectName, PathHas: part}) {
		for _, n := range e.Findings {
			if rest, ok := strings.CutPrefix(n, "contract finding "); ok {
				out = append(out, rest[:strings.IndexByte(rest, ' ')])
			}
		}
	}
	return out
}

// Rule: a warm transfer done as DOCS warm-transfer.md says breaks no
// contract. Source: issue 15 ("a clean integration yields none").
func TestContractCleanWarmTransferHasNoFindings(t *testing.T) {
	w := newWorld(t, nil, Options{})
	wc := setupWarmTransfer(t, w)
	expect(t, "bridge", w.call(http.MethodPost, partyPath(wc.sidA, wc.opA)+"/bridge", wc.opTok,
		map[string]string{"telephonySessionId": wc.sidB, "partyId": wc.opB}), 200)
	if f := w.findingsOf(""); len(f) != 0 {
		t.Fatalf("findings %v, want none", f)
	}
}

// Rule: the bridge traps are named findings beside the vendor's own
// refusal, which is unchanged (404 for swapped IDs, 403 for the consult's
// party), under contract-strictness findings (the default) and refuse
// alike: refuse never replaces the vendor's own error with its 400.
// Source: issue 15 item 1 ("where the vendor is known to refuse a
// violation, pbxsim refuses it the same way, with the vendor's error
// body"); reference/ringcentral.md §1.3, §2.4.
func TestContractBridgeTrapsAreNamedFindings(t *testing.T) {
	for _, strictness := range []string{"findings", "refuse"} {
		t.Run(strictness, func(t *testing.T) { bridgeTrapsAreNamed(t, strictness) })
	}
}

func bridgeTrapsAreNamed(t *testing.T, strictness string) {
	for _, c := range []struct {
		name   string
		body   func(wc warmCall) map[string]string
		status int
		want   string
	}{
		{"swapped IDs", func(wc warmCall) map[string]string {
			return map[string]string{"telephonySessionId": wc.opB, "partyId": wc.sidB}
		},
			404, "rc-party-id-as-session-id,rc-session-id-as-party-id"},
		{"the path's party in the body", func(wc warmCall) map[string]string {
			return map[string]string{"telephonySessionId": wc.sidB, "partyId": wc.opA}
		},
			404, "rc-bridge-wrong-party"},
		{"the consult's party", func(wc warmCall) map[string]string {
			return map[string]string{"telephonySessionId": wc.sidB, "partyId": wc.consB}
		},
			403, "rc-bridge-wrong-party"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, withQuirks(map[string]string{"contract-strictness": strictness}), Options{})
			wc := setupWarmTransfer(t, w)
			r := w.call(http.MethodPost, partyPath(wc.sidA, wc.opA)+"/bridge", wc.opTok, c.body(wc))
			if r.status != c.status {
				t.Fatalf("bridge: %s, want %d", r, c.status)
			}
			if got := strings.Join(w.findingsOf("/bridge"), ","); got != c.want {
				t.Fatalf("findings %q, want %q", got, c.want)
			}
		})
	}
}

// Rule: lenient parsing is named: duplicate keys, numbers sent as strings,
// unknown fields. Source: issue 15 item 1.
func TestContractLenientParsingFindings(t *testing.T) {
	w := newWorld(t, nil, Options{})
	opTok := w.login("jwt-102")
	sidA, opA, _ := w.customerCalls("102")
	w.call(http.MethodPost, partyPath(sidA, opA)+"/answer", opTok, `{"deviceId":"1","deviceId":"801536579005","speed":"fast"}`)
	w.call(http.MethodPatch, partyPath(sidA, opA), opTok, `{"muted":"true"}`)
	got := strings.Join(w.findingsOf(""), ",")
	for _, want := range []string{"duplicate-key", "unknown-field", "number-as-string"} {
		if !strings.Contains(got, want) {
			t.Errorf("findings %s lack %s", got, want)
		}
	}
}

// Rule: contract-strictness=refuse refuses a finding with a 400 CMN-101
// and changes nothing. Source: issue 15 item 2.
func TestContractStrictnessRefuse(t *testing.T) {
	w := newWorld(t, withQuirks(map[string]string{"contract-strictness": "refuse"}), Options{})
	opTok := w.login("jwt-102")
	sidA, opA, _ := w.customerCalls("102")
	expectError(t, "refused", w.call(http.MethodPost, partyPath(sidA, opA)+"/answer", opTok, `{"colour":"blue"}`),
		400, codeInvalidParam, "colour", "unknown-field")
	expect(t, "unchanged", w.call(http.MethodGet, sessionPath(sidA), opTok, nil), 200, "parties.1.status.code", "Proceeding")
}

// Rule: docs/contracts.md lists every rule with its source. Source: issue
// 15 item 4.
func TestContractRulesAreDocumented(t *testing.T) {
	raw, err := os.ReadFile("../../docs/contracts.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	for _, r := range TrapRules() {
		if !strings.Contains(doc, "| `"+r.Name+"` |") || !strings.Contains(doc, r.Source) {
			t.Errorf("docs/contracts.md lacks rule %s with its source %q", r.Name, r.Source)
		}
	}
}
