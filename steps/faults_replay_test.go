package steps_test

import (
	"context"
	"fmt"
	"io/fs"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/features"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/target/embedded"
)

// replayRecord is what one run of a faults scenario did, in the terms that
// must not change between runs with the same seed.
type replayRecord struct {
	Requests []string // vendor requests that change state, and every faulted one
	Events   []string // the core's call events
	Faults   []string // what fired: rule, n-th match, subject, effect
}

// Polled reads (GET calls until a change shows) are left out of Requests:
// how many a client makes follows the wall clock, not the seed. Requests
// a fault answered are kept whatever their method.
func recordRun(ctx context.Context, ctl *control.Client) (replayRecord, error) {
	var r replayRecord
	journal, err := ctl.Journal(ctx, control.JournalFilter{})
	if err != nil {
		return r, err
	}
	for _, j := range journal {
		if j.Method == "GET" && !strings.Contains(j.Note, "(injected)") {
			continue
		}
		r.Requests = append(r.Requests, fmt.Sprintf("%s %s -> %d %s", j.Method, j.Path, j.Status, j.Note))
	}
	events, err := ctl.Events(ctx, 0)
	if err != nil {
		return r, err
	}
	for _, e := range events {
		r.Events = append(r.Events, fmt.Sprintf("%s#%d %s leg %s %s/%s", e.CallID, e.CallSeq, e.Cause, e.Leg.ID, e.Leg.State, e.Leg.Reason))
	}
	log, err := ctl.FaultLog(ctx, 0)
	if err != nil {
		return r, err
	}
	for _, o := range log {
		r.Faults = append(r.Faults, fmt.Sprintf("%s#%d %s %s", o.Rule, o.Match, o.Subject, o.Effect))
	}
	ids := map[string]string{}
	for _, part := range [][]string{r.Requests, r.Events, r.Faults} {
		for i := range part {
			part[i] = clockIDs.ReplaceAllStringFunc(part[i], func(id string) string {
				if ids[id] == "" {
					ids[id] = fmt.Sprintf("<time-id %d>", len(ids)+1)
				}
				return ids[id]
			})
		}
	}
	return r, nil
}

// clockIDs matches IDs that begin with the simulator clock's time
// (NetSapiens call-session-ids and term call-ids, yyyymmddhhmmss...): the
// embedded pbxsim runs on the real clock, so they are renamed by order of
// first appearance before two runs are compared.
var clockIDs = regexp.MustCompile(`\b20\d{15,}\b`)

// runScenario runs one scenario of features/faults and records it.
func runScenario(t *testing.T, path string) replayRecord {
	t.Helper()
	var rec replayRecord
	var recErr error
	ran := 0
	cfg := steps.Config{
		NewTarget:   embedded.New(nil),
		StepTimeout: 10 * time.Second,
		OnScenarioEnd: func(name string, w *steps.World, err error) {
			ran++
			if err != nil {
				recErr = fmt.Errorf("scenario %q failed: %w", name, err)
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			rec, recErr = recordRun(ctx, w.Ctl)
		},
	}
	suite := godog.TestSuite{
		Name:                "faults-replay",
		ScenarioInitializer: steps.Initializer(cfg),
		Options:             &godog.Options{Format: "progress", Output: nilWriter{}, FS: features.FS, Paths: []string{path}, Strict: true},
	}
	if code := suite.Run(); code != 0 || recErr != nil || ran != 1 {
		t.Fatalf("running %s: godog exit %d, %d scenario(s), %v", path, code, ran, recErr)
	}
	return rec
}

// scenarioPath is file:line of the scenario whose name starts with name.
func scenarioPath(t *testing.T, file, name string) string {
	t.Helper()
	b, err := fs.ReadFile(features.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "Scenario: "+name) {
			return fmt.Sprintf("%s:%d", file, i+1)
		}
	}
	t.Fatalf("%s has no scenario %q", file, name)
	return ""
}

type nilWriter struct{}

func (nilWriter) Write(p []byte) (int, error) { return len(p), nil }

// Issue 6, done when: "a rerun with the same seed reproduces the same
// requests and events". Each scenario sets its seed (PUT
// /sim/v1/faults/seed) and installs its rules; run twice, it must send the
// same state-changing requests, get the same answers and notes, fire the
// same faults on the same matches, and leave the same call events.
func TestFaultScenarioReplaysWithItsSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two transfers per scenario")
	}
	for _, sc := range []struct{ file, name string }{
		{"faults/ringcentral-http.feature", "A 503 on the bridge"},
		{"faults/netsapiens.feature", "The transfer's connection drops"},
	} {
		path := scenarioPath(t, sc.file, sc.name)
		t.Run(path, func(t *testing.T) {
			first := runScenario(t, path)
			second := runScenario(t, path)
			if len(first.Faults) == 0 || len(first.Requests) == 0 || len(first.Events) == 0 {
				t.Fatalf("the scenario recorded nothing to compare: %+v", first)
			}
			for _, part := range []struct {
				name string
				a, b []string
			}{{"requests", first.Requests, second.Requests}, {"events", first.Events, second.Events}, {"faults", first.Faults, second.Faults}} {
				if !reflect.DeepEqual(part.a, part.b) {
					t.Errorf("same seed, different %s:\nfirst:\n  %s\nsecond:\n  %s", part.name, strings.Join(part.a, "\n  "), strings.Join(part.b, "\n  "))
				}
			}
		})
	}
}
