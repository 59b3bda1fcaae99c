package netsapiens

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/egress"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/journalhttp"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
	"github.com/xfer-conform/xfer-conform/simulator/tenancy"
)

// Options tune the dialect; the zero value is ready to use.
type Options struct {
	// DeliveryTimeout bounds one event-subscription post; default 10s.
	// Posts go through the scenario's egress policy (webhookHosts).
	DeliveryTimeout time.Duration
	// QueueSize bounds each subscription's undelivered posts; default 256.
	// When a slow endpoint lets it fill, further posts are dropped and
	// counted as errors, so nothing waits on that endpoint.
	QueueSize int
	// SubscriptionsPerUser and SubscriptionsPerDomain bound the event
	// subscriptions one credential may create and one domain may hold;
	// defaults 20 and 200 (inferred, docs/limits-netsapiens.md).
	SubscriptionsPerUser   int
	SubscriptionsPerDomain int
	// FailureLimit is how many posts in a row may fail before a
	// subscription is disabled; default 10 (inferred).
	FailureLimit int
	// EventBuffer bounds the dialect's queue of core events; default 4096.
	EventBuffer int
	// Faults, when set, decides apply and delivery faults (docs/faults.md).
	Faults *faults.Engine
}

// Dialect serves the NetSapiens NS API v2 for a Sim's NetSapiens domains.
type Dialect struct {
	sim        *simulator.Sim
	opts       Options
	core       string // core-server hostname
	applyDelay time.Duration
	tokenTTL   time.Duration
	// dirp holds the domains, users and OAuth clients; replaced whole when
	// a tenant is added or removed at runtime (tenants.go), so readers
	// never lock (simulator/tenancy).
	dirp    tenancy.Directory[directory]
	namer   *namer
	creds   *credentials
	egress  egress.Policy // where webhook posts may go
	client  *http.Client  // posts deliveries; keeps to egress
	secrets secretSource  // tokens and the JWT key (secrets.go)
	handler http.Handler
	subs    *subscriptions

	ctx    context.Context // ends at Close; deliveries in flight abort
	cancel context.CancelFunc
	wg     sync.WaitGroup // deferred writes and delivery goroutines

	mu        sync.Mutex // guards the fields below; never held while calling the Sim
	closed    bool
	timers    map[uint64]simulator.Timer
	nextTimer uint64
	reserved  map[string]bool // "domain/user/call-id" of make-calls not applied yet

	// applyHook, when set (by tests, before the first request), runs as a
	// change is applied after its 202.
	applyHook func(what string)
}

// Defaults of the subscription limits (Options); the vendor documents
// none, so all three are inferred (docs/limits-netsapiens.md).
const (
	DefaultSubscriptionsPerUser   = 20
	DefaultSubscriptionsPerDomain = 200
	DefaultFailureLimit           = 10
)

// New builds the dialect for the scenario's NetSapiens domains and
// registers its Namer with the Sim. Call it before the first call is made.
func New(sim *simulator.Sim, sc *scenario.Scenario, opts Options) (*Dialect, error) {
	if sim == nil || sc == nil {
		return nil, fmt.Errorf("netsapiens: New needs a Sim and a Scenario")
	}
	if opts.DeliveryTimeout <= 0 {
		opts.DeliveryTimeout = 10 * time.Second
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 256
	}
	if opts.SubscriptionsPerUser <= 0 {
		opts.SubscriptionsPerUser = DefaultSubscriptionsPerUser
	}
	if opts.SubscriptionsPerDomain <= 0 {
		opts.SubscriptionsPerDomain = DefaultSubscriptionsPerDomain
	}
	if opts.FailureLimit <= 0 {
		opts.FailureLimit = DefaultFailureLimit
	}
	if opts.EventBuffer <= 0 {
		opts.EventBuffer = 4096
	}
	d := &Dialect{
		sim:      sim,
		opts:     opts,
		core:     "core1-pbxsim.netsapiens.test",
		timers:   map[uint64]simulator.Timer{},
		reserved: map[string]bool{},
		egress:   egress.Policy{Hosts: append([]string(nil), sc.WebhookHosts...)},
	}
	// A redirect is an answer, never followed: up to 302 counts as
	// delivered (GUIDE-SUBS), and the policy holds for every post.
	d.client = d.egress.Client(opts.DeliveryTimeout)
	d.applyDelay, d.tokenTTL = 300*time.Millisecond, time.Hour
	dir := newDirectory()
	if ns := SectionOf(sc); ns != nil {
		if ns.CoreServer != "" {
			d.core = ns.CoreServer
		}
		if ns.ApplyDelay > 0 {
			d.applyDelay = ns.ApplyDelay.D()
		}
		if ns.TokenTTL > 0 {
			d.tokenTTL = ns.TokenTTL.D()
		}
		dir.add(ns)
	}
	d.dirp.Store(dir)
	d.secrets = newSecretSource(sim, sc.ReproducibleSecrets)
	d.creds = newCredentials(sc, d.secrets.bytes(32))
	d.creds.ownClock = sim.TenantClock
	domains := map[string]bool{}
	for name := range dir.profiles {
		domains[name] = true
	}
	d.namer = &namer{domains: domains}
	sim.AddNamer(d.namer)
	d.ctx, d.cancel = context.WithCancel(context.Background())
	d.subs = newSubscriptions(d)
	d.handler = journalhttp.Middleware(sim.Journal(), vendor, sim.Clock())(oneAuthorization(d.contracts(d.routes())))
	return d, nil
}

// Mount serves the NS API under /ns-api/v2 on r.
func (d *Dialect) Mount(r *mux.Router) {
	r.PathPrefix("/ns-api/v2").Handler(d.handler)
}

// Close cancels the changes still waiting for their apply delay, stops
// event delivery and waits for the dialect's goroutines.
func (d *Dialect) Close() {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.closed = true
	for id, t := range d.timers {
		if t.Stop() {
			d.wg.Done()
		}
		delete(d.timers, id)
	}
	d.mu.Unlock()
	d.cancel()
	d.subs.close()
	d.wg.Wait()
	d.client.CloseIdleConnections()
}

// laterAfter runs apply once delay has passed on the domain's clock (the
// Sim's, or the domain's own: tenant clocks): the NS API answers 202 first
// and the switch acts afterwards (GUIDE-ASYNC). The delay is the
// scenario's applyDelay unless a fault changes it.
func (d *Dialect) laterAfter(domain string, delay time.Duration, apply func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.nextTimer++
	id := d.nextTimer
	d.wg.Add(1)
	d.timers[id] = d.sim.ClockOf(domain).AfterFunc(delay, func() {
		defer d.wg.Done()
		defer d.recoverPanic("a change applied after its 202")
		d.mu.Lock()
		delete(d.timers, id)
		closed := d.closed
		d.mu.Unlock()
		if !closed {
			apply()
		}
	})
}

// oneAuthorization refuses a request with more than one Authorization
// header: which one counts is ambiguous, and a proxy and pbxsim could each
// pick a different one (issue 10 item 7).
func oneAuthorization(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := len(r.Header.Values("Authorization")); n > 1 {
			writeError(w, refuse(errInvalidRequest, "Send one Authorization header, not %d", n))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (d *Dialect) getVersion(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, object{
		{"apiversion", apiVersion}, {"hostname", d.core},
		{"current-time", sqlTime(d.sim.Clock().Now())},
	})
}
