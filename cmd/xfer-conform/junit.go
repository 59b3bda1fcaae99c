package main

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/formatters"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/xfer-conform/xfer-conform/steps"
)

// junitFormat is the godog name of xfer-conform's JUnit writer; --format
// junit selects it. Unlike godog's own, it keeps assertion failures
// (<failure type="assertion">: the PBX or the integration did the wrong
// thing) apart from harness errors (<error type="harness">: the target did
// not start or answer, the integration command was not found or crashed),
// so CI can tell "your code is wrong" from "the run is broken".
const junitFormat = "xfer-junit"

func init() {
	godog.Format(junitFormat, "JUnit XML: assertion failures as <failure>, harness errors as <error>", func(suite string, out io.Writer) formatters.Formatter {
		return &junitWriter{suite: suite, out: out, features: map[string]string{}, cases: map[string]*junitCase{}}
	})
}

type junitWriter struct {
	suite string
	out   io.Writer

	mu       sync.Mutex
	started  time.Time
	features map[string]string // uri -> feature name
	order    []string          // pickle ids as they ran
	cases    map[string]*junitCase
}

type junitCase struct {
	uri, name     string
	start, end    time.Time
	status        string // passed, failed, error, skipped
	message, text string
	errType       string
}

func (j *junitWriter) TestRunStarted() {
	j.mu.Lock()
	j.started = time.Now()
	j.mu.Unlock()
}

func (j *junitWriter) Feature(doc *messages.GherkinDocument, uri string, _ []byte) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if doc != nil && doc.Feature != nil {
		j.features[uri] = doc.Feature.Name
	}
}

func (j *junitWriter) Pickle(p *messages.Pickle) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := time.Now()
	j.cases[p.Id] = &junitCase{uri: p.Uri, name: p.Name, start: now, end: now, status: "passed"}
	j.order = append(j.order, p.Id)
}

func (j *junitWriter) Defined(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition) {}

// step records a step's outcome; the first failure or error of a
// scenario is the one reported.
func (j *junitWriter) step(p *messages.Pickle, st *messages.PickleStep, status, errType string, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := j.cases[p.Id]
	if c == nil {
		return
	}
	c.end = time.Now()
	if c.status == "failed" || c.status == "error" {
		return
	}
	switch status {
	case "skipped":
		if c.status == "passed" {
			c.status, c.message = "skipped", "Step "+st.Text+" skipped"
			if err != nil {
				c.message += ": " + err.Error()
			}
		}
		return
	case "passed":
		return
	}
	c.status, c.errType = status, errType
	c.message = "Step " + st.Text
	if err != nil {
		c.message += ": " + firstLine(err.Error())
		c.text = "Step " + st.Text + "\n" + err.Error()
	}
}

func (j *junitWriter) Failed(p *messages.Pickle, st *messages.PickleStep, _ *formatters.StepDefinition, err error) {
	if errors.Is(err, steps.ErrHarness) {
		j.step(p, st, "error", "harness", err)
		return
	}
	j.step(p, st, "failed", "assertion", err)
}
func (j *junitWriter) Passed(p *messages.Pickle, st *messages.PickleStep, _ *formatters.StepDefinition) {
	j.step(p, st, "passed", "", nil)
}
func (j *junitWriter) Skipped(p *messages.Pickle, st *messages.PickleStep, _ *formatters.StepDefinition) {
	j.step(p, st, "skipped", "", nil)
}
func (j *junitWriter) Undefined(p *messages.Pickle, st *messages.PickleStep, _ *formatters.StepDefinition) {
	j.step(p, st, "error", "undefined", errors.New("no step definition matches this text"))
}
func (j *junitWriter) Pending(p *messages.Pickle, st *messages.PickleStep, _ *formatters.StepDefinition) {
	j.step(p, st, "error", "pending", errors.New("the step is pending"))
}
func (j *junitWriter) Ambiguous(p *messages.Pickle, st *messages.PickleStep, _ *formatters.StepDefinition, err error) {
	j.step(p, st, "error", "ambiguous", err)
}

// JUnit XML, the shape CI servers read (Jenkins, GitLab, GitHub test
// reporters): testsuites > testsuite per feature > testcase per scenario.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string          `xml:"name,attr"`
	Tests    int             `xml:"tests,attr"`
	Failures int             `xml:"failures,attr"`
	Errors   int             `xml:"errors,attr"`
	Skipped  int             `xml:"skipped,attr"`
	Time     string          `xml:"time,attr"`
	Cases    []junitTestCase `xml:"testcase"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func (j *junitWriter) Summary() {
	j.mu.Lock()
	defer j.mu.Unlock()
	root := junitSuites{Name: j.suite, Time: seconds(time.Since(j.started))}
	byURI := map[string]*junitSuite{}
	var uris []string
	names := map[string]int{}
	for _, id := range j.order {
		c := j.cases[id]
		s := byURI[c.uri]
		if s == nil {
			name := j.features[c.uri]
			if name == "" {
				name = c.uri
			}
			s = &junitSuite{Name: name}
			byURI[c.uri] = s
			uris = append(uris, c.uri)
		}
		tc := junitTestCase{Name: c.name, Classname: s.Name, Time: seconds(c.end.Sub(c.start))}
		if n := names[c.uri+"\x00"+c.name]; n > 0 {
			tc.Name = fmt.Sprintf("%s #%d", c.name, n+1)
		}
		names[c.uri+"\x00"+c.name]++
		p := &junitProblem{Message: steps.Redact(c.message), Type: c.errType, Text: steps.Redact(c.text)}
		switch c.status {
		case "failed":
			tc.Failure = p
			s.Failures++
		case "error":
			tc.Error = p
			s.Errors++
		case "skipped":
			tc.Skipped = &junitProblem{Message: steps.Redact(c.message)}
			s.Skipped++
		}
		s.Tests++
		s.Cases = append(s.Cases, tc)
	}
	sort.Strings(uris)
	for _, u := range uris {
		s := byURI[u]
		var total time.Duration
		for _, c := range s.Cases {
			f, _ := strconv.ParseFloat(c.Time, 64)
			total += time.Duration(f * float64(time.Second))
		}
		s.Time = seconds(total)
		root.Tests += s.Tests
		root.Failures += s.Failures
		root.Errors += s.Errors
		root.Skipped += s.Skipped
		root.Suites = append(root.Suites, *s)
	}
	_, _ = io.WriteString(j.out, xml.Header)
	enc := xml.NewEncoder(j.out)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		fmt.Fprintln(j.out, "<!-- xfer-conform: writing JUnit XML failed:", err, "-->")
	}
	_, _ = io.WriteString(j.out, "\n")
}

func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}
