package scenario

import (
	"errors"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzParse: any scenario file either loads or is refused with an *Error
// naming the file (issue 7: no input panics); a scenario that loads writes
// back to YAML that loads again (pbxsim --print-scenario, GET
// /sim/v1/scenario). Seeds: testdata/fuzz/FuzzParse (the default and the
// two-tenant worlds, broken variants); the CI runs it briefly (.ci/run).
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("fuzz.yaml", data)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.File != "fuzz.yaml" || se.Reason == "" {
				t.Fatalf("%q: %#v, want a *scenario.Error", data, err)
			}
			return
		}
		out, err := yaml.Marshal(sc)
		if err != nil {
			t.Fatalf("a loaded scenario does not marshal: %v", err)
		}
		if _, err := Parse("again.yaml", out); err != nil {
			t.Fatalf("a loaded scenario does not load again: %v\n%s", err, out)
		}
	})
}
