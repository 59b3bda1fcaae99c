package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), append([]string{"--no-colors"}, args...))
	return code, out.String(), errOut.String()
}

// docs/ci.md: exit 0 when every selected scenario passes, and --out writes
// JUnit XML and Cucumber JSON beside the terminal output.
func TestPassingRunWritesReports(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "--tags", "@simulator && ~@ringcentral && ~@netsapiens", "--out", dir)
	if code != ExitPass {
		t.Fatalf("exit %d; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "3 scenarios (3 passed)") {
		t.Fatalf("stdout does not report 3 passed scenarios:\n%s", out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(b, &suites); err != nil || suites.Tests != 3 || suites.Failures != 0 {
		t.Fatalf("junit.xml = %+v (%v):\n%s", suites, err, b)
	}
	b, err = os.ReadFile(filepath.Join(dir, "cucumber.json"))
	if err != nil {
		t.Fatal(err)
	}
	var features []map[string]any
	if err := json.Unmarshal(b, &features); err != nil || len(features) != 1 {
		t.Fatalf("cucumber.json has %d features (%v)", len(features), err)
	}
}

// A conformance failure exits 1 and names the failing step.
func TestFailingFeatureExits1(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "mine"), 0o755); err != nil {
		t.Fatal(err)
	}
	feature := "@mine @simulator\nFeature: mine\n  Scenario: two calls where there is one\n    Given \"+15555555555\" calls \"+11111111111\"\n    Then pbxsim lists 2 active calls\n"
	if err := os.WriteFile(filepath.Join(dir, "mine", "x.feature"), []byte(feature), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "--features", dir, "--tags", "@mine")
	if code != ExitFailed {
		t.Fatalf("exit %d, want %d:\n%s", code, ExitFailed, out)
	}
	if !strings.Contains(out, "expected 2 active calls, pbxsim lists 1") {
		t.Fatalf("output does not say what was expected and seen:\n%s", out)
	}
}

// Usage errors exit 2; an empty selection exits 5; an unreachable target 4.
func TestExitCodes(t *testing.T) {
	cases := []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--vendor", "avaya"}, ExitUsage, "--vendor must be"},
		{[]string{"--format", "html"}, ExitUsage, "unknown format"},
		{[]string{"--format", "pretty,progress"}, ExitUsage, "only one format"},
		{[]string{"--features", "/does/not/exist"}, ExitUsage, "--features"},
		{[]string{"--target", "ftp://x"}, ExitUsage, "--target must be"},
		{[]string{"--concurrency", "-1"}, ExitUsage, "must not be negative"},
		{[]string{"stray"}, ExitUsage, "no feature file or directory \"stray\""},
		{[]string{"--tags", "@no-such-tag"}, ExitNoScenario, "no scenario matches"},
		{[]string{"--target", "http://127.0.0.1:1"}, ExitUnreachable, "unreachable"},
	}
	for _, c := range cases {
		code, _, errOut := run(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.says) {
			t.Errorf("%v: exit %d stderr %q; want %d saying %q", c.args, code, errOut, c.code, c.says)
		}
	}
}

// --list prints the selected scenarios with their tags and runs nothing.
func TestList(t *testing.T) {
	code, out, _ := run(t, "--list", "--vendor", "netsapiens")
	if code != ExitPass {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasSuffix(lines[len(lines)-1], " scenarios") || len(lines) < 3 {
		t.Fatalf("list:\n%s", out)
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.Contains(l, "@netsapiens") || !(strings.HasPrefix(l, "netsapiens/") || strings.HasPrefix(l, "integration/netsapiens-") || strings.HasPrefix(l, "faults/netsapiens")) {
			t.Errorf("--vendor netsapiens listed %q", l)
		}
	}
	if code, _, _ := run(t, "--list", "--tags", "@nothing"); code != ExitNoScenario {
		t.Errorf("empty list exit %d, want %d", code, ExitNoScenario)
	}
}

// The same features run against a pbxsim given by URL.
func TestURLTarget(t *testing.T) {
	srv, err := pbxsim.New(pbxsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	code, out, errOut := run(t, "--target", hs.URL, "--tags", "@simulator && ~@ringcentral && ~@netsapiens", "--format", "progress")
	if code != ExitPass {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
	}
}
