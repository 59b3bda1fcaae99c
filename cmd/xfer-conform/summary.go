package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/formatters"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/xfer-conform/xfer-conform/steps"
)

// Scenario outcomes, worst last: a scenario takes the worst outcome of
// its steps, as Cucumber counts (a scenario skipped in a Before hook has
// only skipped steps, so it is skipped, not passed).
const (
	outcomePassed = iota
	outcomeSkipped
	outcomePending
	outcomeUndefined
	outcomeInterrupted
	outcomeFailed
)

var outcomeNames = []string{"passed", "skipped", "pending", "undefined", "interrupted", "failed"}

// tally counts scenario outcomes from the formatter events.
type tally struct {
	// aborted says the run was aborted: a failure from then on is a
	// scenario cut short.
	aborted func() bool

	mu    sync.Mutex
	order []string
	of    map[string]int
}

func newTally(aborted func() bool) *tally { return &tally{aborted: aborted, of: map[string]int{}} }

func (t *tally) pickle(p *messages.Pickle) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.of[p.Id]; !ok {
		t.order = append(t.order, p.Id)
	}
	t.of[p.Id] = outcomePassed
}

func (t *tally) step(p *messages.Pickle, outcome int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if outcome > t.of[p.Id] {
		t.of[p.Id] = outcome
	}
}

func (t *tally) failedOutcome(err error) int {
	if errors.Is(err, steps.ErrInterrupted) || (t.aborted != nil && t.aborted()) {
		return outcomeInterrupted
	}
	return outcomeFailed
}

// counts returns the number of scenarios per outcome.
func (t *tally) counts() (total int, per [6]int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range t.order {
		per[t.of[id]]++
	}
	return len(t.order), per
}

// line renders "N scenarios (a passed, b failed, c skipped)".
func (t *tally) line() string {
	total, per := t.counts()
	colour := []string{"\x1b[32m", "\x1b[36m", "\x1b[33m", "\x1b[33m", "\x1b[33m", "\x1b[31m"}
	var parts []string
	for _, o := range []int{outcomePassed, outcomeFailed, outcomeSkipped, outcomeInterrupted, outcomeUndefined, outcomePending} {
		if per[o] > 0 {
			parts = append(parts, fmt.Sprintf("%s%d %s\x1b[0m", colour[o], per[o], outcomeNames[o]))
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d scenarios", total)
	}
	return fmt.Sprintf("%d scenarios (%s)", total, strings.Join(parts, ", "))
}

// summarized wraps godog's pretty or progress formatter and replaces its
// scenario count line, which counts a scenario with only skipped steps
// as passed, with the tally's.
type summarized struct {
	*godog.BaseFmt // SetStorage, shared with the inner formatter
	inner          formatters.Formatter
	out            *summaryWriter
	tally          *tally
}

type summaryWriter struct {
	w   io.Writer
	buf *bytes.Buffer
}

func (s *summaryWriter) Write(p []byte) (int, error) {
	if s.buf != nil {
		return s.buf.Write(p)
	}
	return s.w.Write(p)
}

func newSummarized(name, suite string, out io.Writer, t *tally) formatters.Formatter {
	sw := &summaryWriter{w: out}
	s := &summarized{out: sw, tally: t}
	if name == "progress" {
		f := godog.NewProgressFmt(suite, sw)
		s.BaseFmt, s.inner = f.Base, f
	} else {
		f := godog.NewPrettyFmt(suite, sw)
		s.BaseFmt, s.inner = f.Base, f
	}
	return s
}

var scenarioCountLine = regexp.MustCompile(`^(?:\x1b\[[0-9;]*m)*\d+ scenarios`)

func (s *summarized) Summary() {
	var buf bytes.Buffer
	s.out.buf = &buf
	s.inner.Summary()
	s.out.buf = nil
	lines := strings.SplitAfter(buf.String(), "\n")
	for i, l := range lines {
		if scenarioCountLine.MatchString(l) {
			lines[i] = s.tally.line() + "\n"
		}
	}
	_, _ = io.WriteString(s.out.w, strings.Join(lines, ""))
}

func (s *summarized) TestRunStarted() { s.inner.TestRunStarted() }
func (s *summarized) Feature(d *messages.GherkinDocument, uri string, c []byte) {
	s.inner.Feature(d, uri, c)
}
func (s *summarized) Pickle(p *messages.Pickle) { s.tally.pickle(p); s.inner.Pickle(p) }
func (s *summarized) Defined(p *messages.Pickle, st *messages.PickleStep, d *formatters.StepDefinition) {
	s.inner.Defined(p, st, d)
}
func (s *summarized) Failed(p *messages.Pickle, st *messages.PickleStep, d *formatters.StepDefinition, err error) {
	s.tally.step(p, s.tally.failedOutcome(err))
	s.inner.Failed(p, st, d, err)
}
func (s *summarized) Passed(p *messages.Pickle, st *messages.PickleStep, d *formatters.StepDefinition) {
	s.inner.Passed(p, st, d)
}
func (s *summarized) Skipped(p *messages.Pickle, st *messages.PickleStep, d *formatters.StepDefinition) {
	s.tally.step(p, outcomeSkipped)
	s.inner.Skipped(p, st, d)
}
func (s *summarized) Undefined(p *messages.Pickle, st *messages.PickleStep, d *formatters.StepDefinition) {
	s.tally.step(p, outcomeUndefined)
	s.inner.Undefined(p, st, d)
}
func (s *summarized) Pending(p *messages.Pickle, st *messages.PickleStep, d *formatters.StepDefinition) {
	s.tally.step(p, outcomePending)
	s.inner.Pending(p, st, d)
}
func (s *summarized) Ambiguous(p *messages.Pickle, st *messages.PickleStep, d *formatters.StepDefinition, err error) {
	s.tally.step(p, outcomeFailed)
	s.inner.Ambiguous(p, st, d, err)
}
