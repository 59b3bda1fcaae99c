package netsapiens

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

func faultOptions(t *testing.T, rules ...faults.Rule) Options {
	t.Helper()
	eng := faults.New(faults.Options{Seed: 1})
	for _, r := range rules {
		if _, err := eng.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	return Options{Faults: eng}
}

// holdState reads term-orig-info of the inbound call after a hold by 1000.
func (w *world) holdState(session string) string {
	got, _ := findCall(w.calls(), session)
	return got.Get("term-orig-info").String()
}

// Issue 6: "the delay between a 202 and the change", per domain and
// operation, on the simulator clock (GUIDE-ASYNC: writes answer 202 and
// apply later).
func TestApplyDelayFault(t *testing.T) {
	w := newWorld(t, nil, faultOptions(t, faults.Rule{ID: "slow-hold", On: faults.OnApply,
		Match: faults.Match{Tenant: "TEST", Operation: "hold"}, Action: faults.Action{Delay: faults.Duration(4 * time.Second)}}))
	c := w.inboundCall()
	calls := w.calls()
	term, session := calls[0].Get("call-term-call-id").String(), c.Attrs[AttrSessionID]
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+term+"/hold", key1000, nil)
	w.settle()
	if got := w.holdState(session); got != "active" {
		t.Fatalf("after the scenario's apply delay the hold must still wait for the fault's 4s: %s", got)
	}
	w.clk.Advance(4*time.Second - w.delay)
	if got := w.holdState(session); got != "held" {
		t.Fatalf("4s after the 202 the hold should have applied: %s", got)
	}
	// Other operations keep the scenario's delay.
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+term+"/unhold", key1000, nil)
	w.settle()
	if got := w.holdState(session); got != "active" {
		t.Fatalf("unhold should apply after the normal delay: %s", got)
	}
}

// Issue 6: "a 202 after which nothing happens": the change is dropped and
// the request's journal entry says so.
func TestApplyDropFault(t *testing.T) {
	w := newWorld(t, nil, faultOptions(t, faults.Rule{ID: "lost-hold", On: faults.OnApply, Times: 1,
		Match: faults.Match{Operation: "hold"}, Action: faults.Action{Drop: true}}))
	c := w.inboundCall()
	term, session := w.calls()[0].Get("call-term-call-id").String(), c.Attrs[AttrSessionID]
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+term+"/hold", key1000, nil)
	w.clk.Advance(time.Hour)
	if got := w.holdState(session); got != "active" {
		t.Fatalf("a dropped hold must never apply: %s", got)
	}
	w.requireNote("/hold", "hold not applied: fault lost-hold (injected) dropped the change after its 202")
	// Times 1: the retry goes through.
	w.must(202, "PATCH", "/domains/TEST/users/1000/calls/"+term+"/hold", key1000, nil)
	w.settle()
	if got := w.holdState(session); got != "held" {
		t.Fatalf("the second hold should apply: %s", got)
	}
}

// callPosts subscribes a receiver to domain TEST and plays one inbound
// call that is answered and hung up; it returns the posts and the
// subscription as listed afterwards.
func callPosts(t *testing.T, opts Options) ([]gjson.Result, gjson.Result) {
	w := newWorld(t, nil, opts)
	rc := newReceiver(t, http.StatusOK, nil)
	id := w.subscribe(keyOM, "/subscriptions", rc.url).Get("id").String()
	call := w.inboundCall()
	if err := w.sim.HangupCall(call.ID); err != nil {
		t.Fatal(err)
	}
	posts := rc.await(t, untilRemoved)
	return posts, w.must(200, "GET", "/subscriptions/"+id, keyOM, nil)
}

// Issue 6: webhook deliveries dropped, duplicated (a retried post) and
// failed; a failed one is not posted and counts in error-count.
func TestWebhookDeliveryFaults(t *testing.T) {
	base, _ := callPosts(t, Options{})
	first := func(a faults.Action, transport string) faults.Rule {
		return faults.Rule{ID: "hook", On: faults.OnNotification, Times: 1,
			Match: faults.Match{Dialect: Name, Transport: transport}, Action: a}
	}
	brief := func(ps []gjson.Result) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Get("0.orig_call_info").String()+"/"+p.Get("0.term_call_info").String()+p.Get("0.remove").String())
		}
		return out
	}

	posts, _ := callPosts(t, faultOptions(t, first(faults.Action{Drop: true}, "")))
	if got, want := brief(posts), brief(base[1:]); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("dropped: posts %v, want the baseline without its first %v", got, want)
	}

	posts, _ = callPosts(t, faultOptions(t, first(faults.Action{Duplicate: 1}, "")))
	if got, want := brief(posts), brief(append([]gjson.Result{base[0]}, base...)); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("duplicated: posts %v, want the first twice %v", got, want)
	}

	posts, sub := callPosts(t, faultOptions(t, first(faults.Action{Fail: 503}, faults.TransportWebhook)))
	// error-count is counted when the failure is decided, before the later
	// posts go out, so it is final here (posts-count may still be moving).
	if len(posts) != len(base)-1 || sub.Get("error-count").Int() != 1 {
		t.Errorf("failed: %d posts (baseline %d), subscription %s; want one post fewer and error-count 1",
			len(posts), len(base), sub.Raw)
	}
}
