package netsapiens

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// Fault injection hooks (docs/faults.md). The NS API documents no 429 and
// no 5xx bodies (reference netsapiens.md §5): injected ones use the
// documented error shape {"code", "message"} and are an invention of the
// simulator, for testing client resilience only.

// Classify implements faults.Vendor: the tenant is the {domain} of the
// path (requests without one have no tenant to match).
func (d *Dialect) Classify(r *http.Request) (tenant, operation string) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	if rest, ok := strings.CutPrefix(p, "/ns-api/v2/domains/"); ok {
		tenant, _, _ = strings.Cut(rest, "/")
	}
	return tenant, operations.Name(r.Method, p)
}

// WriteFault implements faults.Vendor with the NS error shape.
func (d *Dialect) WriteFault(w http.ResponseWriter, status int, retryAfter time.Duration, message string) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((retryAfter+time.Second-1)/time.Second), 10))
	}
	writeError(w, injectedFault(status, message))
}

// applyFault asks the engine about a change answered 202: the delay until
// it applies, or drop when it never will.
func (d *Dialect) applyFault(r *http.Request) (delay time.Duration, drop bool, rule string) {
	delay = d.applyDelay
	if d.opts.Faults == nil {
		return delay, false, ""
	}
	f, fired := d.opts.Faults.Apply(faults.Subject{
		Dialect: vendor, Tenant: mux.Vars(r)["domain"],
		Method: r.Method, Path: r.URL.Path, Operation: operations.Name(r.Method, strings.TrimSuffix(r.URL.Path, "/")),
	})
	if !fired {
		return delay, false, ""
	}
	if f.Action.Drop {
		return 0, true, f.Rule
	}
	return f.Action.Delay.D(), false, f.Rule
}

// push hands one rendered post to a subscription's worker through the
// fault engine; subs.mu is not held.
func (s *subscriptions) push(sub *subscription, post []byte) {
	send := func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.enqueue(sub, post)
	}
	eng := s.d.opts.Faults
	if eng == nil {
		send()
		return
	}
	s.mu.Lock()
	domain := sub.domain
	s.mu.Unlock()
	f, fired := eng.Notification(faults.Subject{
		Dialect: vendor, Tenant: domain, Transport: faults.TransportWebhook, Subscription: sub.id,
	})
	if fired && f.Action.Fail != 0 {
		// Counted as a failed post, as if the receiver had answered it;
		// not towards disabling, since the receiver did not fail.
		s.mu.Lock()
		sub.postsCount++
		sub.errorCount++
		sub.status = "error"
		s.mu.Unlock()
		s.journalFault(sub, domain, "failed with "+strconv.Itoa(f.Action.Fail)+" by fault "+f.Rule+" (injected), not posted")
		return
	}
	if fired && f.Action.Drop {
		s.journalFault(sub, domain, "dropped by fault "+f.Rule+" (injected)")
	}
	s.outbox.Send(sub.id, f, fired, send)
}

func (s *subscriptions) journalFault(sub *subscription, domain, what string) {
	s.journalNote(sub.id, domain, "subscription "+sub.id+" post "+what)
}

// journalNote records what happened to a subscription's deliveries as a
// NOTIFY entry of the journal.
func (s *subscriptions) journalNote(id, domain, note string) {
	s.d.sim.Journal().Record(simulator.JournalEntry{
		Time: s.d.sim.Clock().Now(), Dialect: vendor, Tenant: domain, Method: "NOTIFY", Path: "/subscriptions/" + id,
		Note: note,
	})
}
