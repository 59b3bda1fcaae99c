// Package scenario reads and validates pbxsim scenario files: the core's
// settings, the outside numbers and fault rules, and one section per
// dialect (its tenants, users, devices, numbers, credentials, answer
// policies and quirk profiles). The package names no vendor: each dialect
// registers its section's Go type (section.go) and quirks (quirks.go).
//
//	sc, err := scenario.Load("testdata/scenarios/two-agents.yaml")
//	if err != nil { log.Fatal(err) } // "two-agents.yaml:12: extension 102: ..."
//	sim := simulator.New(simulator.Options{Seed: sc.Seed})
//	err = sc.Apply(sim)
package scenario

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the text of the built-in scenario.
func DefaultYAML() []byte { return append([]byte(nil), defaultYAML...) }

// Default returns the built-in scenario, which mirrors the seed documents.
// It holds the sections of the dialects the program links (registered);
// the others are skipped.
func Default() *Scenario {
	sc, err := Parse("default.yaml", defaultYAML)
	if err != nil {
		panic("built-in scenario is invalid: " + err.Error())
	}
	return sc
}

// Error is a scenario that cannot be used, with where and why.
type Error struct {
	File string
	Line int
	// Field is the path of the field at fault (e.g.
	// "acme.accounts[0].users[1].number"), when known.
	Field  string
	Reason string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// Load reads and validates a scenario file.
func Load(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Reason: err.Error()}
	}
	return Parse(path, b)
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// Parse decodes and validates a scenario; name is used in error messages.
func Parse(name string, data []byte) (*Scenario, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err)
	}
	if len(root.Content) == 0 {
		return nil, &Error{File: name, Reason: "the scenario is empty"}
	}
	sc, err := decode(data, root.Content[0])
	if err != nil {
		return nil, yamlError(name, err)
	}
	for i := range sc.unclaimed {
		sc.unclaimed[i].File = name
	}
	lines := map[string]int{}
	indexLines(root.Content[0], "", lines)
	if err := sc.validate(); err != nil {
		var ve *validationError
		if errors.As(err, &ve) {
			return nil, &Error{File: name, Line: lineOf(lines, ve.path), Field: ve.path, Reason: ve.msg}
		}
		return nil, &Error{File: name, Reason: err.Error()}
	}
	sc.defaults()
	return sc, nil
}

func yamlError(name string, err error) error {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &Error{File: name, Line: n, Reason: m[2]}
	}
	return &Error{File: name, Reason: strings.TrimPrefix(msg, "yaml: ")}
}

// indexLines records the line of every mapping key and sequence item by
// its path ("acme.accounts[0].users[1].jwt").
func indexLines(n *yaml.Node, path string, out map[string]int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			out[p] = k.Line
			indexLines(v, p, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			out[p] = c.Line
			indexLines(c, p, out)
		}
	}
}

func lineOf(lines map[string]int, path string) int {
	for p := path; p != ""; {
		if n, ok := lines[p]; ok {
			return n
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

type validationError struct{ path, msg string }

func (e *validationError) Error() string { return e.msg }

func bad(path, format string, args ...any) error { return Bad(path, format, args...) }
