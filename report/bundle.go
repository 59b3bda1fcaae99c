package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
)

// Entry is one scenario of scenarios/index.json (written by steps.Bundle).
type Entry struct {
	Feature    string    `json:"feature,omitempty"`
	Name       string    `json:"name"`
	Status     string    `json:"status"`
	Error      string    `json:"error,omitempty"`
	Dir        string    `json:"dir"`
	Tags       []string  `json:"tags,omitempty"`
	Started    time.Time `json:"started,omitzero"`
	DurationMS int64     `json:"durationMs"`
	Steps      []Step    `json:"steps,omitempty"`
}

// Step is a scenario step as it ran.
type Step struct {
	Text   string    `json:"text"`
	Status string    `json:"status"`
	Error  string    `json:"error,omitempty"`
	Ended  time.Time `json:"ended,omitzero"`
}

// Notification is what a reference client received (notifications.json).
type Notification struct {
	Time      time.Time `json:"time,omitzero"`
	Transport string    `json:"transport"`
	To        string    `json:"to"`
	Call      string    `json:"call,omitempty"`
	Summary   string    `json:"summary"`
}

// Scenario is one scenario with what its folder holds.
type Scenario struct {
	Entry
	Journal       []control.JournalEntry
	Events        []control.Event
	Notifications []Notification
	Transcript    string
	// Problems lists the files that could not be read.
	Problems []string
}

// Headline is the first line of the scenario's error.
func (s Scenario) Headline() string {
	h, _, _ := strings.Cut(strings.TrimSpace(s.Error), "\n")
	return h
}

// FailedStep returns the step that failed, if one did.
func (s Scenario) FailedStep() (Step, bool) {
	for _, st := range s.Steps {
		if st.Status == "failed" || st.Status == "undefined" || st.Status == "ambiguous" {
			return st, true
		}
	}
	return Step{}, false
}

// Duration is the scenario's run time.
func (s Scenario) Duration() time.Duration { return time.Duration(s.DurationMS) * time.Millisecond }

// maxFile bounds each file read from a bundle.
const maxFile = 32 << 20

// Load reads a results bundle written to dir.
func Load(dir string) ([]Scenario, error) {
	var index []Entry
	if err := readJSON(filepath.Join(dir, "scenarios", "index.json"), &index); err != nil {
		return nil, err
	}
	out := make([]Scenario, 0, len(index))
	for _, e := range index {
		s := Scenario{Entry: e}
		if !filepath.IsLocal(e.Dir) {
			s.Problems = append(s.Problems, fmt.Sprintf("the scenario folder %q is outside the bundle", e.Dir))
			out = append(out, s)
			continue
		}
		sd := filepath.Join(dir, e.Dir)
		for name, v := range map[string]any{"journal.json": &s.Journal, "events.json": &s.Events, "notifications.json": &s.Notifications} {
			if err := readJSON(filepath.Join(sd, name), v); err != nil && !errors.Is(err, fs.ErrNotExist) {
				s.Problems = append(s.Problems, err.Error())
			}
		}
		if b, err := readFile(filepath.Join(sd, "transcript.txt")); err == nil {
			s.Transcript = string(b)
		} else if !errors.Is(err, fs.ErrNotExist) {
			s.Problems = append(s.Problems, err.Error())
		}
		out = append(out, s)
	}
	return out, nil
}

func readFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxFile {
		return nil, fmt.Errorf("%s: %d bytes, more than the report reads (%d)", path, fi.Size(), maxFile)
	}
	return os.ReadFile(path)
}

func readJSON(path string, v any) error {
	b, err := readFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
