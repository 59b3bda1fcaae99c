package browser

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/report"
)

// Rule: every --out bundle gets index.html, and scenarios/index.json
// carries what the report lists: tags, duration, and each step's status
// with the failing step and its error; notifications.json holds what the
// reference clients received. Needs no browser.
// Source: issue 14 item 2.
func TestBundleFeedsTheReport(t *testing.T) {
	dir := runFeature(t, "testdata/bridge-too-early.feature")
	var index []report.Entry
	b, err := os.ReadFile(filepath.Join(dir, "scenarios", "index.json"))
	must(t, err)
	must(t, json.Unmarshal(b, &index))
	if len(index) != 2 {
		t.Fatalf("index.json has %d scenarios", len(index))
	}
	var failed report.Entry
	for _, e := range index {
		if e.Status == "failed" {
			failed = e
		}
		if strings.Join(e.Tags, " ") != "@ringcentral" || e.Started.IsZero() || len(e.Steps) == 0 {
			t.Errorf("%s: tags %v, started %v, %d steps", e.Name, e.Tags, e.Started, len(e.Steps))
		}
	}
	var statuses []string
	for _, st := range failed.Steps {
		statuses = append(statuses, st.Status)
	}
	if got := strings.Join(statuses, ","); got != "passed,passed,passed,passed,passed,passed,passed,failed,not run" {
		t.Errorf("the failing scenario's steps: %s", got)
	}
	if st := failed.Steps[7]; st.Text != failingStep || !strings.Contains(st.Error, "HTTP 409, want 403") {
		t.Errorf("failing step %+v", st)
	}
	var notes []report.Notification
	b, err = os.ReadFile(filepath.Join(dir, failed.Dir, "notifications.json"))
	must(t, err)
	must(t, json.Unmarshal(b, &notes))
	if len(notes) == 0 || notes[0].Transport != "websocket" || notes[0].Time.IsZero() {
		t.Errorf("notifications.json: %+v", notes)
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	must(t, err)
	if !strings.Contains(string(page), `<strong class="failing-step">`+html.EscapeString(failingStep)+`</strong>`) {
		t.Errorf("index.html does not name the failing step")
	}
}
