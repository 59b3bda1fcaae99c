package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"time"
)

//go:embed page.html.tmpl
var pageText string

//go:embed page.css
var pageCSS string

//go:embed page.js
var pageJS string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"duration": func(d time.Duration) string {
		if d < time.Second {
			return d.Round(time.Millisecond).String()
		}
		return d.Round(10 * time.Millisecond).String()
	},
	"anchor": func(i int) string { return fmt.Sprintf("s%d", i+1) },
	"join":   strings.Join,
}).Parse(pageText))

// view is what the page template shows.
type view struct {
	Title     string
	Generated string
	Counts    []count
	Total     time.Duration
	Scenarios []scenarioView
	CSS       template.CSS
	JS        template.JS
}

type count struct {
	Status string
	N      int
}

type scenarioView struct {
	Scenario
	Failed  *Step
	Diagram template.HTML
	Files   string
	Open    bool
}

// Render returns the report page for scenarios.
func Render(scenarios []Scenario, generated time.Time) ([]byte, error) {
	v := view{Title: "xfer-conform report", Generated: generated.UTC().Format(time.RFC3339), CSS: template.CSS(pageCSS), JS: template.JS(pageJS)}
	tally := map[string]int{}
	for _, s := range scenarios {
		tally[s.Status]++
		v.Total += s.Duration()
		sv := scenarioView{Scenario: s, Diagram: template.HTML(SVG(Sequence(s))), Files: filepath.ToSlash(s.Dir)}
		if st, ok := s.FailedStep(); ok {
			sv.Failed = &st
		}
		sv.Open = s.Status == "failed" || s.Status == "harness-error"
		v.Scenarios = append(v.Scenarios, sv)
	}
	for _, st := range []string{"passed", "failed", "harness-error", "skipped"} {
		if tally[st] > 0 {
			v.Counts = append(v.Counts, count{st, tally[st]})
		}
	}
	var b bytes.Buffer
	if err := page.Execute(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Write reads the bundle in dir and writes dir/index.html.
func Write(dir string) error {
	scenarios, err := Load(dir)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	b, err := Render(scenarios, time.Now())
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, "index.html"), b, 0o644)
}
