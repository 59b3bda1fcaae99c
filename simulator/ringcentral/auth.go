package ringcentral

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/journalhttp"
)

// grantInfo is who a token speaks for.
type grantInfo struct {
	AccountID   string
	ExtensionID string
	ClientID    string
	SessionID   string
	EndpointID  string
}

type accessToken struct {
	grantInfo
	expires time.Time
	refresh string
}

type refreshToken struct {
	grantInfo
	expires   time.Time
	access    string
	accessTTL time.Duration
}

type wsToken struct {
	grantInfo
	expires time.Time
}

// scopes granted to every token: what the supported endpoints need.
const grantedScope = "CallControl ReadAccounts ReadCallLog ReadPresence RingOut SubscriptionWebhook VoipCalling WebSocket"

type tokenInfo struct {
	AccessToken           string `json:"access_token"`
	TokenType             string `json:"token_type"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
	Scope                 string `json:"scope"`
	OwnerID               string `json:"owner_id"`
	EndpointID            string `json:"endpoint_id"`
	SessionID             string `json:"session_id"`
}

// issue creates an access/refresh token pair.
func (d *Dialect) issue(g grantInfo, accessTTL, refreshTTL time.Duration) tokenInfo {
	now := d.nowFor(g.AccountID) // the tokens live on the account's clock
	simNow := d.now()            // the store's upkeep runs on the Sim's
	at := "rcsim-at-" + d.secret(40)
	rt := "rcsim-rt-" + d.secret(40)
	d.auth.mu.Lock()
	d.auth.purgeLocked(simNow)
	d.auth.access[at] = &accessToken{grantInfo: g, expires: now.Add(accessTTL), refresh: rt}
	d.auth.refresh[rt] = &refreshToken{grantInfo: g, expires: now.Add(refreshTTL), access: at, accessTTL: accessTTL}
	d.auth.track(kindAccess, at, simNow.Add(accessTTL+expiredGrace))
	d.auth.track(kindRefresh, rt, simNow.Add(refreshTTL+expiredGrace))
	d.auth.mu.Unlock()
	return tokenInfo{
		AccessToken: at, TokenType: "bearer", ExpiresIn: int64(accessTTL / time.Second),
		RefreshToken: rt, RefreshTokenExpiresIn: int64(refreshTTL / time.Second),
		Scope: grantedScope, OwnerID: g.ExtensionID, EndpointID: g.EndpointID, SessionID: g.SessionID,
	}
}

// serveToken is POST /restapi/oauth/token (reference §4.6).
func (d *Dialect) serveToken(w http.ResponseWriter, r *http.Request) {
	if e := parseForm(r); e != nil {
		writeOAuthError(w, e)
		return
	}
	clientID, e := d.authenticateClient(r)
	if e != nil {
		writeOAuthError(w, e)
		return
	}
	g := grantInfo{ClientID: clientID}
	accessTTL := ttlParam(r.PostForm.Get("access_token_ttl"), d.accessTTL)
	refreshTTL := ttlParam(r.PostForm.Get("refresh_token_ttl"), d.refreshTTL)
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		x, ok := d.dir().byJWT(r.PostForm.Get("assertion"))
		if !ok {
			writeOAuthError(w, refuseOAuth(oauthInvalidJWT, "the assertion is not the jwt of any extension"))
			return
		}
		g.AccountID, g.ExtensionID = x.AccountID, x.ID
	case "password":
		x, ok := d.dir().byLogin(r.PostForm.Get("username"), r.PostForm.Get("extension"))
		if !ok || x.Password == "" || x.Password != r.PostForm.Get("password") {
			writeOAuthError(w, refuseOAuth(oauthInvalidCredentials, ""))
			return
		}
		g.AccountID, g.ExtensionID = x.AccountID, x.ID
	case "refresh_token":
		old, e := d.takeRefreshToken(r.PostForm.Get("refresh_token"), clientID)
		if e != nil {
			writeOAuthError(w, e)
			return
		}
		g = old.grantInfo
		if r.PostForm.Get("access_token_ttl") == "" {
			accessTTL = old.accessTTL
		}
		writeJSON(w, http.StatusOK, d.issue(g, accessTTL, refreshTTL))
		journalhttp.SetTenant(r, g.AccountID)
		return
	case "":
		writeOAuthError(w, refuseOAuth(oauthUnsupportedGrant, "grant_type is missing"))
		return
	default:
		writeOAuthError(w, refuseOAuth(oauthUnsupportedGrant, gt))
		return
	}
	g.SessionID = d.randomDigits(12)
	g.EndpointID = r.PostForm.Get("endpoint_id")
	if g.EndpointID == "" {
		g.EndpointID = d.randomHex(22)
	}
	journalhttp.SetTenant(r, g.AccountID)
	writeJSON(w, http.StatusOK, d.issue(g, accessTTL, refreshTTL))
}

// takeRefreshToken spends a refresh token: RingCentral rotates them, so the
// old pair stops working once a new one is issued.
func (d *Dialect) takeRefreshToken(rt, clientID string) (*refreshToken, *oauthError) {
	d.auth.mu.Lock()
	defer d.auth.mu.Unlock()
	old, ok := d.auth.refresh[rt]
	if !ok || old.ClientID != clientID {
		// A token of another app answers like an unknown one.
		return nil, refuseOAuth(oauthTokenNotFound, "")
	}
	if !d.nowFor(old.AccountID).Before(old.expires) {
		delete(d.auth.refresh, rt)
		return nil, refuseOAuth(oauthTokenExpired, "")
	}
	delete(d.auth.refresh, rt)
	delete(d.auth.access, old.access)
	return old, nil
}

// serveRevoke is POST /restapi/oauth/revoke: the token (access or refresh)
// and its pair stop working. Unknown tokens are accepted silently, as
// RFC 7009 §2.2 asks. The app must authenticate as at the token endpoint,
// with its secret when it has one, and may revoke only tokens issued to
// it (RFC 7009 §2.1; issue 10 item 5): a token of another app is refused
// with 400 invalid_grant (the code is inferred, docs/limits.md).
func (d *Dialect) serveRevoke(w http.ResponseWriter, r *http.Request) {
	if e := parseForm(r); e != nil {
		writeOAuthError(w, e)
		return
	}
	clientID, e := d.authenticateClient(r)
	if e != nil {
		writeOAuthError(w, e)
		return
	}
	if _, _, basic := r.BasicAuth(); !basic && r.PostForm.Get("client_secret") == "" && d.dir().clients[clientID] != "" {
		writeOAuthError(w, refuseOAuth(oauthInvalidClient, clientID+" has a secret; revoking a token needs it (HTTP Basic client_id:client_secret)"))
		return
	}
	tok := r.Form.Get("token")
	if tok == "" {
		writeOAuthError(w, refuseOAuth(oauthBadRequest, "Parameter [token] is missing"))
		return
	}
	d.auth.mu.Lock()
	owner, known := "", false
	if at, ok := d.auth.access[tok]; ok {
		owner, known = at.ClientID, true
	} else if rt, ok := d.auth.refresh[tok]; ok {
		owner, known = rt.ClientID, true
	}
	if known && owner != clientID {
		d.auth.mu.Unlock()
		writeOAuthError(w, refuseOAuth(oauthTokenNotFound, "the token was not issued to "+clientID))
		return
	}
	if at, ok := d.auth.access[tok]; ok {
		delete(d.auth.refresh, at.refresh)
		delete(d.auth.access, tok)
	}
	if rt, ok := d.auth.refresh[tok]; ok {
		delete(d.auth.access, rt.access)
		delete(d.auth.refresh, tok)
	}
	d.auth.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// serveWSToken is POST /restapi/oauth/wstoken (reference §4.4): a token
// for the notification socket, whose uri points back at this server.
func (d *Dialect) serveWSToken(w http.ResponseWriter, r *http.Request) {
	id, err := d.bearer(r)
	if err != nil {
		writeError(w, err)
		return
	}
	base := wsBase(r)
	if strings.HasSuffix(base, "://") {
		writeError(w, invalidParam("Host", "", "The request names no host (HTTP/1.0 without a Host header), so no WebSocket URI can be given; send a Host header."))
		return
	}
	tok := "rcsim-ws-" + d.secret(40)
	now, simNow := d.nowFor(id.AccountID), d.now()
	d.auth.mu.Lock()
	d.auth.purgeLocked(simNow)
	d.auth.ws[tok] = &wsToken{grantInfo: id.grantInfo, expires: now.Add(d.opts.WSTokenTTL)}
	d.auth.track(kindWS, tok, simNow.Add(d.opts.WSTokenTTL))
	d.auth.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"uri":             base + d.opts.WebSocketPath,
		"ws_access_token": tok,
		"expires_in":      int64(d.opts.WSTokenTTL / time.Second),
	})
}

// wsGrant checks a ws_access_token. It stays valid for its whole lifetime
// (RCEX reuses it on reconnects, reference §4.4).
func (d *Dialect) wsGrant(tok string) (grantInfo, bool) {
	d.auth.mu.Lock()
	defer d.auth.mu.Unlock()
	t, ok := d.auth.ws[tok]
	if !ok {
		return grantInfo{}, false
	}
	if !d.nowFor(t.AccountID).Before(t.expires) {
		delete(d.auth.ws, tok)
		return grantInfo{}, false
	}
	return t.grantInfo, true
}

// identity is the authenticated caller of a REST request.
type identity struct {
	grantInfo
}

type identityKey struct{}

// bearer authenticates a request by its Bearer access token.
func (d *Dialect) bearer(r *http.Request) (identity, error) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return identity{}, refuse(errTokenNotFound, "the request has no Authorization: Bearer <access_token> header")
	}
	tok = strings.TrimSpace(tok)
	now := d.now()
	d.auth.mu.Lock()
	d.auth.purgeLocked(now)
	at, found := d.auth.access[tok]
	var g grantInfo
	expired := false
	if found {
		g = at.grantInfo
		expired = !d.nowFor(g.AccountID).Before(at.expires)
	}
	d.auth.mu.Unlock()
	switch {
	case !found:
		return identity{}, refuse(errTokenNotFound, "")
	case expired:
		return identity{}, refuse(errTokenExpired, "")
	}
	journalhttp.SetTenant(r, g.AccountID)
	return identity{grantInfo: g}, nil
}

// authenticated wraps a REST handler: the caller must present a valid
// access token; its identity rides in the request context.
func (d *Dialect) authenticated(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := callerOf(r.Context()); ok {
			h(w, r) // REST over WebSocket: the socket's token already authenticated it
			return
		}
		id, err := d.bearer(r)
		if err != nil {
			writeError(w, err)
			return
		}
		h(w, r.WithContext(&identityContext{Context: r.Context(), id: id}))
	}
}

// identityContext is the request context with the caller's identity: one
// allocation, where context.WithValue takes two (its node and the boxed
// identity) on every authenticated request.
type identityContext struct {
	context.Context
	id identity
}

// Value answers identityKey with the context itself (callerOf reads its
// identity) and asks the parent for anything else.
func (c *identityContext) Value(key any) any {
	if _, ok := key.(identityKey); ok {
		return c
	}
	return c.Context.Value(key)
}

// callerOf finds the identity in ctx: an identityContext's, or the one
// REST over WebSocket stores with context.WithValue.
func callerOf(ctx context.Context) (identity, bool) {
	switch v := ctx.Value(identityKey{}).(type) {
	case *identityContext:
		return v.id, true
	case identity:
		return v, true
	}
	return identity{}, false
}

func caller(r *http.Request) identity {
	id, _ := callerOf(r.Context())
	return id
}

// authenticateClient checks the app: HTTP Basic client_id:client_secret,
// or client_id (and client_secret) in the form. A client_id alone is
// accepted as a public client (the JS SDK's mode without a secret).
func (d *Dialect) authenticateClient(r *http.Request) (string, *oauthError) {
	id, secret, basic := r.BasicAuth()
	if !basic {
		id = r.PostForm.Get("client_id")
		secret = r.PostForm.Get("client_secret")
	}
	want, ok := d.dir().clients[id]
	if id == "" {
		return "", refuseOAuth(oauthInvalidClient, "no client_id (send HTTP Basic client_id:client_secret or client_id in the form)")
	}
	if !ok || ((basic || secret != "") && secret != want) {
		return "", refuseOAuth(oauthInvalidClient, id)
	}
	return id, nil
}

func parseForm(r *http.Request) *oauthError {
	if r.Method == http.MethodPost && r.ContentLength != 0 {
		ct := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]))
		if ct != "application/x-www-form-urlencoded" {
			return refuseOAuth(oauthMediaType, "send the form as application/x-www-form-urlencoded, not "+quoteOrNone(ct))
		}
	}
	if err := r.ParseForm(); err != nil {
		return refuseOAuth(oauthBadRequest, "Request body can't be parsed: "+err.Error())
	}
	return nil
}

// ttlParam reads access_token_ttl / refresh_token_ttl: a client may ask
// for a shorter life than the scenario's, never a longer one; a longer
// one, however large, is clamped to the scenario's (docs/limits.md). The
// seconds are compared before they become a Duration, which would
// overflow to a negative life (issue 10 item 9: 10000000000).
func ttlParam(v string, max time.Duration) time.Duration {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return max
	}
	if n < int64(max/time.Second) {
		return time.Duration(n) * time.Second
	}
	return max
}

func (dir *directory) byJWT(assertion string) (*extension, bool) {
	if assertion == "" {
		return nil, false
	}
	for _, a := range dir.order {
		for _, x := range a.order {
			if x.JWT == assertion {
				return x, true
			}
		}
	}
	return nil, false
}

// byLogin finds the extension of a password-grant username: an extension
// number, a direct number, or "<number>*<extension>" (the JS SDK's form);
// the old separate "extension" field is honoured too.
func (dir *directory) byLogin(username, ext string) (*extension, bool) {
	num, star, hasStar := strings.Cut(strings.TrimSpace(username), "*")
	if hasStar {
		ext = star
	}
	if ext != "" {
		for _, a := range dir.order {
			if sameNumber(a.MainNumber, num) {
				x, ok := a.byExt[ext]
				return x, ok
			}
		}
		if x, ok := dir.byNumberLoose(num); ok {
			x2, ok := dir.accounts[x.AccountID].byExt[ext]
			return x2, ok
		}
		return nil, false
	}
	if x, ok := dir.byNumberLoose(num); ok {
		return x, true
	}
	for _, a := range dir.order {
		if sameNumber(a.MainNumber, num) && len(a.order) > 0 {
			return a.order[0], true
		}
	}
	var found *extension
	for _, a := range dir.order {
		if x, ok := a.byExt[num]; ok {
			if found != nil {
				return nil, false // the same extension number in two accounts
			}
			found = x
		}
	}
	return found, found != nil
}

func (dir *directory) byNumberLoose(n string) (*extension, bool) {
	if x, ok := dir.byNumber[n]; ok {
		return x, true
	}
	x, ok := dir.byNumber["+"+n]
	return x, ok
}

func sameNumber(a, b string) bool {
	return a != "" && b != "" && strings.TrimPrefix(a, "+") == strings.TrimPrefix(b, "+")
}

// wsBase is the WebSocket scheme and host the request reached us at.
func wsBase(r *http.Request) string {
	if httpBase(r)[:5] == "https" {
		return "wss://" + host(r)
	}
	return "ws://" + host(r)
}

// httpBase is the scheme and host the request reached us at, so URIs in
// responses point back at the same server (behind a proxy too).
func httpBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + host(r)
}

// host is the host the client reached: X-Forwarded-Host when a proxy set
// a valid one, else the Host header, else (HTTP/1.0 without Host) the
// address the connection was accepted on (issue 10 item 15). A host that
// is not a valid host[:port] is ignored: it ends up in URIs and in the
// requests served over the WebSocket (issue 10 item 1).
func host(r *http.Request) string {
	if h := r.Header.Get("X-Forwarded-Host"); h != "" {
		if f := strings.TrimSpace(strings.Split(h, ",")[0]); validHost(f) {
			return f
		}
	}
	if validHost(r.Host) {
		return r.Host
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && validHost(a.String()) {
		return a.String()
	}
	return ""
}

// validHost reports whether h looks like host[:port]: letters, digits and
// the punctuation of names, IPv4 and bracketed IPv6 addresses.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case strings.IndexByte(".-_:[]%", c) >= 0:
		default:
			return false
		}
	}
	return true
}
