package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/formatters"
)

// outMarker is the file --out leaves in its directory: a later run may
// replace what a run marked as its own, and nothing else.
const outMarker = ".xfer-conform-results"

// outEntries are what a run writes into --out DIR.
var outEntries = []string{"junit.xml", "cucumber.json", "scenarios", outMarker}

// prepareOut makes dir ready for this run's results: an earlier run's
// junit.xml, cucumber.json and scenarios/ are removed (a scenario folder
// left from before would pass for this run's). Results that no run marked
// as its own are replaced only with overwrite; other files stay.
func prepareOut(dir string, overwrite bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--out: %v", err)
	}
	_, err := os.Stat(filepath.Join(dir, outMarker))
	marked := err == nil
	var found []string
	for _, e := range outEntries {
		if _, err := os.Lstat(filepath.Join(dir, e)); err == nil {
			found = append(found, e)
		}
	}
	if len(found) > 0 && !marked && !overwrite {
		return fmt.Errorf("--out %s already holds %s that no xfer-conform run marked as its own; pass --overwrite to replace them, or choose an empty directory", dir, strings.Join(found, ", "))
	}
	for _, e := range found {
		if err := os.RemoveAll(filepath.Join(dir, e)); err != nil {
			return fmt.Errorf("--out: clearing the earlier run's results: %v", err)
		}
	}
	note := "Results of an xfer-conform run. The next run with --out here replaces\njunit.xml, cucumber.json and scenarios/; other files stay.\n"
	return os.WriteFile(filepath.Join(dir, outMarker), []byte(note), 0o644)
}

// runFormats are the formatters of one run, registered with godog under
// names of their own: godog builds formatters by name from (suite, out),
// and these need the run's tally and feature paths.
type runFormats struct {
	tally   *tally
	file    func(uri string) string
	aborted func() bool
	names   map[string]string // pretty, progress, junit -> registered name

	mu    sync.Mutex
	skips map[string]string // pickle id -> why it was skipped
}

// skipped records why a scenario was skipped (steps.Config.OnSkip).
func (r *runFormats) skipped(id, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.skips[id]; !ok {
		r.skips[id] = reason
	}
}

func (r *runFormats) skipReason(id string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.skips[id]
}

var formatRuns atomic.Int64

func newRunFormats(file func(string) string, aborted func() bool) *runFormats {
	r := &runFormats{tally: newTally(aborted), file: file, aborted: aborted, names: map[string]string{}, skips: map[string]string{}}
	n := formatRuns.Add(1)
	for _, name := range []string{"pretty", "progress"} {
		name := name
		reg := fmt.Sprintf("xfer-%s.%d", name, n)
		godog.Format(reg, "godog's "+name+" with scenario counts as Cucumber counts them", func(suite string, out io.Writer) formatters.Formatter {
			return newSummarized(name, suite, out, r.tally)
		})
		r.names[name] = reg
	}
	reg := fmt.Sprintf("xfer-junit.%d", n)
	godog.Format(reg, "JUnit XML: assertion failures as <failure>, harness errors as <error>", func(suite string, out io.Writer) formatters.Formatter {
		j := newJUnitWriter(suite, out, r.file, r.aborted)
		j.skipReason = r.skipReason
		return j
	})
	r.names["junit"] = reg
	r.names["cucumber"] = "cucumber"
	return r
}

// godogFormat turns --format and --out into godog's format string. With
// --out DIR, DIR/junit.xml and DIR/cucumber.json are always written,
// whatever --format prints; a junit or cucumber format without a FILE
// then means those files.
func (r *runFormats) godogFormat(format, out string) (string, error) {
	if format == "" {
		format = "pretty"
	}
	byOut := map[string]string{"junit": "junit.xml", "cucumber": "cucumber.json"}
	var parts []string
	toStdout := 0
	wrote := map[string]bool{}
	for _, f := range strings.Split(format, ",") {
		name, file, hasFile := strings.Cut(strings.TrimSpace(f), ":")
		reg, ok := r.names[name]
		if !ok {
			return "", fmt.Errorf("unknown format %q (want pretty, progress, junit or cucumber)", name)
		}
		if !hasFile && out != "" && byOut[name] != "" {
			file, hasFile = filepath.Join(out, byOut[name]), true
		}
		if hasFile {
			if file == "" {
				return "", fmt.Errorf("format %s: empty file name", name)
			}
			if dir := filepath.Dir(file); dir != "." {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return "", err
				}
			}
			wrote[filepath.Clean(file)] = true
			parts = append(parts, reg+":"+file)
			continue
		}
		toStdout++
		parts = append(parts, reg)
	}
	if toStdout > 1 {
		return "", fmt.Errorf("only one format may write to the terminal; give the others a file, e.g. junit:report.xml")
	}
	if out != "" {
		for _, name := range []string{"junit", "cucumber"} {
			if file := filepath.Join(out, byOut[name]); !wrote[filepath.Clean(file)] {
				parts = append(parts, r.names[name]+":"+file)
			}
		}
	}
	return strings.Join(parts, ","), nil
}

// featurePath says where a reader finds a feature of the run: in the
// --features directory, or in this repository's features/.
func featurePath(dir string, only bool) func(uri string) string {
	return func(uri string) string {
		if dir != "" {
			if _, err := fs.Stat(os.DirFS(dir), uri); err == nil || only {
				return filepath.Join(dir, uri)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return filepath.Join(dir, uri)
			}
		}
		return filepath.Join("features", uri)
	}
}
