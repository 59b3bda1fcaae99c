package netsapiens

import (
	"sync"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Token-store upkeep (issue 10 item 19): an access token, a refresh token
// or a revoked JWT id is forgotten expiredMemory after it expired, so a
// long-running pbxsim keeps only live credentials. The sweep is amortised:
// an issue or revocation sweeps the whole store at most once per
// purgeEvery of simulator time, so the cost per request stays O(1) on
// average and no timer runs while nobody logs in.
const (
	purgeEvery = time.Minute
	// expiredMemory keeps a just-expired token long enough to answer
	// "has expired" rather than "invalid" (inferred: the vendor says nothing).
	expiredMemory = time.Hour
)

// credentials holds what the dialect issued or was given.
type credentials struct {
	mu        sync.Mutex
	keys      map[string]principal
	access    map[string]principal    // access token -> who, with expiry
	refresh   map[string]refreshGrant // refresh token -> who, with expiry
	revoked   map[string]revokedJWT   // revoked JWT id -> its domain and when it expires
	secret    []byte                  // HMAC key for JWTs
	nextPurge time.Time
	// ownClock finds a domain's own clock (simulator.Sim.TenantClock): a
	// domain with one expires its credentials on it. Nil: no domain has
	// one.
	ownClock func(domain string) (*simulator.ManualClock, bool)
}

type revokedJWT struct {
	domain  string
	expires time.Time
}

type refreshGrant struct {
	domain, user, clientID string
	expires                time.Time
}

func newCredentials(sc *scenario.Scenario, secret []byte) *credentials {
	c := &credentials{
		keys:    map[string]principal{},
		access:  map[string]principal{},
		refresh: map[string]refreshGrant{},
		revoked: map[string]revokedJWT{},
		secret:  secret,
	}
	ns := SectionOf(sc)
	if ns == nil {
		return c
	}
	for _, d := range ns.Domains {
		for _, k := range d.APIKeys {
			scope := keyScope[k.Key[:4]]
			c.keys[k.Key] = principal{
				kind: "apikey", domain: d.Name, user: k.User, scope: scope,
				level: levelOfScope(scope), readOnly: k.ReadOnly,
			}
		}
	}
	return c
}

func (c *credentials) key(k string) (principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.keys[k]
	return p, ok
}

func (c *credentials) accessToken(tok string) (principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.access[tok]
	return p, ok
}

// issue stores a new access token and its refresh token.
func (c *credentials) issue(now time.Time, access string, p principal, refresh string, g refreshGrant) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.purge(now)
	c.access[access] = p
	c.refresh[refresh] = g
}

// spendRefresh uses up a refresh token of clientID. A token of another
// client is refused and stays usable; an expired one is refused.
func (c *credentials) spendRefresh(tok, clientID string, now time.Time) (refreshGrant, *apiError) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g, ok := c.refresh[tok]
	if !ok || g.clientID != clientID {
		return refreshGrant{}, refuse(errUnauthenticated, "Invalid refresh token")
	}
	if !now.Before(g.expires) {
		return refreshGrant{}, refuse(errUnauthenticated, "Refresh token has expired")
	}
	delete(c.refresh, tok) // a refresh token is good once
	return g, nil
}

// revoke marks a JWT id of domain revoked until the JWT expires; it
// reports false when the id was revoked already.
func (c *credentials) revoke(jti, domain string, expires, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.purge(now)
	if _, done := c.revoked[jti]; done {
		return false
	}
	c.revoked[jti] = revokedJWT{domain, expires}
	return true
}

func (c *credentials) isRevoked(jti string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.revoked[jti]
	return ok
}

// purge forgets what expired more than expiredMemory ago, at most once
// per purgeEvery; c.mu is held. A revoked JWT id can go once the JWT has
// expired, since an expired JWT is refused before revocation is checked.
// now is the Sim's time, which paces the sweep; each credential expires on
// its domain's clock (tenant clocks).
func (c *credentials) purge(now time.Time) {
	if now.Before(c.nextPurge) {
		return
	}
	c.nextPurge = now.Add(purgeEvery)
	nowOf := func(domain string) time.Time {
		if c.ownClock != nil {
			if own, ok := c.ownClock(domain); ok {
				return own.Now()
			}
		}
		return now
	}
	for tok, p := range c.access {
		if p.expires.Before(nowOf(p.domain).Add(-expiredMemory)) {
			delete(c.access, tok)
		}
	}
	for tok, g := range c.refresh {
		if g.expires.Before(nowOf(g.domain).Add(-expiredMemory)) {
			delete(c.refresh, tok)
		}
	}
	for jti, r := range c.revoked {
		if !nowOf(r.domain).Before(r.expires) {
			delete(c.revoked, jti)
		}
	}
}

// sizes reports how many access tokens, refresh tokens and revoked JWT
// ids the store holds.
func (c *credentials) sizes() (access, refresh, revoked int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.access), len(c.refresh), len(c.revoked)
}
