package ringcentral

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// Fault injection hooks (docs/faults.md): the dialect names its requests
// for the HTTP fault middleware, writes injected errors in its own shape,
// passes every notification through the engine's decision and an Outbox,
// and closes notification sockets on demand.

// operations names the dialect's requests for fault rules and rate-limit
// groups, built from the route table: a route's path with each {var} as
// a one-segment glob.
var operations = operationsOf(routeTable)

func operationsOf(table []route) faults.Operations {
	var ops faults.Operations
	seen := map[string]bool{}
	for _, rt := range table {
		glob := strings.TrimSuffix(faults.TemplateGlob(rt.fullPath()), "/")
		if k := rt.method + " " + glob; !seen[k] {
			seen[k] = true
			ops = append(ops, faults.Operation{Method: rt.method, Path: glob, Name: rt.op})
		}
	}
	return ops.Compile()
}

// operationOf names a request by the route table.
func operationOf(method, path string) string {
	return operations.Name(method, strings.TrimSuffix(path, "/"))
}

// Classify implements faults.Vendor: the tenant is the account of the
// bearer (or WebSocket) token, without refreshing or journaling anything.
func (d *Dialect) Classify(r *http.Request) (tenant, operation string) {
	operation = operationOf(r.Method, r.URL.Path)
	if g, ok := d.peekGrant(r); ok {
		tenant = g.AccountID
	}
	return tenant, operation
}

// peekGrant finds who a request speaks for without side effects: the
// REST-over-WebSocket identity, a valid bearer token or a ws token.
func (d *Dialect) peekGrant(r *http.Request) (grantInfo, bool) {
	if id, ok := callerOf(r.Context()); ok {
		return id.grantInfo, true
	}
	d.auth.mu.Lock()
	defer d.auth.mu.Unlock()
	if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		if at, ok := d.auth.access[strings.TrimSpace(tok)]; ok && d.now().Before(at.expires) {
			return at.grantInfo, true
		}
	}
	if t, ok := d.auth.ws[r.URL.Query().Get("access_token")]; ok {
		return t.grantInfo, true
	}
	return grantInfo{}, false
}

// WriteFault implements faults.Vendor: RingCentral's error body. CMN-301
// is documented for 429 (P-429); RingCentral's catalog has no public code
// per 5xx, so the 5xx codes are inferred (docs/faults.md).
func (d *Dialect) WriteFault(w http.ResponseWriter, status int, retryAfter time.Duration, message string) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((retryAfter+time.Second-1)/time.Second), 10))
	}
	writeJSON(w, status, injectedFault(status, message).body())
}

// deliverFaulty passes a notification through the fault engine before it
// reaches its subscription's transport.
func (d *Dialect) deliverFaulty(s *subscription, n notice) {
	if d.opts.Faults == nil {
		d.deliverNow(s, n)
		return
	}
	transport := faults.TransportWebhook
	if s.ws != nil {
		transport = faults.TransportWebSocket
	}
	f, fired := d.opts.Faults.Notification(faults.Subject{
		Dialect: dialectName, Tenant: s.Owner.AccountID, Transport: transport, Subscription: s.ID,
	})
	if fired {
		a := f.Action
		if a.Reorder {
			d.outboxHolds.Store(true)
		}
		if a.Disconnect != "" && s.ws != nil {
			s.ws.drop(a.Disconnect)
		}
		if a.Fail != 0 && s.hook != nil {
			s.hook.enqueueFailure(n.notification(), a.Fail, f.Rule)
			return
		}
		if a.Drop {
			d.journalLost(s, n, "dropped by fault "+f.Rule+" (injected)")
		}
	}
	d.outbox.Send(s.ID, f, fired, func() {
		d.guard("notification delivery", s.Owner.AccountID, func() { d.deliverNow(s, n) }, nil)
	})
}

// faultsQuiet reports, once per event, whether no notification fault can
// apply to it: no engine, or an engine without a notification rule whose
// outbox holds nothing back and is open. Then deliverQuiet does what
// deliverFaulty would, without asking the engine and the outbox per
// subscriber (issue 16, fan-out). A rule added while an event is fanned
// out applies from the next event.
func (d *Dialect) faultsQuiet() bool {
	if d.opts.Faults == nil {
		return true
	}
	if d.outboxHolds.Load() {
		return false // the outbox may hold notifications back: it releases them
	}
	select {
	case <-d.stop:
		return false // the outbox may be closed: it drops what it is sent
	default:
	}
	for _, r := range d.opts.Faults.Rules() {
		if r.On == faults.OnNotification {
			return false
		}
	}
	return true
}

// deliverQuiet is deliverFaulty when faultsQuiet: an unfired Send of the
// outbox delivers at once, guarded.
func (d *Dialect) deliverQuiet(s *subscription, n notice) {
	if d.opts.Faults == nil {
		d.deliverNow(s, n)
		return
	}
	d.guard("notification delivery", s.Owner.AccountID, func() { d.deliverNow(s, n) }, nil)
}

func (d *Dialect) journalLost(s *subscription, n notice, why string) {
	d.sim.Journal().Record(simulator.JournalEntry{
		Time: d.now(), Dialect: dialectName, Tenant: s.Owner.AccountID, Method: "NOTIFY", Path: "/notifications",
		Note: "subscription " + s.ID + " notification " + string(n.uuid[:]) + " (session " + n.route.view.body.TelephonySessionID +
			" sequence " + strconv.FormatInt(n.route.view.body.Sequence, 10) + "): " + why,
	})
}

// enqueueFailure makes one delivery fail with status without posting it:
// it counts towards blacklisting like a receiver's failure.
func (h *webhook) enqueueFailure(n notification, status int, rule string) {
	n.failWith, n.failRule = status, rule
	h.enqueue(n)
}

// dropSockets closes the notification sockets of an account (and
// extension): the engine's SocketDropper.
func (d *Dialect) dropSockets(tenant, extension, mode string) int {
	d.subs.mu.Lock()
	var victims []*wsSession
	for _, s := range d.subs.wsSessions {
		if (tenant == "" || s.grant.AccountID == tenant) && (extension == "" || s.grant.ExtensionID == extension) && !s.dead {
			victims = append(victims, s)
		}
	}
	d.subs.mu.Unlock()
	n := 0
	for _, s := range victims {
		if s.drop(mode) {
			n++
		}
	}
	return n
}

// drop closes the session's socket. Recoverable: the session waits the
// recovery timeout as after any network loss. Unrecoverable: the session
// ends now with its buffer and subscription, so a recovery fails.
// It reports whether a socket was open.
func (s *wsSession) drop(mode string) bool {
	d := s.d
	d.subs.mu.Lock()
	defer d.subs.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.conn
	if c != nil {
		c.close() // readLoop's detach starts the recovery timer
	}
	if mode == faults.DisconnectUnrecoverable && !s.dead {
		s.conn = nil
		if s.expiry != nil {
			s.expiry.Stop()
			s.expiry = nil
		}
		s.detachN++ // a detach still to come finds another socket and does nothing
		s.dead = true
		s.buffer, s.oldest = nil, 0
		delete(d.subs.wsSessions, s.id)
		if s.sub != nil {
			d.removeLocked(s.sub)
		}
	}
	return c != nil
}

// initFaults wires the engine in; New calls it.
func (d *Dialect) initFaults() {
	d.outbox = faults.NewOutbox(d.sim.Clock())
	if d.opts.Faults != nil {
		d.opts.Faults.SetSocketDropper(dialectName, d.dropSockets)
	}
}

// attempt posts a notification, or fails it as a fault asked.
func (h *webhook) attempt(n notification) (int, error) {
	if n.failWith != 0 {
		return n.failWith, injectedFailure{rule: n.failRule, status: n.failWith}
	}
	return h.post(n)
}

type injectedFailure struct {
	rule   string
	status int
}

func (e injectedFailure) Error() string {
	return "fault " + e.rule + " (injected): status " + strconv.Itoa(e.status) + ", not posted"
}

// WebSocketPath is where the notification socket listens.
func (d *Dialect) WebSocketPath() string { return d.opts.WebSocketPath }
