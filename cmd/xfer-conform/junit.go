package main

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/formatters"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/judge"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// junitWriter is xfer-conform's JUnit formatter (--format junit). Unlike
// godog's own, it keeps assertion failures (<failure type="assertion">:
// the PBX or the integration did the wrong thing) apart from harness
// errors (<error type="harness">: the target did not start or answer, the
// integration command was not found or crashed), so CI can tell "your
// code is wrong" from "the run is broken". It carries what CI viewers
// read: timestamp and hostname on each suite, the feature's file on each
// case (GitLab links it), the scenario's transcript in <system-out>, and
// a failure message that starts with what failed (the failing check's
// name for an integration).
type junitWriter struct {
	*godog.BaseFmt // storage: the steps' attachments (the transcript)
	suite          string
	out            io.Writer
	// file turns a feature's path in the features' file system into the
	// path a reader finds it at.
	file func(uri string) string
	// aborted says the run was aborted: a failure from then on is a
	// scenario cut short.
	aborted func() bool
	// skipReason says why a scenario was skipped, when known.
	skipReason func(pickleID string) string

	mu       sync.Mutex
	started  time.Time
	features map[string]string // uri -> feature name
	order    []string          // pickle ids as they ran
	cases    map[string]*junitCase
}

func newJUnitWriter(suite string, out io.Writer, file func(string) string, aborted func() bool) *junitWriter {
	return &junitWriter{BaseFmt: godog.NewBaseFmt(suite, io.Discard), suite: suite, out: out, file: file, aborted: aborted, features: map[string]string{}, cases: map[string]*junitCase{}}
}

type junitCase struct {
	id, uri, name string
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
	j.cases[p.Id] = &junitCase{id: p.Id, uri: p.Uri, name: p.Name, start: now, end: now, status: "passed"}
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
	if c.status == "failed" || c.status == "error" || c.errType == "interrupted" {
		return
	}
	switch status {
	case "skipped":
		if c.status == "passed" {
			c.status, c.message = "skipped", "skipped at step: "+st.Text
		}
		return
	case "passed":
		return
	}
	c.status, c.errType = status, errType
	c.message = failureMessage(err) + " (step: " + st.Text + ")"
	if err != nil {
		c.text = "Step " + st.Text + "\n" + err.Error()
	}
}

// failureMessage is the headline CI viewers show: the failing check and
// why for an integration judged by checks, else the error's first line.
func failureMessage(err error) string {
	if err == nil {
		return "failed"
	}
	var cf *judge.ChecksFailed
	if errors.As(err, &cf) && len(cf.Failed) > 0 {
		msg := cf.Failed[0]
		if n := len(cf.Failed); n > 1 {
			msg += fmt.Sprintf(" (and %d more of %d checks)", n-1, cf.Total)
		}
		return msg
	}
	return firstLine(err.Error())
}

func (j *junitWriter) Failed(p *messages.Pickle, st *messages.PickleStep, _ *formatters.StepDefinition, err error) {
	switch {
	case errors.Is(err, steps.ErrInterrupted) || (j.aborted != nil && j.aborted()):
		j.mu.Lock()
		if c := j.cases[p.Id]; c != nil && c.status != "failed" && c.status != "error" {
			c.status, c.errType, c.message = "skipped", "interrupted", "interrupted: the run was aborted while this scenario ran (step: "+st.Text+"); it has no verdict"
		}
		j.mu.Unlock()
	case errors.Is(err, target.ErrHarness):
		j.step(p, st, "error", "harness", err)
	default:
		j.step(p, st, "failed", "assertion", err)
	}
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
	XMLName   xml.Name     `xml:"testsuites"`
	Name      string       `xml:"name,attr"`
	Tests     int          `xml:"tests,attr"`
	Failures  int          `xml:"failures,attr"`
	Errors    int          `xml:"errors,attr"`
	Skipped   int          `xml:"skipped,attr"`
	Time      string       `xml:"time,attr"`
	Timestamp string       `xml:"timestamp,attr"`
	Suites    []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string          `xml:"name,attr"`
	Tests     int             `xml:"tests,attr"`
	Failures  int             `xml:"failures,attr"`
	Errors    int             `xml:"errors,attr"`
	Skipped   int             `xml:"skipped,attr"`
	Time      string          `xml:"time,attr"`
	Timestamp string          `xml:"timestamp,attr"`
	Hostname  string          `xml:"hostname,attr"`
	File      string          `xml:"file,attr,omitempty"`
	Cases     []junitTestCase `xml:"testcase"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// junitTime is the timestamp form of the JUnit schema (ISO 8601, local
// time without zone).
const junitTime = "2006-01-02T15:04:05"

// attachment returns the first attachment of that name of a scenario's
// steps.
func (j *junitWriter) attachment(pickleID, name string) string {
	if j.BaseFmt == nil || j.Storage == nil {
		return ""
	}
	for _, r := range j.Storage.MustGetPickleStepResultsByPickleID(pickleID) {
		for _, a := range r.Attachments {
			if a.Name == name {
				return string(a.Data)
			}
		}
	}
	return ""
}

func (j *junitWriter) Summary() {
	j.mu.Lock()
	defer j.mu.Unlock()
	host, _ := os.Hostname()
	root := junitSuites{Name: j.suite, Time: seconds(time.Since(j.started)), Timestamp: j.started.Format(junitTime)}
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
			s = &junitSuite{Name: name, Timestamp: c.start.Format(junitTime), Hostname: host, File: j.fileOf(c.uri)}
			byURI[c.uri] = s
			uris = append(uris, c.uri)
		}
		tc := junitTestCase{Name: c.name, Classname: s.Name, File: s.File, Time: seconds(c.end.Sub(c.start))}
		if n := names[c.uri+"\x00"+c.name]; n > 0 {
			tc.Name = fmt.Sprintf("%s #%d", c.name, n+1)
		}
		names[c.uri+"\x00"+c.name]++
		tc.SystemOut = j.attachment(id, steps.TranscriptAttachment)
		p := &junitProblem{Message: target.Redact(c.message), Type: c.errType, Text: target.Redact(c.text)}
		switch c.status {
		case "failed":
			tc.Failure = p
			s.Failures++
		case "error":
			tc.Error = p
			s.Errors++
		case "skipped":
			msg := c.message
			if j.skipReason != nil && c.errType != "interrupted" {
				if reason := j.skipReason(id); reason != "" {
					msg = "skipped: " + reason
				}
			}
			tc.Skipped = &junitProblem{Message: target.Redact(msg)}
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

func (j *junitWriter) fileOf(uri string) string {
	if j.file == nil {
		return uri
	}
	return filepath.ToSlash(j.file(uri))
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
