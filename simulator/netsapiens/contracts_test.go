package netsapiens

import (
	"os"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/contract"
)

// findings returns the contract findings the journal holds, by rule name.
func (w *world) findings() []string {
	var out []string
	for _, e := range w.sim.Journal().Entries(simulator.JournalFilter{Dialect: "netsapiens"}) {
		for _, n := range e.Findings {
			if rest, ok := strings.CutPrefix(n, "contract finding "); ok {
				out = append(out, rest[:strings.IndexByte(rest, ' ')])
			}
		}
	}
	return out
}

// requireFinding fails unless some journal entry for path part has a
// contract finding that contains want.
func (w *world) requireFinding(part, want string) {
	w.t.Helper()
	var all []string
	for _, e := range w.sim.Journal().Entries(simulator.JournalFilter{Dialect: "netsapiens", PathHas: part}) {
		for _, f := range e.Findings {
			if strings.Contains(f, want) {
				return
			}
			all = append(all, f)
		}
	}
	w.t.Fatalf("no contract finding for %q contains %q; findings: %q", part, want, all)
}

// Rule: the seed's attended transfer, done as the guide says, breaks no
// contract: a clean integration yields no finding. Source: issue 15
// ("a clean integration yields none"); reference/netsapiens.md §3.3.
func TestContractCleanAttendedTransferHasNoFindings(t *testing.T) {
	w := newWorld(t, nil)
	s := w.upToConsult(true)
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+s.origCallID+"/transfer", key1000, w.transferBody(s))
	w.settle()
	if f := w.findings(); len(f) != 0 {
		t.Fatalf("findings %v, want none", f)
	}
}

// Rule: each transfer trap is a finding with its own name, and a finding
// never changes the outcome (still 202, the quirk decides what happens).
// Source: issue 15 item 1; reference/netsapiens.md §3.3, §3.4.
func TestContractTransferTrapsAreNamedFindings(t *testing.T) {
	t.Run("call-term-user in an attended transfer", func(t *testing.T) {
		w := newWorld(t, nil)
		s := w.upToConsult(true)
		body := w.transferBody(s)
		body["call-term-user"] = "1010"
		w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+s.origCallID+"/transfer", key1000, body)
		w.settle()
		w.requireFinding("/transfer", "contract finding ns-transfer-call-term-user on PATCH .../calls/{call_id}/transfer")
		w.requireNote("/transfer", "blind transfer applied") // the outcome is the quirk's, unchanged
	})
	t.Run("hold by call-orig-call-id", func(t *testing.T) {
		w := newWorld(t, nil)
		w.inboundCall()
		orig := w.calls()[0].Get("call-orig-call-id").String()
		w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+orig+"/hold", key1000, nil)
		w.settle()
		w.requireFinding("/hold", "contract finding ns-hold-by-orig-call-id")
		w.requireNote("/hold", "hold not applied")
	})
	t.Run("transfer by call-term-call-id", func(t *testing.T) {
		w := newWorld(t, nil)
		s := w.upToConsult(true)
		w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+s.termCallID+"/transfer", key1000, w.transferBody(s))
		w.settle()
		w.requireFinding("/transfer", "contract finding ns-transfer-by-term-call-id")
	})
}

// Rule: lenient-parsing findings: duplicate keys, invalid UTF-8, numbers
// sent as strings, unknown fields, enums. Source: issue 15 item 1.
func TestContractLenientParsingFindings(t *testing.T) {
	w := newWorld(t, allowHooks)
	w.must(202, "POST", "/domains/TEST/users/1000/calls", key1000, `{"call-id":"c1","call-id":"c1","call-term-user":"1010","colour":"blue"}`)
	w.must(200, "POST", "/domains/TEST/subscriptions", keyOM, "{\"model\":\"call\",\"post-url\":\"https://hooks.example.test/\xff\"}")
	// Where the vendor refuses (a bad yes/no), pbxsim refuses too, and the
	// finding names the rule.
	w.must(400, "POST", "/domains/TEST/subscriptions", keyOM, `{"model":"call","post-url":"https://hooks.example.test/b","subscription-geo-support":"maybe-not"}`)
	got := strings.Join(w.findings(), ",")
	for _, want := range []string{"duplicate-key", "unknown-field", "invalid-utf8", "enum"} {
		if !strings.Contains(got, want) {
			t.Errorf("findings %s lack %s", got, want)
		}
	}
}

// Rule: contract-strictness=refuse refuses a finding with the vendor's
// 400 body and changes nothing; lenient looks for nothing. Source: issue
// 15 item 2 (strictness setting).
func TestContractStrictness(t *testing.T) {
	w := newWorld(t, withQuirks(map[string]string{"contract-strictness": "refuse"}))
	w.inboundCall()
	orig := w.calls()[0].Get("call-orig-call-id").String()
	r := w.do("PATCH", "/domains/TEST/users/1000/calls/"+orig+"/hold", key1000, nil)
	if r.status != 400 || !strings.Contains(r.json().Get("message").String(), "ns-hold-by-orig-call-id") || r.json().Get("code").Int() != 400 {
		t.Fatalf("refuse: %s", r)
	}

	w = newWorld(t, withQuirks(map[string]string{"contract-strictness": "lenient"}))
	w.inboundCall()
	orig = w.calls()[0].Get("call-orig-call-id").String()
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+orig+"/hold", key1000, `{"x":1}`)
	if f := w.findings(); len(f) != 0 {
		t.Fatalf("lenient: findings %v", f)
	}
}

// Rule: docs/contracts.md lists every rule with its source. Source: issue
// 15 item 4.
func TestContractRulesAreDocumented(t *testing.T) {
	raw, err := os.ReadFile("../../docs/contracts.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	for _, r := range append(contract.EngineRules(), TrapRules()...) {
		if !strings.Contains(doc, "| `"+r.Name+"` |") || (r.Source != "" && !strings.Contains(doc, r.Source)) {
			t.Errorf("docs/contracts.md lacks rule %s with its source %q", r.Name, r.Source)
		}
	}
	for _, o := range nsOperations {
		if !strings.Contains(doc, strings.SplitN(o.op.Name, " ", 2)[1]) {
			t.Errorf("docs/contracts.md lacks operation %s", o.op.Name)
		}
	}
}
