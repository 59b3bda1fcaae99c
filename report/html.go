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
	// Body is the diagram and the transcript, kept as inert text in a
	// <script type="text/x-report"> block and drawn when the scenario is
	// opened: a report of many scenarios opens as fast as one.
	Body template.HTML
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
		body, err := lazyBody(fmt.Sprintf("s%d-body", len(v.Scenarios)+1), sv)
		if err != nil {
			return nil, err
		}
		sv.Body = body
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

// lazyBody renders a scenario's diagram and transcript into an inert
// script block. Everything in it went through html/template or esc, so it
// holds no "<" but the markup's own, and never "</script".
func lazyBody(id string, sv scenarioView) (template.HTML, error) {
	var b bytes.Buffer
	if err := page.ExecuteTemplate(&b, "pair", sv); err != nil {
		return "", err
	}
	body := b.String()
	if strings.Contains(strings.ToLower(body), "</script") || strings.Contains(body, "<!--") {
		return "", fmt.Errorf("scenario %q: its diagram or transcript would end the block that holds it", sv.Name)
	}
	return template.HTML(`<script type="text/x-report" id="` + id + `">` + body + `</script>`), nil
}
