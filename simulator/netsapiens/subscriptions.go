package netsapiens

import (
	"net/http"
	"net/url"
	"sort"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/notify"
)

// Subscription models SPEC45 accepts. pbxsim posts only "call" and
// "call_origid"; the others are stored and listed but never fire.
var subscriptionModels = map[string]bool{
	"agent": true, "auditlog": true, "auditlog_lite": true, "call": true, "call_origid": true,
	"cdr": true, "message": true, "messagesession": true, "subscriber": true, "presence": true, "voicemail": true,
}

// subscription is one event subscription (SPEC45 Subscription). Its
// fields are guarded by subscriptions.mu.
type subscription struct {
	id, model, postURL, geo, scope, reseller, domain, user, preferred, current, status string
	errorCount, postsCount                                                             int
	created, expires                                                                   time.Time
	timeFormat                                                                         string // datetimes.go

	owner     string            // the credential that created it, "domain/user" (limits.go)
	posting   bool              // a worker is running for it
	failures  int               // posts failed in a row
	disabled  bool              // failed FailureLimit posts in a row: nothing is posted
	lastPost  map[string]string // call ID -> last body posted (visible.go)
	since     uint64            // the core's last event when it was made: older ones are not posted
	unchanged int               // changes not posted: they read the same (visible.go)

	pending notify.Queue[[]byte] // rendered posts waiting for the worker (delivery.go)
}

func (s *subscription) view() object {
	return object{
		{"id", s.id}, {"subscription-geo-support", s.geo}, {"post-url", s.postURL}, {"model", s.model},
		{"user-scope", s.scope}, {"reseller", s.reseller}, {"domain", s.domain}, {"user", s.user},
		{"preferred-server", s.preferred}, {"current-active-server", s.current}, {"status", s.status},
		{"error-count", s.errorCount}, {"posts-count", s.postsCount},
		{"subscription-creation-datetime", subscriptionTime(s.created, s.timeFormat)},
		{"subscription-expires-datetime", subscriptionTime(s.expires, s.timeFormat)},
	}
}

// visibleTo reports whether a principal may see the subscription: each
// scope sees what it could have created.
func (s *subscription) visibleTo(p principal) bool {
	switch {
	case p.level >= levelReseller:
		return true
	case p.level == levelDomain:
		return s.domain == p.domain
	default:
		return s.domain == p.domain && s.user == p.user
	}
}

// subscriptions holds the dialect's event subscriptions and delivers to them.
type subscriptions struct {
	d        *Dialect
	pipeline *notify.Pipeline // delivery.go

	mu     sync.Mutex
	byID   map[string]*subscription
	closed bool
	outbox *faults.Outbox // delayed, duplicated, reordered posts (faults.go)
	// nextSweep is when a create may next forget expired subscriptions (limits.go).
	nextSweep time.Time

	// afterPost, when set (by tests), runs after each delivery attempt has
	// been counted.
	afterPost func(id string)
	// afterResync, when set (by tests), runs after an event overflow was
	// journaled and delivery subscribed again (delivery.go).
	afterResync func(lost int)
}

// listSubscriptions is GET /subscriptions and GET /domains/{domain}/subscriptions.
func (d *Dialect) listSubscriptions(w http.ResponseWriter, r *http.Request) {
	p, domain, err := d.subscriptionScope(r)
	if err != nil {
		writeError(w, err)
		return
	}
	d.subs.mu.Lock()
	out := []object{}
	var list []*subscription
	for _, s := range d.subs.byID {
		if s.visibleTo(p) && (domain == "" || s.domain == domain) {
			list = append(list, s)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].created.Equal(list[j].created) {
			return list[i].created.Before(list[j].created)
		}
		return list[i].id < list[j].id
	})
	for _, s := range list {
		out = append(out, s.view())
	}
	d.subs.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// subscriptionScope authenticates and resolves an optional {domain}.
func (d *Dialect) subscriptionScope(r *http.Request) (principal, string, *apiError) {
	p, err := d.authenticate(r)
	if err != nil {
		return principal{}, "", err
	}
	raw, ok := mux.Vars(r)["domain"]
	if !ok {
		return p, "", nil
	}
	dom, err := d.domainFor(p, raw)
	return p, dom, err
}

// lookup finds a subscription the caller may see; a foreign one reads
// like an unknown one. It runs with subs.mu held.
func (d *Dialect) lookupSubscription(p principal, domain, id string) (*subscription, *apiError) {
	s, ok := d.subs.byID[id]
	if !ok || !s.visibleTo(p) || (domain != "" && s.domain != domain) {
		return nil, refuse(errNoSuchResource, "Subscription %s does not exist", id)
	}
	return s, nil
}

func (d *Dialect) readSubscription(w http.ResponseWriter, r *http.Request) {
	p, domain, err := d.subscriptionScope(r)
	if err != nil {
		writeError(w, err)
		return
	}
	d.subs.mu.Lock()
	s, err := d.lookupSubscription(p, domain, mux.Vars(r)["id"])
	var v object
	if err == nil {
		v = s.view()
	}
	d.subs.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// createSubscription is POST /subscriptions and POST /domains/{domain}/subscriptions.
func (d *Dialect) createSubscription(w http.ResponseWriter, r *http.Request) {
	p, pathDomain, err := d.subscriptionScope(r)
	if err == nil {
		err = mayWrite(p)
	}
	var b body
	if err == nil {
		b, err = readBody(r)
	}
	var s *subscription
	if err == nil {
		s, err = d.newSubscription(p, pathDomain, b)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	d.subs.mu.Lock()
	for _, o := range d.subs.byID {
		if o.model == s.model && o.postURL == s.postURL && o.domain == s.domain && o.user == s.user && o.reseller == s.reseller {
			d.subs.mu.Unlock()
			// SPEC45: the 409 body has a message and no code.
			writeDuplicateSubscription(w)
			return
		}
	}
	if err := d.subs.checkLimits(s, d.sim.NowOf(s.domain)); err != nil {
		d.subs.mu.Unlock()
		writeError(w, err)
		return
	}
	// Changes made before the subscription existed are not its to post,
	// however late the pipeline gets to them.
	s.since = d.sim.LastEventSeq()
	if !d.subs.add(s) {
		d.subs.mu.Unlock()
		writeError(w, refuse(errShuttingDown, "pbxsim is shutting down"))
		return
	}
	v := s.view()
	d.subs.mu.Unlock()
	writeJSON(w, http.StatusOK, v)
}

// newSubscription checks a create body against the caller's scope.
func (d *Dialect) newSubscription(p principal, pathDomain string, b body) (*subscription, *apiError) {
	model, err := b.required("model")
	if err != nil {
		return nil, err
	}
	if !subscriptionModels[model] {
		return nil, refuse(errInvalidRequest, "Unknown model %q", model)
	}
	postURL, err := b.required("post-url")
	if err != nil {
		return nil, err
	}
	if err := checkPostURL(postURL); err != nil {
		return nil, err
	}
	geo, err := yesNo(b, "subscription-geo-support", "yes")
	if err != nil {
		return nil, err
	}
	domain := pathDomain
	if domain == "" {
		if domain, err = b.optional("domain"); err != nil {
			return nil, err
		}
		switch {
		case domain == "" && p.level == levelSuper:
			domain = "*"
		case domain == "":
			domain = p.domain
		}
		if domain == "*" && p.level < levelSuper {
			return nil, refuse(errDenied, "domain * needs a Super User: %s", msgDomainDenied)
		}
		if domain != "*" {
			if domain, err = d.domainFor(p, domain); err != nil {
				return nil, err
			}
		}
	}
	user, err := b.optional("user")
	if err != nil {
		return nil, err
	}
	if user == "" || (user == "*" && p.level == levelUser) {
		user = "*"
		if p.level == levelUser {
			user = p.user
		}
	}
	if user != "*" {
		if domain == "*" {
			return nil, refuse(errInvalidRequest, "user %s needs a domain", user)
		}
		if user, err = d.userFor(p, domain, user); err != nil {
			return nil, err
		}
	}
	now := d.sim.NowOf(domain)       // "*" and unknown domains read the Sim's clock
	expires := now.AddDate(20, 0, 0) // an API key's subscription lasts 20 years (SPEC45)
	if !p.expires.IsZero() {
		expires = p.expires
	}
	if raw, err := b.optional("subscription-expires-datetime"); err != nil {
		return nil, err
	} else if raw != "" {
		t, ok := parseSubscriptionTime(raw, d.subscriptionTimeFormat(domain))
		if !ok {
			return nil, refuse(errInvalidRequest, "subscription-expires-datetime must be YYYY-MM-DD HH:MM:SS, not %q", raw)
		}
		expires = t
	}
	preferred, err := b.optional("preferred-server")
	if err != nil {
		return nil, err
	}
	if preferred == "" {
		preferred = d.core
	}
	// Where the posts may go is checked last, once the caller is known to
	// be allowed the subscription at all.
	if err := d.checkDeliveryAddress(postURL); err != nil {
		return nil, err
	}
	return &subscription{
		id: d.randomHex(32), model: model, postURL: postURL, geo: geo, scope: p.scope,
		reseller: "*", domain: domain, user: user, preferred: preferred, status: "pending",
		created: now, expires: expires, owner: ownerOf(p), timeFormat: d.subscriptionTimeFormat(domain),
	}, nil
}

func checkPostURL(raw string) *apiError {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return refuse(errInvalidRequest, "post-url must be an http:// or https:// URL, not %q", raw)
	}
	return nil
}

func yesNo(b body, key, def string) (string, *apiError) {
	v, err := b.optional(key)
	if err != nil {
		return "", err
	}
	if v == "" {
		return def, nil
	}
	if v != "yes" && v != "no" {
		return "", refuse(errInvalidRequest, "%s must be yes or no, not %q", key, v)
	}
	return v, nil
}

// updateSubscription is PUT (/domains/{domain})/subscriptions/{id}: 202.
// The counters may only be set back to 0.
func (d *Dialect) updateSubscription(w http.ResponseWriter, r *http.Request) {
	p, domain, err := d.subscriptionScope(r)
	if err == nil {
		err = mayWrite(p)
	}
	var b body
	if err == nil {
		b, err = readBody(r)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	type change struct {
		key string
		set func(s *subscription, v string) *apiError
	}
	changes := []change{
		{"post-url", func(s *subscription, v string) *apiError {
			if err := checkPostURL(v); err != nil {
				return err
			}
			if err := d.checkDeliveryAddress(v); err != nil {
				return err
			}
			if v != s.postURL {
				s.enable()
			}
			s.postURL = v
			return nil
		}},
		{"model", func(s *subscription, v string) *apiError {
			if !subscriptionModels[v] {
				return refuse(errInvalidRequest, "Unknown model %q", v)
			}
			s.model = v
			return nil
		}},
		{"subscription-geo-support", func(s *subscription, v string) *apiError {
			if v != "yes" && v != "no" {
				return refuse(errInvalidRequest, "subscription-geo-support must be yes or no, not %q", v)
			}
			s.geo = v
			return nil
		}},
		{"subscription-expires-datetime", func(s *subscription, v string) *apiError {
			t, ok := parseSubscriptionTime(v, s.timeFormat)
			if !ok {
				return refuse(errInvalidRequest, "subscription-expires-datetime must be YYYY-MM-DD HH:MM:SS, not %q", v)
			}
			s.expires = t
			return nil
		}},
		{"preferred-server", func(s *subscription, v string) *apiError { s.preferred = v; return nil }},
		{"error-count", func(s *subscription, v string) *apiError {
			if v != "0" {
				return refuse(errInvalidRequest, "error-count can only be reset to 0")
			}
			s.errorCount = 0
			s.enable()
			return nil
		}},
		{"posts-count", func(s *subscription, v string) *apiError {
			if v != "0" {
				return refuse(errInvalidRequest, "posts-count can only be reset to 0")
			}
			s.postsCount = 0
			return nil
		}},
	}
	d.subs.mu.Lock()
	defer d.subs.mu.Unlock()
	s, err := d.lookupSubscription(p, domain, mux.Vars(r)["id"])
	if err != nil {
		writeError(w, err)
		return
	}
	// Apply to a copy so a refused field leaves the subscription unchanged.
	next := *s
	for _, c := range changes {
		if _, present := b[c.key]; !present {
			continue
		}
		v, err := b.optional(c.key)
		if err == nil {
			err = c.set(&next, v)
		}
		if err != nil {
			writeError(w, err)
			return
		}
	}
	*s = next
	writeAccepted(w)
}

// deleteSubscription is DELETE (/domains/{domain})/subscriptions/{id}: 202.
func (d *Dialect) deleteSubscription(w http.ResponseWriter, r *http.Request) {
	p, domain, err := d.subscriptionScope(r)
	if err == nil {
		err = mayWrite(p)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	d.subs.mu.Lock()
	s, err := d.lookupSubscription(p, domain, mux.Vars(r)["id"])
	if err == nil {
		d.subs.remove(s)
	}
	d.subs.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	writeAccepted(w)
}

// wantsEvent reports whether a change of call c concerns the subscription.
func (s *subscription) wantsEvent(c simulator.Call, now time.Time) bool {
	if s.model != "call" && s.model != "call_origid" {
		return false
	}
	if !now.Before(s.expires) {
		return false
	}
	if s.domain != "*" && !inDomain(c, s.domain) {
		return false
	}
	if s.user == "*" {
		return true
	}
	for _, l := range c.Legs {
		for _, e := range []simulator.Endpoint{l.Endpoint, l.To} {
			if e.TenantID == s.domain && e.UserID == s.user {
				return true
			}
		}
	}
	return false
}

// profileFor picks the quirks a delivery renders with: the subscription's
// domain, or for "*" the first NetSapiens domain in the call.
func (d *Dialect) profileFor(domain string, c simulator.Call) profile {
	if p, ok := d.dir().profiles[domain]; ok {
		return p
	}
	for _, l := range c.Legs {
		if p, ok := d.dir().profiles[l.Endpoint.TenantID]; ok {
			return p
		}
	}
	return newProfile(nil)
}
