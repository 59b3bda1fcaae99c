package bundle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/report"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/judge"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// Bundle writes a results bundle: for every scenario a folder
// DIR/scenarios/<slug>/ with transcript.txt (the harness's HTTP requests
// and observations, the WebSocket notifications and webhooks the clients
// received, and pbxsim's journal of every vendor-API request), events.json
// (pbxsim's event log), journal.json and notifications.json (what the
// reference clients received); DIR/scenarios/index.json; and DIR/index.html,
// the HTML report (package report). Its
// Start and End go into Config.OnScenarioStart and OnScenarioEnd.
// Secrets are masked in everything it writes.
type Bundle struct {
	Dir string

	mu      sync.Mutex
	started map[*steps.World]mark
	used    map[string]int
	index   []Entry
}

// Entry is one scenario in index.json.
type Entry struct {
	Feature string `json:"feature,omitempty"`
	Name    string `json:"name"`
	Status  string `json:"status"` // passed, failed, harness-error, skipped, interrupted
	Error   string `json:"error,omitempty"`
	Dir     string `json:"dir"`
	// Tags, Started, DurationMS and Steps feed the HTML report (index.html).
	Tags       []string           `json:"tags,omitempty"`
	Started    time.Time          `json:"started,omitzero"`
	DurationMS int64              `json:"durationMs"`
	Steps      []steps.StepRecord `json:"steps,omitempty"`
}

type mark struct {
	uri, name      string
	journal, event uint64
	at             time.Time
	tags, steps    []string
}

// New returns a bundle writing under dir.
func New(dir string) *Bundle {
	return &Bundle{Dir: dir, started: map[*steps.World]mark{}, used: map[string]int{}}
}

// Start remembers where pbxsim's journal and event log stand, so a pbxsim
// shared by several scenarios gives each only its own.
func (b *Bundle) Start(s *godog.Scenario, w *steps.World) {
	m := mark{uri: s.Uri, name: s.Name, at: time.Now()}
	for _, t := range s.Tags {
		m.tags = append(m.tags, t.Name)
	}
	for _, st := range s.Steps {
		m.steps = append(m.steps, st.Text)
	}
	if w.Ctl != nil {
		ctx, cancel := context.WithTimeout(steps.Quietly(w.Context()), 5*time.Second)
		if js, err := w.Ctl.Journal(ctx, control.JournalFilter{}); err == nil {
			for _, j := range js {
				m.journal = max(m.journal, j.Seq)
			}
		}
		if evs, err := w.Ctl.Events(ctx, 0); err == nil {
			for _, e := range evs {
				m.event = max(m.event, e.Seq)
			}
		}
		cancel()
	}
	b.mu.Lock()
	b.started[w] = m
	b.mu.Unlock()
}

// End writes the scenario's folder. Writing errors are reported on the
// transcript's reader's behalf in index.json, never fail the scenario.
func (b *Bundle) End(name string, w *steps.World, err error) {
	b.mu.Lock()
	m, ok := b.started[w]
	delete(b.started, w)
	if !ok {
		m = mark{name: name}
	}
	slug := slugify(strings.TrimSuffix(filepath.Base(m.uri), ".feature") + "--" + name)
	b.used[slug]++
	if n := b.used[slug]; n > 1 {
		slug = fmt.Sprintf("%s-%d", slug, n)
	}
	b.mu.Unlock()

	dir := filepath.Join(b.Dir, "scenarios", slug)
	entry := Entry{Feature: m.uri, Name: name, Status: scenarioStatus(w, err), Dir: filepath.Join("scenarios", slug),
		Tags: m.tags, Started: m.at, Steps: stepsOf(m.steps, w.StepsRun())}
	if !m.at.IsZero() {
		entry.DurationMS = time.Since(m.at).Milliseconds()
	}
	if err != nil {
		entry.Error = target.Redact(err.Error())
	}
	if werr := b.write(dir, m, w, entry); werr != nil {
		entry.Error = strings.TrimSpace(entry.Error + "\n(results bundle: " + werr.Error() + ")")
	}
	b.mu.Lock()
	b.index = append(b.index, entry)
	b.mu.Unlock()
}

// Close writes index.json and the HTML report, index.html.
func (b *Bundle) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	sort.SliceStable(b.index, func(i, j int) bool { return b.index[i].Dir < b.index[j].Dir })
	if err := writeJSONFile(filepath.Join(b.Dir, "scenarios", "index.json"), b.index); err != nil {
		return err
	}
	return report.Write(b.Dir)
}

func scenarioStatus(w *steps.World, err error) string {
	switch {
	case errors.Is(err, steps.ErrInterrupted):
		return "interrupted"
	case errors.Is(err, target.ErrHarness):
		return "harness-error"
	case err != nil && errors.Is(err, godog.ErrSkip):
		return "skipped"
	case err != nil:
		return "failed"
	case w.SkipReason != "":
		return "skipped"
	}
	return "passed"
}

func (b *Bundle) write(dir string, m mark, w *steps.World, entry Entry) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var journal []control.JournalEntry
	var events []control.Event
	var readErr []string
	if w.Ctl != nil {
		ctx, cancel := context.WithTimeout(steps.Quietly(context.Background()), 10*time.Second)
		defer cancel()
		js, err := w.Ctl.Journal(ctx, control.JournalFilter{After: m.journal})
		if err != nil {
			readErr = append(readErr, "journal: "+err.Error())
		}
		for _, j := range js {
			j.Query, j.Body, j.Response, j.Note = target.Redact(j.Query), target.Redact(j.Body), target.Redact(j.Response), target.Redact(j.Note)
			journal = append(journal, j)
		}
		if events, err = w.Ctl.Events(ctx, m.event); err != nil {
			readErr = append(readErr, "events: "+err.Error())
		}
	}
	if journal == nil {
		journal = []control.JournalEntry{}
	}
	if events == nil {
		events = []control.Event{}
	}
	logs := w.Notifications()
	var t strings.Builder
	fmt.Fprintf(&t, "scenario: %s\nfeature:  %s\nstatus:   %s\nstarted:  %s\n", entry.Name, entry.Feature, entry.Status, m.at.Format(time.RFC3339))
	if entry.Error != "" {
		fmt.Fprintf(&t, "error:\n  %s\n", strings.ReplaceAll(entry.Error, "\n", "\n  "))
	}
	if w.SkipReason != "" {
		fmt.Fprintf(&t, "skipped:  %s\n", target.Redact(w.SkipReason))
	}
	t.WriteString("\n== harness: HTTP requests and observations\n")
	for _, l := range w.Trace.Lines() {
		t.WriteString(l + "\n")
	}
	writeNotifications(&t, logs)
	t.WriteString("\n== pbxsim journal: every vendor-API request it served (the integration's included)\n")
	if w.Ctl == nil {
		t.WriteString("(no control API on this target)\n")
	}
	for _, j := range journal {
		t.WriteString(judge.DescribeEntry(j) + "\n")
	}
	for _, e := range readErr {
		fmt.Fprintf(&t, "(could not read pbxsim's %s)\n", target.Redact(e))
	}
	if err := os.WriteFile(filepath.Join(dir, "transcript.txt"), []byte(t.String()), 0o644); err != nil {
		return err
	}
	if err := writeJSONFile(filepath.Join(dir, "journal.json"), journal); err != nil {
		return err
	}
	if err := writeJSONFile(filepath.Join(dir, "notifications.json"), notifications(logs)); err != nil {
		return err
	}
	return writeJSONFile(filepath.Join(dir, "events.json"), events)
}

// writeNotifications adds what the reference clients received: RingCentral
// telephony-session notifications over WebSocket and NetSapiens webhooks.
func writeNotifications(t *strings.Builder, logs []steps.NotificationLog) {
	for _, l := range logs {
		fmt.Fprintf(t, "\n== %s\n", l.Heading)
		for _, line := range l.Lines {
			t.WriteString(line + "\n")
		}
	}
}

var slugChars = regexp.MustCompile(`[^a-z0-9]+`)

func slugify(s string) string {
	s = strings.Trim(slugChars.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 120 {
		s = strings.TrimRight(s[:120], "-")
	}
	if s == "" {
		s = "scenario"
	}
	return s
}

// notifications flattens the logs for notifications.json.
func notifications(logs []steps.NotificationLog) []steps.Notification {
	out := []steps.Notification{}
	for _, l := range logs {
		out = append(out, l.Entries...)
	}
	return out
}

func writeJSONFile(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// stepsOf lines up a scenario's steps with the ones that ran; the rest
// did not run.
func stepsOf(texts []string, ran []steps.StepRecord) []steps.StepRecord {
	out := append([]steps.StepRecord(nil), ran...)
	for i := len(ran); i < len(texts); i++ {
		out = append(out, steps.StepRecord{Text: texts[i], Status: "not run"})
	}
	return out
}
