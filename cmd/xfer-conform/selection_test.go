package main

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
)

const outlineFeature = `@f
Feature: selection
  Background:
    Given pbxsim is running

  Scenario: first
    Then pbxsim lists 0 active calls

  Rule: a rule
    @slow
    Scenario Outline: rows <n>
      Then pbxsim lists <n> active calls

      Examples:
        | n |
        | 1 |
        | 2 |

    Scenario: last
      Then pbxsim lists 0 active calls
`

// Issue 17 items 2 and 6: godog runs exactly the selection, with every
// line number kept: an example row picked by FILE:LINE runs alone, a tag
// expression picks across a Rule, and unselected scenarios are comments.
func TestSelectionKeepsLinesAndPicksRows(t *testing.T) {
	base := fstest.MapFS{"x.feature": {Data: []byte(outlineFeature)}}
	files, err := readFeatures(base)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := parseTags("")
	for _, c := range []struct {
		tags  string
		loc   string
		lines []int64
	}{
		{"", "x.feature:16", []int64{16}},        // one example row
		{"", "x.feature:11", []int64{16, 17}},    // the outline: every row
		{"", "x.feature:20", []int64{19}},        // a step line: its scenario
		{"@slow", "", []int64{16, 17}},           // tags inside a Rule
		{"not @slow", "", []int64{6, 19}},        // around it
		{"", "features/x.feature:6", []int64{6}}, // the repository's path
	} {
		tags := all
		if c.tags != "" {
			if tags, err = parseTags(c.tags); err != nil {
				t.Fatal(err)
			}
		}
		var locs []location
		if c.loc != "" {
			l, err := parseLocation(base, c.loc, "")
			if err != nil {
				t.Fatal(err)
			}
			locs = append(locs, l)
		}
		sel := selectScenarios(files, tags, locs)
		rendered, err := fs.ReadFile(sel.FS(base), "x.feature")
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(rendered), "\n"); n != strings.Count(outlineFeature, "\n") {
			t.Fatalf("%+v: rendering changed the line count to %d:\n%s", c, n, rendered)
		}
		ids := &messages.Incrementing{}
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(rendered), ids.NewId)
		if err != nil {
			t.Fatalf("%+v: rendered feature does not parse: %v\n%s", c, err, rendered)
		}
		var got []int64
		lines := map[string]int64{}
		for _, sc := range scenariosOf(doc) {
			lines[sc.Id] = sc.Location.Line
			for _, ex := range sc.Examples {
				for _, r := range ex.TableBody {
					lines[r.Id] = r.Location.Line
				}
			}
		}
		for _, pk := range gherkin.Pickles(*doc, "x.feature", ids.NewId) {
			got = append(got, lines[pk.AstNodeIds[len(pk.AstNodeIds)-1]])
		}
		if len(got) != len(c.lines) || len(sel.list) != len(c.lines) {
			t.Errorf("%+v: godog would run the scenarios at %v (listed %d), want %v\n%s", c, got, len(sel.list), c.lines, rendered)
			continue
		}
		for i := range got {
			if got[i] != c.lines[i] || sel.list[i].Line != c.lines[i] {
				t.Errorf("%+v: ran %v listed %+v, want %v", c, got, sel.list, c.lines)
			}
		}
	}
}
