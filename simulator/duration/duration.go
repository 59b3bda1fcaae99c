// Package duration holds the one Duration type of pbxsim's scenario files
// and control API bodies, so a ring timeout and a fault rule's delay in
// the same file follow one rule (docs/scenarios.md, docs/faults.md):
//
//	ringTimeout: 30      # a number is seconds
//	delay: 250ms         # a string is a Go duration ("2s", "1m30s")
//
// Negative durations are refused. Both scenario and faults use it; it
// imports neither, so neither import cycles.
//
//	var d duration.Duration
//	_ = yaml.Unmarshal([]byte("1.5"), &d) // d.D() == 1500 * time.Millisecond
package duration

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a time.Duration written "2s", "500ms" or as a number of
// seconds (30, 0.5) in YAML and JSON. It is written back as a string.
type Duration time.Duration

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String is the Go form ("1m0s").
func (d Duration) String() string { return time.Duration(d).String() }

// Parse reads a Go duration ("2s", "500ms") or a number of seconds ("30",
// "0.5"); a negative duration is an error.
func Parse(s string) (Duration, error) {
	t := strings.TrimSpace(s)
	v, err := time.ParseDuration(t)
	if err != nil {
		secs, err2 := strconv.ParseFloat(t, 64)
		if err2 != nil || secs != secs || secs > float64(1<<63-1)/float64(time.Second) || secs < -float64(1<<63-1)/float64(time.Second) {
			return 0, fmt.Errorf("%q is not a duration (want e.g. \"2s\", \"500ms\" or a number of seconds)", s)
		}
		v = time.Duration(secs * float64(time.Second))
	}
	if v < 0 {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	return Duration(v), nil
}

// UnmarshalYAML reads "2s" or a number of seconds; the error names the line.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a duration is a string like \"2s\" or a number of seconds", n.Line)
	}
	v, err := Parse(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*d = v
	return nil
}

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "2s" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n json.Number
		if err2 := json.Unmarshal(b, &n); err2 != nil {
			return fmt.Errorf("a duration is a string like \"200ms\" or a number of seconds, not %s", b)
		}
		s = n.String()
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
