package ringcentral

import (
	cryptorand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/egress"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/journalhttp"
	"github.com/xfer-conform/xfer-conform/simulator/notify"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
	"github.com/xfer-conform/xfer-conform/simulator/tenancy"
)

// Dialect name: the journal's dialect label and the prefix of the vendor
// attributes this package gives calls and legs.
const dialectName = "ringcentral"

// Options tune the dialect; the zero value gives the defaults noted on each
// field.
type Options struct {
	// WebSocketPath is where the notification WebSocket listens; wstoken's
	// uri points here. Default "/ws".
	WebSocketPath string
	// WSTokenTTL is the lifetime of a ws_access_token; default 600s (the
	// value RCEX assumes). The token may be reused within it.
	WSTokenTTL time.Duration
	// RecoveryTimeout is how long after a socket drops its session (and its
	// subscription) can be recovered with wsc; default 180s.
	RecoveryTimeout time.Duration
	// RecoveryBufferSize bounds the notifications kept per WebSocket session
	// for replay on recovery; default 100 (oldest dropped).
	RecoveryBufferSize int
	// SocketQueue bounds the frames waiting to be written to one socket; a
	// socket that falls this far behind is closed. Default 4096: about a
	// quarter of a second of an account-level subscriber's notifications at
	// 1,000 warm transfers a second (see sendQueue). The queue's memory
	// follows its backlog.
	SocketQueue int
	// PingInterval, when positive, makes the server send WebSocket pings at
	// this (wall-clock) interval. Default 0: the server only answers pings.
	PingInterval time.Duration
	// WebhookQueue bounds the notifications waiting for one webhook; when it
	// is full new ones are dropped and journaled. Default 100.
	WebhookQueue int
	// WebhookTimeout bounds one webhook request (validation or delivery);
	// default 3s, the validation limit RingCentral documents.
	WebhookTimeout time.Duration
	// WebhookBlacklistAfter is how many consecutive failed deliveries
	// blacklist a webhook subscription; default 5.
	WebhookBlacklistAfter int
	// HTTPClient delivers webhooks and their Validation-Token handshake;
	// default the delivery policy's client (simulator/egress: the
	// scenario's webhookHosts and loopback only, no redirects, timeout
	// WebhookTimeout). Addresses are checked against the policy when a
	// subscription is made, whatever the client.
	HTTPClient *http.Client
	// Faults, when set, decides notification faults and may close
	// notification sockets (docs/faults.md).
	Faults *faults.Engine
}

func (o *Options) defaults() {
	if o.WebSocketPath == "" {
		o.WebSocketPath = "/ws"
	}
	if o.WSTokenTTL <= 0 {
		o.WSTokenTTL = 600 * time.Second
	}
	if o.RecoveryTimeout <= 0 {
		o.RecoveryTimeout = 180 * time.Second
	}
	if o.RecoveryBufferSize <= 0 {
		o.RecoveryBufferSize = 100
	}
	if o.SocketQueue <= 0 {
		o.SocketQueue = 4096
	}
	if o.WebhookQueue <= 0 {
		o.WebhookQueue = 100
	}
	if o.WebhookTimeout <= 0 {
		o.WebhookTimeout = 3 * time.Second
	}
	if o.WebhookBlacklistAfter <= 0 {
		o.WebhookBlacklistAfter = 5
	}
}

// Dialect serves the RingCentral API for the scenario's RingCentral
// accounts on top of a simulator core.
type Dialect struct {
	// slowSocketsClosed counts sockets closed because their send queue was
	// full: a subscriber too slow to keep up (see Stats).
	slowSocketsClosed atomic.Int64

	sim  *simulator.Sim
	opts Options
	// dirp is the directory, replaced whole (copy on write) when a tenant
	// is added or removed at runtime (tenants.go), so readers (the Namer
	// under the sim's lock, every request) never lock (simulator/tenancy).
	dirp tenancy.Directory[directory]

	accessTTL, refreshTTL time.Duration

	// rnd draws subscription ids, session ids and notification uuids;
	// seeded from the scenario so runs are reproducible. Tokens come from
	// crypto/rand unless the scenario sets reproducibleSecrets (secret).
	rndMu               sync.Mutex
	rnd                 *rand.Rand
	reproducibleSecrets bool

	auth    *tokenStore
	subs    *subscriptions
	media   *mediaState
	egress  egress.Policy  // where webhooks may be delivered
	limits  *rateLimiter   // ratelimit.go
	outbox  *faults.Outbox // faults.go
	calllog *callLog       // calllog.go

	pipeline *notify.Pipeline // the fan-out of core events (notify.go)
	// targets is publish's scratch list of the subscriptions an event is
	// due, reused from event to event; publishMu guards it (the dispatcher
	// publishes, and tests call publish beside it).
	publishMu sync.Mutex
	targets   []subTarget
	// outboxHolds is set once a reorder fault has held a notification
	// back: from then on every notification passes the outbox, which
	// releases it (faultsQuiet).
	outboxHolds atomic.Bool

	restapi http.Handler // the mounted /restapi routes, for REST over WebSocket
	stop    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
}

// New builds the dialect for the scenario's RingCentral accounts and
// registers its Namer with sim. The scenario must already be applied to sim.
func New(sim *simulator.Sim, sc *scenario.Scenario, opts Options) (*Dialect, error) {
	if sim == nil || sc == nil {
		return nil, errors.New("ringcentral: New needs a sim and a scenario")
	}
	rc := SectionOf(sc)
	if rc == nil {
		return nil, errors.New("ringcentral: the scenario has no ringcentral section")
	}
	opts.defaults()
	dir, err := newDirectory(rc)
	if err != nil {
		return nil, err
	}
	d := &Dialect{
		sim:        sim,
		opts:       opts,
		accessTTL:  rc.AccessTokenTTL.D(),
		refreshTTL: rc.RefreshTokenTTL.D(),
		rnd:        rand.New(rand.NewSource(sc.Seed + 0x5c)),

		reproducibleSecrets: sc.ReproducibleSecrets,
		egress:              egress.Policy{Hosts: sc.WebhookHosts},
		stop:                make(chan struct{}),
	}
	if d.opts.HTTPClient == nil {
		d.opts.HTTPClient = d.egress.Client(d.opts.WebhookTimeout)
	}
	if d.accessTTL <= 0 {
		d.accessTTL = time.Hour
	}
	if d.refreshTTL <= 0 {
		d.refreshTTL = 7 * 24 * time.Hour
	}
	d.auth = newTokenStore()
	d.auth.ownClock = sim.TenantClock
	d.subs = newSubscriptions()
	d.media = newMediaState()
	d.limits = newRateLimiter(rc, sim.Clock())
	d.dirp.Store(dir)
	d.initFaults()
	sim.AddNamer(namer{dir: d.dir})
	d.calllog = newCallLog()
	d.startPipeline()
	return d, nil
}

// Mount adds the dialect's routes to r: everything under /restapi and the
// WebSocket path. Every request is journaled.
func (d *Dialect) Mount(r *mux.Router) {
	journal := journalhttp.Middleware(d.sim.Journal(), dialectName, d.sim.Clock())
	api := r.PathPrefix("/restapi").Subrouter()
	d.routes(api, func(h http.Handler) http.Handler {
		return journal(d.checkRequest(limitBody(d.rateLimit(d.contracts(h)))))
	})
	d.restapi = api
	r.Handle(d.opts.WebSocketPath, journal(http.HandlerFunc(d.serveWebSocket)))
}

// Close closes every socket, stops delivery and waits for the dialect's
// goroutines to end.
// GoingAway closes every WebSocket with a going-away close frame (1001).
// pbxsim calls it as soon as shutdown begins: the HTTP server does not
// track hijacked sockets, so they would otherwise outlive the requests in
// flight and then be dropped.
func (d *Dialect) GoingAway() { d.subs.closeAll() }

// Close stops the dialect: sockets, webhooks, the notification dispatcher.
func (d *Dialect) Close() {
	d.once.Do(func() {
		close(d.stop)
		d.outbox.Close()
		d.subs.closeAll()
		d.pipeline.Close()
	})
	d.wg.Wait()
}

func (d *Dialect) now() time.Time { return d.sim.Now() }

// nowFor is the time on an account's clock: its own (tenant clocks,
// simulator.Sim.ClockOf) or the Sim's.
func (d *Dialect) nowFor(account string) time.Time { return d.sim.NowOf(account) }

// draw runs f with the dialect's seeded random source.
func (d *Dialect) draw(f func(r *rand.Rand)) {
	d.rndMu.Lock()
	defer d.rndMu.Unlock()
	f(d.rnd)
}

func (d *Dialect) randomHex(n int) string {
	var s string
	d.draw(func(r *rand.Rand) { s = hexOf(r, n) })
	return s
}

// secret returns n hex digits for a token: from crypto/rand, so a token
// cannot be derived from the public seed (issue 10 item 2), or from the
// seeded source when the scenario asks for reproducible secrets. The
// seeded source is drawn from either way, so the IDs that follow are the
// same with and without reproducible secrets.
func (d *Dialect) secret(n int) string {
	seeded := d.randomHex(n)
	if d.reproducibleSecrets {
		return seeded
	}
	b := make([]byte, (n+1)/2)
	_, _ = cryptorand.Read(b) // never fails (crypto/rand.Read, Go 1.24+)
	return hex.EncodeToString(b)[:n]
}

func (d *Dialect) randomDigits(n int) string {
	var s string
	d.draw(func(r *rand.Rand) { s = digitsOf(r, n) })
	return s
}

func (d *Dialect) uuid() string {
	h := d.randomHex(32)
	// Concatenated, not fmt.Sprintf: a fan-out renders one per subscriber.
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// drawDigits fills u with a notification's uuid: 19 decimal digits, the
// first not 0, the shape of the vendor's notification uuids
// (reference/ringcentral.md §2.2). One 64-bit draw makes them all (the
// first digit from the draw mod 9, the other 18 from the rest), not a
// draw per digit: a fan-out to 1,000 subscribers draws one per subscriber
// on the dispatcher, and 20 draws each were most of its time (issue 16,
// fan-out). The IDs stay reproducible for a seed.
func (d *Dialect) drawDigits(u *[19]byte) {
	d.rndMu.Lock()
	x := d.rnd.Uint64()
	d.rndMu.Unlock()
	u[0] = byte('1' + x%9)
	x /= 9
	for i := len(u) - 1; i > 0; i-- {
		u[i] = byte('0' + x%10)
		x /= 10
	}
}

// requestID is the 32 hex digits of an RCRequestId, two to a byte: what
// a socket's writer needs to render the RCRequestId the dispatcher drew.
type requestID [16]byte

// drawRequestID fills id with two 64-bit draws (rendered by appendRID in
// uuid's shape), for the same reason as drawDigits.
func (d *Dialect) drawRequestID(id *requestID) {
	d.rndMu.Lock()
	hi, lo := d.rnd.Uint64(), d.rnd.Uint64()
	d.rndMu.Unlock()
	binary.BigEndian.PutUint64(id[:8], hi)
	binary.BigEndian.PutUint64(id[8:], lo)
}

// appendRID appends the RCRequestId id holds, in the shape uuid renders.
func appendRID(b []byte, id *requestID) []byte {
	const digits = "0123456789abcdef"
	for i := 0; i < 32; i++ {
		c := digits[id[i/2]>>(4*(1-i%2))&0xf]
		switch i {
		case 8, 20:
			b = append(b, '-', c)
		case 12:
			b = append(b, '-', '4')
		case 16:
			b = append(b, '-', 'a')
		default:
			b = append(b, c)
		}
	}
	return b
}

// dir returns the current directory.
func (d *Dialect) dir() *directory { return d.dirp.Load() }

// directory is the RingCentral side of the scenario. A directory is never
// changed once published: tenants.go builds a new one to add or remove an
// account, so the Namer (called under the sim's lock) reads it unlocked.
type directory struct {
	accounts map[string]*account
	order    []*account
	clients  map[string]string // client id -> secret
	// byNumber finds an extension by one of its E.164 numbers.
	byNumber map[string]*extension
}

type account struct {
	ID         string
	Name       string
	MainNumber string
	Quirks     map[string]string
	exts       map[string]*extension // by extension id
	byExt      map[string]*extension // by extension number
	order      []*extension
}

type extension struct {
	ID        string
	Number    string
	Name      string
	AccountID string
	Numbers   []string
	Devices   []scenario.Device
	JWT       string
	Password  string
}

func newDirectory(rc *Section) (*directory, error) {
	dir := &directory{
		accounts: map[string]*account{},
		clients:  map[string]string{},
		byNumber: map[string]*extension{},
	}
	for _, c := range rc.Clients {
		dir.clients[c.ID] = c.Secret
	}
	for _, a := range rc.Accounts {
		acc := &account{ID: a.ID, Name: a.Name, MainNumber: a.MainNumber, Quirks: a.Quirks,
			exts: map[string]*extension{}, byExt: map[string]*extension{}}
		for _, e := range a.Extensions {
			x := &extension{ID: e.ID, Number: e.Number, Name: e.Name, AccountID: a.ID,
				Numbers: e.PhoneNumbers, Devices: e.Devices, JWT: e.JWT, Password: e.Password}
			acc.exts[x.ID] = x
			acc.byExt[x.Number] = x
			acc.order = append(acc.order, x)
			for _, n := range x.Numbers {
				dir.byNumber[n] = x
			}
		}
		if _, dup := dir.accounts[acc.ID]; dup {
			return nil, fmt.Errorf("ringcentral: account %s appears twice", acc.ID)
		}
		dir.accounts[acc.ID] = acc
		dir.order = append(dir.order, acc)
	}
	return dir, nil
}

func (dir *directory) extension(accountID, extID string) (*extension, bool) {
	a, ok := dir.accounts[accountID]
	if !ok {
		return nil, false
	}
	x, ok := a.exts[extID]
	return x, ok
}

// owner returns the RingCentral extension an endpoint is, if any.
func (dir *directory) owner(ep simulator.Endpoint) (*extension, bool) {
	if !ep.IsUser() {
		return nil, false
	}
	return dir.extension(ep.TenantID, ep.UserID)
}

// quirk returns the value an account selected for one of this dialect's quirks.
func (dir *directory) quirk(accountID, name string) string {
	var sel map[string]string
	if a, ok := dir.accounts[accountID]; ok {
		sel = a.Quirks
	}
	return scenario.QuirkValue(sel, dialectName, name)
}

// Stats reports counters for load tests and metrics: sockets closed for
// being slow, sockets open, subscriptions held, and the tokens (access,
// refresh, ws) the store holds.
func (d *Dialect) Stats() map[string]int64 {
	d.subs.mu.Lock()
	subs := len(d.subs.byID)
	sessions := make([]*wsSession, 0, len(d.subs.wsSessions))
	for _, s := range d.subs.wsSessions {
		sessions = append(sessions, s)
	}
	d.subs.mu.Unlock()
	var sockets int64
	for _, s := range sessions {
		s.mu.Lock()
		if s.conn != nil {
			sockets++
		}
		s.mu.Unlock()
	}
	a, r, ws, _ := d.auth.sizes()
	return map[string]int64{"ringcentral.slowSocketsClosed": d.slowSocketsClosed.Load(),
		"ringcentral.sockets": sockets, "ringcentral.subscriptions": int64(subs),
		"ringcentral.tokens": int64(a + r + ws)}
}
