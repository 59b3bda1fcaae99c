package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
)

// scenarioInfo is one runnable scenario (an example row counts as one).
type scenarioInfo struct {
	File, Name string
	// Line is the scenario's line, or its example row's for an outline:
	// FILE:LINE on the command line selects exactly this one.
	Line int64
	// ScenarioLine is the line of the Scenario (Outline) keyword.
	ScenarioLine int64
	Outline      bool
	Tags         []string
}

// featureFile is one parsed .feature file.
type featureFile struct {
	path      string
	src       []byte
	doc       *messages.GherkinDocument
	scenarios []scenarioInfo
}

// readFeatures parses every .feature file of fsys, in path order.
func readFeatures(fsys fs.FS) ([]*featureFile, error) {
	var out []*featureFile
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
		ff := &featureFile{path: p, src: b, doc: doc}
		lines := map[string]int64{}
		outline := map[string]bool{}
		for _, sc := range scenariosOf(doc) {
			lines[sc.Id] = sc.Location.Line
			outline[sc.Id] = len(sc.Examples) > 0
			for _, ex := range sc.Examples {
				for _, row := range ex.TableBody {
					lines[row.Id] = row.Location.Line
				}
			}
		}
		for _, pk := range gherkin.Pickles(*doc, p, ids.NewId) {
			var tags []string
			for _, t := range pk.Tags {
				tags = append(tags, t.Name)
			}
			info := scenarioInfo{File: p, Name: pk.Name, Tags: tags}
			if len(pk.AstNodeIds) > 0 {
				info.ScenarioLine = lines[pk.AstNodeIds[0]]
				info.Line = info.ScenarioLine
				info.Outline = outline[pk.AstNodeIds[0]]
			}
			if len(pk.AstNodeIds) > 1 {
				info.Line = lines[pk.AstNodeIds[1]]
			}
			ff.scenarios = append(ff.scenarios, info)
		}
		out = append(out, ff)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return out, err
}

func scenariosOf(doc *messages.GherkinDocument) []*messages.Scenario {
	var out []*messages.Scenario
	if doc.Feature == nil {
		return nil
	}
	for _, c := range doc.Feature.Children {
		if c.Scenario != nil {
			out = append(out, c.Scenario)
		}
		if c.Rule != nil {
			for _, rc := range c.Rule.Children {
				if rc.Scenario != nil {
					out = append(out, rc.Scenario)
				}
			}
		}
	}
	return out
}

// location is a FILE[:LINE] argument: a feature file or directory as
// --list prints it, and optionally a line of a scenario or example row.
type location struct {
	path string // in the features' file system
	line int64  // 0: every scenario under path
}

// parseLocation resolves a FILE[:LINE] argument against fsys. It accepts
// the path --list prints, the same under "features/" (this repository's
// layout) or under the --features directory.
func parseLocation(fsys fs.FS, arg, featuresDir string) (location, error) {
	p, line := arg, int64(0)
	if i := strings.LastIndexByte(arg, ':'); i > 0 {
		if n, err := strconv.ParseInt(arg[i+1:], 10, 64); err == nil && n > 0 {
			p, line = arg[:i], n
		}
	}
	candidates := []string{path.Clean(strings.TrimPrefix(p, "./"))}
	if featuresDir != "" {
		if rel, ok := strings.CutPrefix(path.Clean(p), path.Clean(featuresDir)+"/"); ok {
			candidates = append(candidates, rel)
		}
	}
	if rel, ok := strings.CutPrefix(candidates[0], "features/"); ok {
		candidates = append(candidates, rel)
	}
	for _, c := range candidates {
		if _, err := fs.Stat(fsys, c); err == nil {
			return location{path: c, line: line}, nil
		}
	}
	return location{}, fmt.Errorf("no feature file or directory %q (--list shows the paths)", p)
}

// selects says whether the location picks scenario s of its file. A line
// picks the scenario or example row on it, or else the scenario whose
// text it falls in (an editor's cursor line).
func (l location) selects(s scenarioInfo, file []scenarioInfo) bool {
	if l.path != "." && s.File != l.path && !strings.HasPrefix(s.File, l.path+"/") {
		return false
	}
	if l.line == 0 {
		return true
	}
	for _, o := range file {
		if o.Line == l.line && o.Outline && o.Line != o.ScenarioLine {
			return s.Line == l.line // an example row: that row only
		}
	}
	var owner int64
	for _, o := range file {
		if o.ScenarioLine <= l.line && o.ScenarioLine > owner {
			owner = o.ScenarioLine
		}
	}
	return owner != 0 && s.ScenarioLine == owner
}

// selection is what a run runs: the scenarios that match the tags and
// the locations, in file order.
type selection struct {
	files    []*featureFile
	selected map[string]map[int64]bool // file -> pickle lines chosen
	list     []scenarioInfo
}

func selectScenarios(files []*featureFile, tags *tagExpr, locs []location) *selection {
	sel := &selection{files: files, selected: map[string]map[int64]bool{}}
	for _, f := range files {
		for _, s := range f.scenarios {
			if !tags.match(s.Tags) {
				continue
			}
			if len(locs) > 0 {
				hit := false
				for _, l := range locs {
					hit = hit || l.selects(s, f.scenarios)
				}
				if !hit {
					continue
				}
			}
			if sel.selected[f.path] == nil {
				sel.selected[f.path] = map[int64]bool{}
			}
			sel.selected[f.path][s.Line] = true
			sel.list = append(sel.list, s)
		}
	}
	return sel
}

// FS serves the features to godog as the run must see them: each file
// with the scenarios and example rows that are not selected turned into
// comment lines, so godog runs exactly the selection while every line
// number, and so every report's FILE:LINE, stays true. (godog's own tag
// filter knows only its older syntax and cannot pick an example row.)
func (sel *selection) FS(base fs.FS) fs.FS {
	files := map[string][]byte{}
	for _, f := range sel.files {
		files[f.path] = sel.render(f)
	}
	return selectionFS{base: base, files: files}
}

func (sel *selection) render(f *featureFile) []byte {
	lines := strings.SplitAfter(string(f.src), "\n")
	chosen := sel.selected[f.path]
	comment := func(from, to int64) {
		for n := from; n <= to && n <= int64(len(lines)); n++ {
			if n >= 1 && strings.TrimSpace(lines[n-1]) != "" {
				lines[n-1] = "#" + lines[n-1]
			}
		}
	}
	starts := nodeStarts(f.doc)
	for _, sc := range scenariosOf(f.doc) {
		start := sc.Location.Line
		for _, t := range sc.Tags {
			start = min(start, t.Location.Line)
		}
		end := int64(len(lines))
		for _, s := range starts {
			if s > sc.Location.Line && s-1 < end {
				end = s - 1
			}
		}
		keep := false
		if len(sc.Examples) == 0 {
			keep = chosen[sc.Location.Line]
		}
		for _, ex := range sc.Examples {
			for _, row := range ex.TableBody {
				if chosen[row.Location.Line] {
					keep = true
				} else {
					comment(row.Location.Line, row.Location.Line)
				}
			}
		}
		if !keep {
			comment(start, end)
		}
	}
	return []byte(strings.Join(lines, ""))
}

// nodeStarts lists the first line (tags included) of every scenario,
// background and rule: a scenario's text ends before the next one.
func nodeStarts(doc *messages.GherkinDocument) []int64 {
	var out []int64
	first := func(line int64, tags []*messages.Tag) int64 {
		for _, t := range tags {
			line = min(line, t.Location.Line)
		}
		return line
	}
	if doc.Feature == nil {
		return nil
	}
	for _, c := range doc.Feature.Children {
		switch {
		case c.Scenario != nil:
			out = append(out, first(c.Scenario.Location.Line, c.Scenario.Tags))
		case c.Background != nil:
			out = append(out, c.Background.Location.Line)
		case c.Rule != nil:
			out = append(out, first(c.Rule.Location.Line, c.Rule.Tags))
			for _, rc := range c.Rule.Children {
				if rc.Scenario != nil {
					out = append(out, first(rc.Scenario.Location.Line, rc.Scenario.Tags))
				}
				if rc.Background != nil {
					out = append(out, rc.Background.Location.Line)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// selectionFS serves rendered .feature files over base.
type selectionFS struct {
	base  fs.FS
	files map[string][]byte
}

func (s selectionFS) Open(name string) (fs.File, error) {
	if b, ok := s.files[name]; ok {
		f, err := s.base.Open(name)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		f.Close()
		if err != nil {
			return nil, err
		}
		return &memFile{Reader: bytes.NewReader(b), info: sizedInfo{st, int64(len(b))}}, nil
	}
	f, err := s.base.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil || !st.IsDir() {
		return f, err
	}
	// A directory lists what ReadDir lists: godog reads directories
	// through the file, and an overlay's file is only one side's.
	f.Close()
	es, err := fs.ReadDir(s.base, name)
	if err != nil {
		return nil, err
	}
	return &dirFile{info: st, entries: es}, nil
}

type dirFile struct {
	info    fs.FileInfo
	entries []fs.DirEntry
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Read([]byte) (int, error)   { return 0, io.EOF }
func (d *dirFile) Close() error               { return nil }
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if n <= 0 {
		es := d.entries
		d.entries = nil
		return es, nil
	}
	if len(d.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(d.entries))
	es := d.entries[:n]
	d.entries = d.entries[n:]
	return es, nil
}

func (s selectionFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(s.base, name) }

type memFile struct {
	*bytes.Reader
	info fs.FileInfo
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m.info, nil }
func (m *memFile) Close() error               { return nil }

var _ io.ReaderAt = (*memFile)(nil)

type sizedInfo struct {
	fs.FileInfo
	size int64
}

func (s sizedInfo) Size() int64        { return s.size }
func (s sizedInfo) ModTime() time.Time { return s.FileInfo.ModTime() }
