package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
)

// overlayFS serves the user's feature directory over the embedded
// features: a file at the same path replaces the embedded one.
type overlayFS struct {
	top, base fs.FS
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		return f, nil
	}
	return o.base.Open(name)
}

// ReadDir merges both directories.
func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]fs.DirEntry{}
	var firstErr error
	for _, f := range []fs.FS{o.base, o.top} {
		es, err := fs.ReadDir(f, name)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		for _, e := range es {
			seen[e.Name()] = e
		}
	}
	if len(seen) == 0 && firstErr != nil {
		return nil, firstErr
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// scenarioInfo is one runnable scenario (an example row counts as one).
type scenarioInfo struct {
	File, Name string
	Line       int64
	Tags       []string
}

// collectScenarios parses every .feature file and returns the scenarios
// that match the godog tag filter.
func collectScenarios(fsys fs.FS, filter string) ([]scenarioInfo, error) {
	var out []scenarioInfo
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".feature" {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		ids := &messages.Incrementing{}
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(b), ids.NewId)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		lines := map[string]int64{}
		if doc.Feature != nil {
			for _, c := range doc.Feature.Children {
				if c.Scenario != nil {
					lines[c.Scenario.Id] = c.Scenario.Location.Line
				}
				if c.Rule != nil {
					for _, rc := range c.Rule.Children {
						if rc.Scenario != nil {
							lines[rc.Scenario.Id] = rc.Scenario.Location.Line
						}
					}
				}
			}
		}
		for _, pk := range gherkin.Pickles(*doc, p, ids.NewId) {
			var tags []string
			for _, t := range pk.Tags {
				tags = append(tags, t.Name)
			}
			if filter != "" && !matchTags(filter, tags) {
				continue
			}
			line := int64(0)
			if len(pk.AstNodeIds) > 0 {
				line = lines[pk.AstNodeIds[0]]
			}
			out = append(out, scenarioInfo{File: p, Name: pk.Name, Line: line, Tags: tags})
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return out, err
}

// matchTags evaluates godog's tag filter syntax: "&&" joins terms, ","
// separates alternatives, "~" negates ("@ringcentral && ~@simulator").
func matchTags(filter string, tags []string) bool {
	has := func(t string) bool {
		for _, x := range tags {
			if strings.TrimPrefix(x, "@") == t {
				return true
			}
		}
		return false
	}
	for _, and := range strings.Split(filter, "&&") {
		ok := false
		for _, alt := range strings.Split(and, ",") {
			alt = strings.ReplaceAll(strings.TrimSpace(alt), "@", "")
			if alt == "" {
				continue
			}
			if strings.HasPrefix(alt, "~") {
				ok = ok || !has(alt[1:])
			} else {
				ok = ok || has(alt)
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func dirExists(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", p)
	}
	return nil
}
