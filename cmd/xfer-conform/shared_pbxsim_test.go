package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/steps/bundle"
)

// Rule: xfer-conform --target URL passes every scenario on a fresh
// pbxsim, on one where the README's 60-second tour ran first (it leaves
// calls up for NS user 1000), and with two runs sharing one pbxsim at the
// same time; each scenario's tenant set is deleted when it ends.
// Source: issue 12, "Done when".
func TestURLTargetOnASharedPbxsim(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite four times")
	}
	srv, err := pbxsim.New(pbxsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	wholeSuite := func(t *testing.T) {
		t.Helper()
		// A modest concurrency: under -race on a small machine the timing
		// of the @faults scenarios (client deadlines against injected
		// latency) is what a high one would test, not the tenants.
		code, out, errOut := run(t, "--target", hs.URL, "--format", "progress", "--concurrency", "4")
		if code != ExitPass || !strings.Contains(out, "passed)") || strings.Contains(out, "failed") {
			t.Errorf("exit %d:\n%s\n%s", code, tail(out, 40), tail(errOut, 20))
		}
	}
	t.Run("fresh", wholeSuite)
	t.Run("after the README tour", func(t *testing.T) {
		for range 2 { // the tour, run twice: two calls up for user 1000
			var call struct{ ID string }
			postJSON(t, hs.URL+"/sim/v1/calls", `{"from":"+15555555555","to":"+11111111111"}`, &call)
			postJSON(t, hs.URL+"/sim/v1/calls/"+call.ID+"/legs/2/answer", "", nil)
		}
		wholeSuite(t)
	})
	t.Run("two runs at once", func(t *testing.T) {
		// Two processes, as two CI jobs would be (godog's formatter
		// registry is per process).
		bin := filepath.Join(t.TempDir(), "xfer-conform")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := exec.Command(bin, "--no-color", "--target", hs.URL, "--format", "progress", "--concurrency", "4").CombinedOutput()
				if err != nil || !strings.Contains(string(out), "passed)") || strings.Contains(string(out), "failed") {
					t.Errorf("run %d: %v\n%s", i, err, tail(string(out), 40))
				}
			}()
		}
		wg.Wait()
	})
	var sets struct{ Tenants []json.RawMessage }
	getJSON(t, hs.URL+"/sim/v1/tenants", &sets)
	if len(sets.Tenants) != 0 {
		t.Errorf("%d tenant sets left after the runs, want every one deleted", len(sets.Tenants))
	}
	if n := srv.Sim.ActiveCallCount(); n != 2 {
		t.Errorf("%d active calls after the runs, want only the tour's 2", n)
	}
}

// Rule: a concurrent run's JUnit report and results bundle match a
// --concurrency 1 run's, scenario for scenario (names, files, verdicts).
// Source: issue 12, "Done when".
func TestConcurrentRunReportsMatchASerialRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a selection twice")
	}
	selection := []string{"netsapiens", "simulator", "faults/netsapiens.feature"}
	report := func(concurrency string) (junit, entries []string) {
		dir := t.TempDir()
		args := append([]string{"--out", dir, "--format", "progress", "--concurrency", concurrency}, selection...)
		if code, out, errOut := run(t, args...); code != ExitPass {
			t.Fatalf("--concurrency %s: exit %d\n%s\n%s", concurrency, code, tail(out, 30), tail(errOut, 10))
		}
		j := parseJUnit(t, filepath.Join(dir, "junit.xml"))
		for _, s := range j.Suites {
			for _, c := range s.Cases {
				junit = append(junit, fmt.Sprintf("%s|%s|failure=%v|skipped=%v|error=%v", c.File, c.Name, c.Failure != nil, c.Skipped != nil, c.Error != nil))
			}
		}
		var index []bundle.Entry
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "scenarios", "index.json"))), &index); err != nil {
			t.Fatal(err)
		}
		for _, e := range index {
			var texts []string
			for _, s := range e.Steps {
				texts = append(texts, s.Text+"="+s.Status)
			}
			entries = append(entries, fmt.Sprintf("%s|%s|%s|%s|%s", e.Feature, e.Name, e.Status, e.Dir, strings.Join(texts, ";")))
		}
		sort.Strings(junit)
		sort.Strings(entries)
		return junit, entries
	}
	serialJ, serialB := report("1")
	concJ, concB := report("4")
	if len(serialJ) < 10 {
		t.Fatalf("the selection ran only %d scenarios", len(serialJ))
	}
	if strings.Join(serialJ, "\n") != strings.Join(concJ, "\n") {
		t.Errorf("junit differs:\nserial:\n%s\nconcurrent:\n%s", strings.Join(serialJ, "\n"), strings.Join(concJ, "\n"))
	}
	if strings.Join(serialB, "\n") != strings.Join(concB, "\n") {
		t.Errorf("bundle differs:\nserial:\n%s\nconcurrent:\n%s", strings.Join(serialB, "\n"), strings.Join(concB, "\n"))
	}
}

func postJSON(t *testing.T, url, body string, out any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("POST %s: %d", url, resp.StatusCode)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}

func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
