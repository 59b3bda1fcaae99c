package steps

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/steps/judge"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// integrationWorld is one @integration scenario's state: the world's call
// handed over, the integration that ran and how it ended, and where the
// journal stood at the hand-over (what came after is the integration's).
type integrationWorld struct {
	w           *World
	integration judge.Integration
	timeout     time.Duration

	vendor      string
	plugin      Integrated
	original    control.Call
	handover    judge.Handover
	result      *judge.Result
	journalMark uint64
	evidence    *judge.Evidence
	// allowFindings is Config.AllowFindings.
	allowFindings []string
}

// registerIntegration adds the steps of features/integration: the harness
// sets the world up, hands over to the user's integration, and judges.
func registerIntegration(sc *godog.ScenarioContext, w *World, cfg Config) {
	var titles []string
	for _, v := range w.vendors {
		if in, ok := v.(Integrated); ok {
			titles = append(titles, regexp.QuoteMeta(in.Title()))
		}
	}
	if len(titles) > 0 {
		sc.Step(`^the customer has called the operator on (`+strings.Join(titles, "|")+`) and the operator answered$`, w.integCustomerReachesOperator)
	}
	sc.Step(`^the consult answers when their phone rings$`, w.integConsultAutoAnswers)
	sc.Step(`^the integration under test transfers the customer to the consult$`, w.integRuns)
	sc.Step(`^the integration's transfer passes these checks:$`, w.integPassesChecks)
	sc.Step(`^the integration's transfer passes the "([^"]+)" check$`, w.integPassesCheck)
	w.integ = &integrationWorld{w: w, integration: cfg.Integration, timeout: cfg.IntegrationTimeout, allowFindings: cfg.AllowFindings}
	if w.integ.timeout <= 0 {
		w.integ.timeout = time.Minute
	}
}

// integCustomerReachesOperator places the customer's call and has the
// operator answer it, both through the control API: the integration takes
// over an answered call, as it would from a screen-pop.
func (w *World) integCustomerReachesOperator(title string) error {
	if err := w.NeedControl(); err != nil {
		return err
	}
	iw := w.integ
	for _, v := range w.vendors {
		if in, ok := v.(Integrated); ok && in.Title() == title {
			iw.vendor, iw.plugin = v.Name(), in
		}
	}
	if iw.plugin == nil {
		return fmt.Errorf("no vendor of this run is called %s", title)
	}
	call, err := iw.plugin.IntegrationCall(w)
	if err != nil {
		return err
	}
	from, to, operator := call.From, call.To, call.Operator
	if err := w.addressCalls(from, to); err != nil {
		return err
	}
	if err := w.addressAnswers(operator); err != nil {
		return err
	}
	c, err := w.Ctl.Call(w.Context(), w.Vars["last-call"])
	if err != nil {
		return fmt.Errorf("reading the customer's call: %w", err)
	}
	iw.original = c
	return nil
}

// integConsultAutoAnswers answers the consult's phone whenever it rings,
// until the scenario ends: the integration's consult call must reach
// someone. It polls the control API quietly (out of the transcript).
func (w *World) integConsultAutoAnswers() error {
	if err := w.NeedControl(); err != nil {
		return err
	}
	consult, err := w.integ.consultID()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(Quietly(w.Context()))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		answered := map[string]bool{}
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			calls, err := w.Ctl.Calls(ctx)
			if err != nil {
				continue
			}
			for _, c := range calls {
				for _, l := range c.Legs {
					key := c.ID + "/" + l.ID
					if l.Endpoint.UserID != consult || l.Direction != "inbound" || answered[key] || (l.State != "proceeding" && l.State != "setup") {
						continue
					}
					answered[key] = true
					if err := w.Ctl.Answer(ctx, c.ID, l.ID); err != nil {
						w.Trace.Addf("world: the consult could not answer call %s leg %s: %v", c.ID, l.ID, err)
						continue
					}
					w.Trace.Addf("world: the consult answers (call %s leg %s)", c.ID, l.ID)
				}
			}
		}
	}()
	w.Cleanup(func() { cancel(); wg.Wait() })
	return nil
}

func (iw *integrationWorld) consultID() (string, error) {
	if iw.plugin == nil {
		return "", errors.New("no customer call yet: start with \"Given the customer has called the operator on <vendor> and the operator answered\"")
	}
	call, err := iw.plugin.IntegrationCall(iw.w)
	if err != nil {
		return "", err
	}
	return call.Consult, nil
}

// integRuns hands over to the integration and waits for it to end. A
// harness error (command not found, endpoint unreachable, crash) fails the
// step as such; anything else is judged by the checks.
func (w *World) integRuns() error {
	iw := w.integ
	if iw.original.ID == "" {
		return errors.New("no customer call to hand over: start with \"Given the customer has called the operator on <vendor> and the operator answered\"")
	}
	vars, secrets, err := iw.plugin.Handover(w, iw.original)
	if err != nil {
		return err
	}
	h := judge.NewHandover(iw.vendor, vars, secrets, iw.timeout)
	iw.handover = h
	mark, err := iw.journalEnd()
	if err != nil {
		return fmt.Errorf("%w: reading pbxsim's journal before the hand-over: %v", target.ErrHarness, err)
	}
	iw.journalMark = mark
	in := iw.integration
	if in == nil {
		in = judge.ReferenceIntegration{HTTP: w.HTTP, Transfer: iw.plugin.ReferenceTransfer}
	}
	w.Trace.Addf("harness: hands over to the integration %q (%s, deadline %s, variables %s)", in.Name(), iw.vendor, iw.timeout, strings.Join(h.Names(), " "))
	res, err := in.Run(w.Context(), h)
	iw.result = &res
	w.Trace.Addf("harness: the integration ended: finished=%v code=%d after %s", res.Finished, res.Code, res.Elapsed.Round(time.Millisecond))
	if res.Output != "" {
		for _, l := range strings.Split(judge.TailLines(res.Output, 40), "\n") {
			w.Trace.Addf("integration> %s", l)
		}
	}
	return err
}

// journalEnd is the newest journal sequence number of the vendor.
func (iw *integrationWorld) journalEnd() (uint64, error) {
	entries, err := iw.w.Ctl.Journal(iw.w.Context(), control.JournalFilter{Dialect: iw.vendor})
	if err != nil {
		return 0, err
	}
	var last uint64
	for _, e := range entries {
		last = max(last, e.Seq)
	}
	return last, nil
}

func (w *World) integPassesChecks(table *godog.Table) error {
	var names []string
	for i, row := range table.Rows {
		if len(row.Cells) == 0 || (i == 0 && strings.EqualFold(row.Cells[0].Value, "check")) {
			continue
		}
		names = append(names, strings.TrimSpace(row.Cells[0].Value))
	}
	return w.integJudge(names)
}

func (w *World) integPassesCheck(name string) error { return w.integJudge([]string{name}) }

// integJudge runs the named checks on the evidence and reports every one
// that failed, each by name, then the integration's last requests and the
// last events around them.
func (w *World) integJudge(names []string) error {
	iw := w.integ
	if iw.result == nil {
		return errors.New("the integration has not run: add \"When the integration under test transfers the customer to the consult\"")
	}
	checks := make([]judge.Check, 0, len(names))
	all := Checks(w.vendors)
	for _, n := range names {
		c, ok := judge.Find(all, n)
		if !ok {
			return fmt.Errorf("no check named %q; the checks are: %s", n, strings.Join(judge.Names(all), "; "))
		}
		if c.Vendor != "" && c.Vendor != iw.vendor {
			return fmt.Errorf("check %q judges %s integrations, this scenario is %s", n, c.Vendor, iw.vendor)
		}
		checks = append(checks, c)
	}
	ev, err := iw.gather()
	if err != nil {
		return fmt.Errorf("%w: gathering evidence from pbxsim: %v", target.ErrHarness, err)
	}
	return judge.Judge(ev, checks, iw.integrationName(), func() []string { return iw.lastEvents(8) }, w.Trace.Addf)
}

func (iw *integrationWorld) integrationName() string {
	if iw.integration == nil {
		return judge.ReferenceIntegration{}.Name()
	}
	return iw.integration.Name()
}

// lastEvents renders the newest events of the world's calls.
func (iw *integrationWorld) lastEvents(n int) []string {
	evs, err := iw.w.Ctl.Events(iw.w.Context(), 0)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range evs {
		out = append(out, fmt.Sprintf("#%d call %s leg %s %s %s%s (%s)", e.Seq, e.CallID, e.Leg.ID, judge.LegName(e.Leg), e.Leg.State, reasonSuffix(e.Leg.Reason), e.Cause))
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

func reasonSuffix(r string) string {
	if r == "" {
		return ""
	}
	return "/" + r
}

// gather reads the evidence once the PBX has settled: a vendor whose
// changes land after the answer (Settler) waits for them first.
func (iw *integrationWorld) gather() (judge.Evidence, error) {
	if iw.evidence != nil {
		return *iw.evidence, nil
	}
	w := iw.w
	var journal []control.JournalEntry
	read := func() ([]control.JournalEntry, error) {
		var err error
		journal, err = w.Ctl.Journal(w.Context(), control.JournalFilter{Dialect: iw.vendor, After: iw.journalMark})
		return journal, err
	}
	if _, err := read(); err != nil {
		return judge.Evidence{}, err
	}
	if s, ok := iw.plugin.(Settler); ok {
		if err := s.Settle(w, read); err != nil {
			return judge.Evidence{}, err
		}
	}
	calls, err := w.Ctl.Calls(w.Context())
	if err != nil {
		return judge.Evidence{}, err
	}
	ev := judge.Evidence{Vendor: iw.vendor, Calls: calls, Journal: journal, Result: *iw.result, AllowFindings: iw.allowFindings}
	ev.Roles, ev.Budget = iw.plugin.Judging(w)
	_, ev.ViaHTTP = iw.integration.(judge.HTTPIntegration)
	ev.Original = iw.original
	for _, c := range calls {
		if c.ID == iw.original.ID {
			ev.Original = c
		}
	}
	iw.evidence = &ev
	return ev, nil
}
