package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/xfer-conform/xfer-conform/steps/bundle"
)

// The two scenarios of features/simulator/control-api.feature: the
// cheapest run there is.
const (
	cheapFile  = "simulator/control-api.feature"
	cheapFirst = cheapFile + ":6"
	cheapTags  = "@simulator and not @ringcentral and not @netsapiens"
)

func writeFeature(t *testing.T, dir, name, text string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

const mineFeature = "@mine @simulator\nFeature: mine\n  Scenario: one call\n    Given \"+15555555555\" calls \"+11111111111\"\n    Then pbxsim lists 1 active call\n"

// Issue 17 item 1: "--out DIR always writes junit.xml and cucumber.json,
// whatever --format prints."
func TestOutWritesReportsWhateverTheFormat(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "--format", "progress", "--out", dir, cheapFirst)
	if code != ExitPass {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	j := parseJUnit(t, filepath.Join(dir, "junit.xml"))
	if j.Tests != 1 {
		t.Errorf("junit.xml has %d tests, want 1", j.Tests)
	}
	var features []map[string]any
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "cucumber.json"))), &features); err != nil || len(features) != 1 {
		t.Errorf("cucumber.json: %d features (%v)", len(features), err)
	}
}

// Issue 17 item 2: "--features adds to the built-in features unless a
// flag says only these"; --list shows exactly what the run runs.
func TestFeaturesAddToTheBuiltInsAndListMatchesTheRun(t *testing.T) {
	mine := t.TempDir()
	writeFeature(t, mine, "mine/one.feature", mineFeature)
	tags := "@mine or (" + cheapTags + ")"
	code, list, _ := run(t, "--features", mine, "--tags", tags, "--list")
	if code != ExitPass || !strings.HasSuffix(strings.TrimSpace(list), "4 scenarios") {
		t.Fatalf("--list exit %d:\n%s", code, list)
	}
	dir := t.TempDir()
	code, out, errOut := run(t, "--features", mine, "--tags", tags, "--format", "progress", "--out", dir)
	if code != ExitPass || !strings.Contains(out, "4 scenarios (4 passed)") {
		t.Fatalf("run exit %d:\n%s\n%s", code, out, errOut)
	}
	if j := parseJUnit(t, filepath.Join(dir, "junit.xml")); j.Tests != 4 {
		t.Errorf("the run reported %d scenarios, --list showed 4", j.Tests)
	}
	code, list, _ = run(t, "--features", mine, "--features-only", "--tags", tags, "--list")
	if code != ExitPass || !strings.HasPrefix(list, "mine/one.feature:3\t") || !strings.HasSuffix(strings.TrimSpace(list), "1 scenarios") {
		t.Errorf("--features-only exit %d:\n%s", code, list)
	}
}

// Issue 17 items 2 and 3: a run that selects no scenario exits 5,
// whatever the reason; a tag syntax error exits 2 and gives the column.
func TestSelectionErrors(t *testing.T) {
	empty := t.TempDir()
	writeFeature(t, empty, "x.feature", "Feature: nothing here\n")
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--tags", "@integration,"}, ExitUsage, "column 14: expected a tag"},
		{[]string{"--tags", "@ringcentral &&& ("}, ExitUsage, "column"},
		{[]string{"--tags", "@ringcentral and"}, ExitUsage, "column 17: expected a tag"},
		{[]string{"--tags", "(@a or @b"}, ExitUsage, "column 1: unmatched ("},
		{[]string{"--tags", "not simulator"}, ExitUsage, `column 5: "simulator" is not a tag`},
		{[]string{"--features", empty, "--features-only"}, ExitNoScenario, "no scenario matches"},
		{[]string{cheapFile + ":2"}, ExitNoScenario, "no scenario matches"},
		{[]string{"--tags", "@nothing"}, ExitNoScenario, "no scenario matches"},
		{[]string{"--features-only"}, ExitUsage, "needs --features"},
	} {
		code, _, errOut := run(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.says) {
			t.Errorf("%q: exit %d, stderr %q; want %d saying %q", c.args, code, errOut, c.code, c.says)
		}
	}
}

// Issue 17 "Tags": Cucumber tag expressions, and the older godog form the
// docs used select the same scenarios.
func TestTagExpressionsAndTheOlderForm(t *testing.T) {
	for _, pair := range [][2]string{
		{"@ringcentral && ~@faults", "@ringcentral and not @faults"},
		{"@netsapiens,@simulator && ~@faults", "(@netsapiens or @simulator) and not @faults"},
	} {
		_, older, _ := run(t, "--list", "--tags", pair[0])
		_, newer, _ := run(t, "--list", "--tags", pair[1])
		if older != newer || strings.HasPrefix(older, "0 scenarios") {
			t.Errorf("%q and %q select differently:\n%s\n---\n%s", pair[0], pair[1], older, newer)
		}
	}
}

// Issue 17 item 6: "xfer-conform features/x.feature:16 runs that one
// scenario", by the path --list prints or the repository's features/.
func TestFileLineRunsOneScenario(t *testing.T) {
	for _, arg := range []string{cheapFirst, "features/" + cheapFirst, "features/" + cheapFile + ":8"} {
		code, list, _ := run(t, "--list", arg)
		if code != ExitPass || !strings.HasPrefix(list, cheapFirst+"\t") || !strings.HasSuffix(strings.TrimSpace(list), "\n1 scenarios") {
			t.Errorf("--list %s: exit %d\n%s", arg, code, list)
		}
	}
	code, out, errOut := run(t, "features/"+cheapFirst)
	if code != ExitPass || !strings.Contains(out, "1 scenarios (1 passed)") {
		t.Errorf("exit %d:\n%s\n%s", code, out, errOut)
	}
}

// Issue 17 item 5: a scenario skipped in a Before hook counts as skipped,
// not passed, in the summary and in JUnit.
func TestSkippedScenariosCountAsSkipped(t *testing.T) {
	_, file, _ := tenantOnPbxsim(t, secretScenario())
	mine := t.TempDir()
	writeFeature(t, mine, "needs-control.feature", "@ringcentral @simulator\nFeature: needs the control API\n  Scenario: skipped on a tenant\n    Given \"+15555555555\" calls \"+11111111111\"\n    Then pbxsim lists 1 active call\n")
	dir := t.TempDir()
	code, out, errOut := runTenant(t, nil, "--target", "ringcentral", "--config", file, "--features", mine, "--features-only", "--out", dir)
	if code != ExitPass || !strings.Contains(out, "1 scenarios (1 skipped)") {
		t.Fatalf("exit %d, want the summary to count a skip:\n%s\n%s", code, out, errOut)
	}
	j := parseJUnit(t, filepath.Join(dir, "junit.xml"))
	if c := j.Suites[0].Cases[0]; c.Skipped == nil || !strings.Contains(c.Skipped.Message, "@simulator") {
		t.Errorf("JUnit does not say why it skipped: %+v", c)
	}
}

// Issue 17 item 7: JUnit carries timestamp, hostname, file and the
// transcript in system-out.
func TestJUnitAttributes(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := run(t, "--out", dir, cheapFirst); code != ExitPass {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	x := readFile(t, filepath.Join(dir, "junit.xml"))
	for _, want := range []string{`timestamp="20`, `hostname="`, `file="features/` + cheapFile + `"`, "<system-out>", "POST "} {
		if !strings.Contains(x, want) {
			t.Errorf("junit.xml lacks %s:\n%s", want, x)
		}
	}
}

// Issue 17 item 7: "A results directory reused by a second run keeps the
// old scenario folders": --out now clears an earlier run's results, and
// refuses results it did not mark unless --overwrite.
func TestOutReplacesAnEarlierRun(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := run(t, "--out", dir, cheapFile); code != ExitPass {
		t.Fatalf("first run: %s", errOut)
	}
	if code, _, errOut := run(t, "--out", dir, cheapFirst); code != ExitPass {
		t.Fatalf("second run: %s", errOut)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "scenarios"))
	if len(entries) != 2 { // one folder and index.json
		t.Errorf("scenarios/ after the second run holds %d entries, want 1 folder and index.json", len(entries))
	}
	foreign := t.TempDir()
	writeFeature(t, foreign, "junit.xml", "<mine/>")
	writeFeature(t, foreign, "notes.txt", "keep")
	if code, _, errOut := run(t, "--out", foreign, cheapFirst); code != ExitUsage || !strings.Contains(errOut, "--overwrite") {
		t.Errorf("a foreign junit.xml: exit %d %q, want a refusal naming --overwrite", code, errOut)
	}
	if code, _, errOut := run(t, "--out", foreign, "--overwrite", cheapFirst); code != ExitPass {
		t.Errorf("--overwrite: exit %d %s", code, errOut)
	}
	if readFile(t, filepath.Join(foreign, "notes.txt")) != "keep" {
		t.Error("--out removed a file it did not write")
	}
}

// Issue 17 item 6: help to stdout with exit 0, --version, GNU-style
// flags, no colour codes when the output is no terminal.
func TestCommandLineConventions(t *testing.T) {
	var out, errOut bytes.Buffer
	code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), []string{"-h"})
	if code != ExitPass || !strings.Contains(out.String(), "--target") || !strings.Contains(out.String(), "-t, --tags") || errOut.Len() > 0 {
		t.Errorf("-h: exit %d stdout %q stderr %q", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), []string{"--version"}); code != ExitPass || !strings.HasPrefix(out.String(), "xfer-conform ") {
		t.Errorf("--version: exit %d %q", code, out.String())
	}
	out.Reset()
	if code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), []string{cheapFirst}); code != ExitPass || strings.Contains(out.String(), "\x1b[") {
		t.Errorf("output to a non-terminal carries colour codes (exit %d):\n%q", code, out.String())
	}
}

// Issue 17 "Signals": on the first signal no new scenario starts and the
// running one finishes; reports leave the unstarted ones skipped, and the
// run exits 130. One at a time (--concurrency 1), so exactly one runs when
// the signal comes.
func TestFirstSignalFinishesTheRunningScenario(t *testing.T) {
	dir := t.TempDir()
	sigs := make(chan os.Signal, 2)
	var out, errOut bytes.Buffer
	var once sync.Once
	m := &Main{Stdout: &out, Stderr: &errOut, Signals: sigs}
	m.onScenarioStart = func(_ string, in *interrupt) {
		once.Do(func() { sigs <- syscall.SIGINT; <-in.stopped })
	}
	code := m.Run(context.Background(), []string{"--out", dir, "--concurrency", "1", cheapFile})
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, ExitInterrupted, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "3 scenarios (1 passed, 2 skipped)") {
		t.Errorf("summary:\n%s", out.String())
	}
	j := parseJUnit(t, filepath.Join(dir, "junit.xml"))
	cs := j.Suites[0].Cases
	if j.Failures+j.Errors != 0 || cs[0].Skipped != nil || cs[1].Skipped == nil || !strings.Contains(cs[1].Skipped.Message, "not started") {
		t.Errorf("junit.xml: %+v", j)
	}
	var index []bundle.Entry
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "scenarios", "index.json"))), &index); err != nil || len(index) != 1 || index[0].Status != "passed" {
		t.Errorf("the bundle should hold only the scenario that ran: %+v (%v)", index, err)
	}
}

// Issue 17 "Signals": a second signal aborts the running scenario, which
// is reported interrupted (not failed), and the run exits 130.
func TestSecondSignalAbortsAndMarksInterrupted(t *testing.T) {
	dir := t.TempDir()
	sigs := make(chan os.Signal, 2)
	var out, errOut bytes.Buffer
	var once sync.Once
	m := &Main{Stdout: &out, Stderr: &errOut, Signals: sigs}
	m.onScenarioStart = func(_ string, in *interrupt) {
		once.Do(func() { sigs <- syscall.SIGINT; sigs <- syscall.SIGTERM; <-in.aborted })
	}
	code := m.Run(context.Background(), []string{"--out", dir, cheapFirst})
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, ExitInterrupted, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "1 scenarios (1 interrupted)") {
		t.Errorf("summary:\n%s", out.String())
	}
	j := parseJUnit(t, filepath.Join(dir, "junit.xml"))
	c := j.Suites[0].Cases[0]
	if j.Failures != 0 || c.Skipped == nil || !strings.HasPrefix(c.Skipped.Message, "interrupted") {
		t.Errorf("junit.xml: %+v", j)
	}
}

// Issue 17 item 6: "The faults: seed N lines go to stderr without the
// scenario's name": a reader of a concurrent run's stderr must know whose
// seed it is.
func TestFaultSeedLineNamesTheScenario(t *testing.T) {
	code, out, errOut := run(t, "--format", "progress", "faults/netsapiens-webhooks.feature:24")
	if code != ExitPass {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !regexp.MustCompile(`(?m)^faults: seed \d+: Every post is slow$`).MatchString(errOut) {
		t.Errorf("stderr does not name the scenario beside its seed:\n%s", errOut)
	}
}
