package duration

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// Rule: a scenario file's durations, core and fault rules alike, are a Go
// duration string or a number of seconds; negative ones are refused, and
// YAML and JSON read them the same way.
// Source: issue 11 item 5 (ringTimeout: 30 was accepted, delay: 30 refused); docs/scenarios.md.
func TestOneRuleForYAMLAndJSON(t *testing.T) {
	good := map[string]time.Duration{
		"30": 30 * time.Second, "0.5": 500 * time.Millisecond, `"2s"`: 2 * time.Second,
		`"500ms"`: 500 * time.Millisecond, `"1m30s"`: 90 * time.Second, "0": 0, `"30"`: 30 * time.Second,
	}
	for in, want := range good {
		var y, j Duration
		if err := yaml.Unmarshal([]byte(in), &y); err != nil || y.D() != want {
			t.Errorf("YAML %s = %v, %v; want %v", in, y.D(), err, want)
		}
		if err := json.Unmarshal([]byte(in), &j); err != nil || j.D() != want {
			t.Errorf("JSON %s = %v, %v; want %v", in, j.D(), err, want)
		}
	}
	for _, in := range []string{`"soon"`, "-1", `"-2s"`, `"1e400"`, "[1]"} {
		var y, j Duration
		if err := yaml.Unmarshal([]byte(in), &y); err == nil {
			t.Errorf("YAML %s accepted as %v", in, y.D())
		}
		if err := json.Unmarshal([]byte(in), &j); err == nil {
			t.Errorf("JSON %s accepted as %v", in, j.D())
		}
	}
}

// Rule: a duration is written back as a string that reads again.
// Source: GET /sim/v1/scenario, pbxsim --print-scenario (docs/scenarios.md).
func TestWritesAString(t *testing.T) {
	d := Duration(1500 * time.Millisecond)
	b, _ := json.Marshal(d)
	y, _ := yaml.Marshal(d)
	if string(b) != `"1.5s"` || strings.TrimSpace(string(y)) != "1.5s" {
		t.Fatalf("JSON %s, YAML %s", b, y)
	}
}

// Rule: a YAML error names the line, so a scenario error does too.
// Source: docs/scenarios.md (errors name file and line).
func TestYAMLErrorNamesLine(t *testing.T) {
	var v struct {
		A Duration `yaml:"a"`
	}
	err := yaml.Unmarshal([]byte("\na: soon\n"), &v)
	if err == nil || !strings.HasPrefix(err.Error(), "line 2: ") {
		t.Fatalf("err = %v", err)
	}
}
