package scenario_test

import (
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
	. "github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Rule: the built-in scenario mirrors the seed documents, and each
// dialect's section of it decodes into that dialect's types.
// Source: issue 2; the built-in scenario mirrors the seed documents (issue 2): RingCentral
// account 684349005 with extensions 101-103 and NetSapiens domain TEST.
func TestDefaultScenarioMirrorsSeeds(t *testing.T) {
	sc := Default()
	acc, ok := ringcentral.SectionOf(sc).Account("684349005")
	if !ok {
		t.Fatal("account 684349005 missing")
	}
	want := map[string][2]string{"101": {"684349005", "Craig Chan"}, "102": {"684351005", "Agent J"}, "103": {"684352005", "Agent K"}}
	for _, e := range acc.Extensions {
		w, ok := want[e.Number]
		if !ok {
			continue
		}
		if e.ID != w[0] || e.Name != w[1] {
			t.Errorf("extension %s = (%s, %s), want %v", e.Number, e.ID, e.Name, w)
		}
		delete(want, e.Number)
		if e.Number == "102" && (len(e.PhoneNumbers) == 0 || e.PhoneNumbers[0] != "+19293831896") {
			t.Errorf("102 numbers = %v, want +19293831896", e.PhoneNumbers)
		}
		if e.JWT != "jwt-"+e.Number || e.Password != "pbxsim" {
			t.Errorf("extension %s credentials = %q/%q", e.Number, e.JWT, e.Password)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing extensions %v", want)
	}
	d, ok := netsapiens.SectionOf(sc).Domain("TEST")
	if !ok {
		t.Fatal("domain TEST missing")
	}
	var has1000, has1010 bool
	for _, u := range d.Users {
		has1000 = has1000 || (u.ID == "1000" && len(u.Numbers) == 1 && u.Numbers[0] == "+11111111111")
		has1010 = has1010 || u.ID == "1010"
	}
	if !has1000 || !has1010 {
		t.Errorf("TEST users wrong: %+v", d.Users)
	}
	found := false
	for _, o := range sc.Outside {
		found = found || o.Number == "+15555555555"
	}
	if !found {
		t.Error("outside caller +15555555555 missing")
	}
}

// A malformed scenario is refused at start with the file, line and reason (issue 2).
func TestMalformedScenarioNamesFileLineAndReason(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"syntax", "ringcentral:\n  clients: [\n", "bad.yaml:2: did not find expected node content"},
		{"unknown field", "ringcentral:\n  clients: [{id: a}]\n  acounts: []\n", "bad.yaml:3: field acounts not found"},
		{"bad number", "ringcentral:\n  clients: [{id: a}]\n  accounts:\n    - id: \"1\"\n      extensions:\n        - id: \"2\"\n          number: \"101\"\n          name: A\n          phoneNumbers: [\"555\"]\n", "bad.yaml:9: \"555\" is not an E.164 number"},
		{"duplicate extension", "ringcentral:\n  clients: [{id: a}]\n  accounts:\n    - id: \"1\"\n      extensions:\n        - {id: \"2\", number: \"101\", name: A}\n        - {id: \"3\", number: \"101\", name: B}\n", "bad.yaml:7: extension number 101 appears twice"},
		{"bad api key", "netsapiens:\n  domains:\n    - name: TEST\n      apiKeys:\n        - key: nope\n", "bad.yaml:5: API key must be 60 characters"},
		{"bad answer mode", "outside: []\nnetsapiens:\n  domains:\n    - name: T\n      users:\n        - id: \"1\"\n          answer: {mode: sometimes}\n", "bad.yaml:7: answer mode must be"},
		{"bad duration", "ringTimeout: soon\nnetsapiens: {domains: [{name: T}]}\n", "bad.yaml:1:"},
		{"empty", "", "bad.yaml: the scenario is empty"},
		{"no vendor", "name: x\n", "the scenario has no tenant section (one of acme, netsapiens or ringcentral)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(c.yaml))
			if err == nil {
				t.Fatalf("accepted; want error containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q; want it to contain %q", err, c.want)
			}
		})
	}
}

// Quirk selections are checked against the quirks the dialects register.
func TestUnknownQuirkRefused(t *testing.T) {
	RegisterQuirk(Quirk{Vendor: "netsapiens", Name: "test-quirk", Values: []string{"a", "b"}, Default: "a"})
	_, err := Parse("q.yaml", []byte("netsapiens:\n  domains:\n    - name: T\n      quirks: {test-quirk: c}\n"))
	if err == nil || !strings.Contains(err.Error(), "q.yaml:4:") || !strings.Contains(err.Error(), `value "c" is not one of a, b`) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Parse("q.yaml", []byte("netsapiens:\n  domains:\n    - name: T\n      quirks: {test-quirk: b}\n")); err != nil {
		t.Fatal(err)
	}
}
