package contract

import "testing"

// Rule: the three strictness settings mean the same in every dialect:
// lenient notes and refuses nothing, findings notes every finding and
// refuses nothing, refuse refuses with the first finding and notes none.
// Source: issue 15 item 2 (a strictness setting in the scenario).
func TestApplyStrictness(t *testing.T) {
	fs := []Finding{{Rule: Rule{Name: "a"}}, {Rule: Rule{Name: "b"}}}
	for _, tc := range []struct {
		s       Strictness
		notes   int
		refused string
	}{{Lenient, 0, ""}, {Findings, 2, ""}, {Refuse, 0, "a"}} {
		notes := 0
		f := Apply(tc.s, fs, func(string) { notes++ })
		got := ""
		if f != nil {
			got = f.Rule.Name
		}
		if notes != tc.notes || got != tc.refused {
			t.Errorf("%s: %d notes, refused %q; want %d notes, refused %q", tc.s, notes, got, tc.notes, tc.refused)
		}
	}
	if Apply(Refuse, nil, func(string) { t.Error("noted nothing") }) != nil {
		t.Error("no findings: nothing to refuse")
	}
}
