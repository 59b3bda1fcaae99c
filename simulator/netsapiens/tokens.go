package netsapiens

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/rand"
	"net/http"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/journalhttp"
)

// apiVersion is what tokens and /version report.
const apiVersion = "pbxsim NS API v2 (45.0)"

// refreshTTL is how long a refresh token or refresh JWT stays usable; the
// vendor does not say (inferred, docs/quirks.md).
const refreshTTL = 30 * 24 * time.Hour

// login checks a password grant's user, "1000@TEST".
func (d *Dialect) login(username, password string) (domain, user string, err *apiError) {
	u, dom, ok := strings.Cut(username, "@")
	if ok {
		if canonical, known := d.domainNamed(dom); known {
			if nu, found := d.dir().users[canonical][u]; found && nu.Password != "" && nu.Password == password {
				return canonical, u, nil
			}
		}
	}
	return "", "", refuse(errUnauthenticated, "Invalid username or password")
}

func (d *Dialect) checkClient(id, secret string) *apiError {
	if want, ok := d.dir().clients[id]; ok && want == secret {
		return nil
	}
	return refuse(errUnauthenticated, "Invalid client_id or client_secret")
}

func (d *Dialect) userPrincipal(kind, domain, user string) principal {
	scope := d.dir().users[domain][user].Scope
	if scope == "" {
		scope = scopeBasicUser
	}
	return principal{kind: kind, domain: domain, user: user, scope: scope, level: levelOfScope(scope)}
}

// randomHex is an identifier of n hex digits from the Sim's seeded
// source: reproducible for a seed, so never use it for a secret.
func (d *Dialect) randomHex(n int) string {
	var s string
	d.sim.Rand(func(r *rand.Rand) { s = hex(r, n) })
	return s
}

// postTokens is POST /tokens: the OAuth password and refresh_token grants
// (SPEC45 AuthRequest, AccessToken).
func (d *Dialect) postTokens(w http.ResponseWriter, r *http.Request) {
	b, aerr := readBody(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	grant, aerr := b.required("grant_type")
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	var domain, user, clientID string
	switch grant {
	case "password":
		f, aerr := b.requiredAll("client_id", "client_secret", "username", "password")
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		if aerr := d.checkClient(f[0], f[1]); aerr != nil {
			writeError(w, aerr)
			return
		}
		if domain, user, aerr = d.login(f[2], f[3]); aerr != nil {
			writeError(w, aerr)
			return
		}
		clientID = f[0]
	case "refresh_token":
		f, aerr := b.requiredAll("client_id", "client_secret", "refresh_token")
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		if aerr := d.checkClient(f[0], f[1]); aerr != nil {
			writeError(w, aerr)
			return
		}
		g, aerr := d.creds.spendRefresh(f[2], f[0], d.refreshNow(f[2]))
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		domain, user, clientID = g.domain, g.user, g.clientID
	case "mfa":
		writeError(w, refuse(errInvalidRequest, "MFA is not enabled for any pbxsim user; use grant_type password"))
		return
	default:
		writeError(w, refuse(errInvalidRequest, "Unsupported grant_type %q: want password or refresh_token", grant))
		return
	}
	now := d.sim.NowOf(domain) // the token runs on its domain's clock
	p := d.userPrincipal("token", domain, user)
	p.expires = now.Add(d.tokenTTL)
	access, refresh := d.secrets.hex(32), d.secrets.hex(32)
	d.creds.issue(d.sim.Now(), access, p, refresh, refreshGrant{domain: domain, user: user, clientID: clientID, expires: now.Add(refreshTTL)})
	journalhttp.SetTenant(r, domain)
	nu := d.dir().users[domain][user]
	uid := user + "@" + domain
	writeJSON(w, http.StatusOK, object{
		{"username", uid}, {"user", user}, {"territory", territory}, {"domain", domain},
		{"site", ""}, {"group", ""}, {"department", ""}, {"uid", uid}, {"login", uid},
		{"scope", p.scope}, {"user_email", ""}, {"displayName", nu.Name},
		{"access_token", access}, {"expires_in", int(d.tokenTTL / time.Second)},
		{"token_type", "Bearer"}, {"refresh_token", refresh}, {"client_id", clientID},
		{"apiversion", apiVersion},
	})
}

// territory is the reseller every pbxsim domain belongs to.
const territory = "pbxsim"

// jwtClaims are the claims GET /jwt returns (SPEC45 JwtResponse), plus
// "refresh" marking a refresh JWT, which is good only on POST /jwt.
type jwtClaims struct {
	Aud         string `json:"aud"`
	Exp         int64  `json:"exp"`
	Iat         int64  `json:"iat"`
	Iss         string `json:"iss"`
	Jti         string `json:"jti"`
	Sub         string `json:"sub"`
	TimeOut     int64  `json:"time_out"`
	Domain      string `json:"domain"`
	Territory   string `json:"territory"`
	User        string `json:"user"`
	UserEmail   string `json:"user_email"`
	UserScope   string `json:"user_scope"`
	DisplayName string `json:"displayName"`
	APIVersion  string `json:"apiversion"`
	Refresh     bool   `json:"refresh,omitempty"`
}

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"JWT","alg":"HS256"}`))

func (d *Dialect) signJWT(c jwtClaims) string {
	body, _ := json.Marshal(c)
	msg := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(body)
	mac := hmac.New(sha256.New, d.creds.secret)
	mac.Write([]byte(msg))
	return msg + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// parseJWT checks a JWT's signature, expiry and revocation.
func (d *Dialect) parseJWT(tok string, now time.Time) (jwtClaims, *apiError) {
	bad := refuse(errUnauthenticated, "Invalid JWT")
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return jwtClaims{}, bad
	}
	mac := hmac.New(sha256.New, d.creds.secret)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	// Strict: a signature whose last character differs only in bits the
	// encoding leaves unused must not pass for the one pbxsim signed
	// (found by FuzzJWT).
	sig, err := base64.RawURLEncoding.Strict().DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return jwtClaims{}, bad
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(parts[1])
	var c jwtClaims
	if err != nil || json.Unmarshal(raw, &c) != nil {
		return jwtClaims{}, bad
	}
	if now.Unix() >= c.Exp {
		return jwtClaims{}, refuse(errUnauthenticated, "JWT has expired")
	}
	if d.creds.isRevoked(c.Jti) {
		return jwtClaims{}, refuse(errUnauthenticated, "JWT has been revoked")
	}
	return c, nil
}

func (d *Dialect) verifyJWT(tok string, now time.Time) (principal, *apiError) {
	c, err := d.parseJWT(tok, now)
	if err != nil {
		return principal{}, err
	}
	if c.Refresh {
		return principal{}, refuse(errUnauthenticated, "A refresh JWT is good only for POST /ns-api/v2/jwt")
	}
	p := principal{kind: "jwt", domain: c.Domain, user: c.User, scope: c.UserScope,
		level: levelOfScope(c.UserScope), expires: time.Unix(c.Exp, 0), jti: c.Jti, claims: c}
	return p, nil
}

func (d *Dialect) issueJWT(domain, user string) (token, refresh string) {
	now := d.sim.NowOf(domain) // the JWT runs on its domain's clock
	p := d.userPrincipal("jwt", domain, user)
	c := jwtClaims{
		Aud: "ns", Iat: now.Unix(), Exp: now.Add(d.tokenTTL).Unix(), Iss: d.core,
		Jti: d.secrets.hex(40), Sub: user + "@" + domain, TimeOut: d.tokenTTL.Milliseconds(),
		Domain: domain, Territory: territory, User: user, UserScope: p.scope,
		DisplayName: d.dir().users[domain][user].Name, APIVersion: apiVersion,
	}
	token = d.signJWT(c)
	c.Jti, c.Refresh = d.secrets.hex(40), true
	c.Exp, c.TimeOut = now.Add(refreshTTL).Unix(), refreshTTL.Milliseconds()
	return token, d.signJWT(c)
}

// postJWT is POST /jwt: a JWT and a refresh JWT from a user's password, or
// new ones from a refresh JWT (which is then used up).
func (d *Dialect) postJWT(w http.ResponseWriter, r *http.Request) {
	b, aerr := readBody(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	grant, _ := b.optional("grant_type")
	if grant == "" {
		grant = "password"
	}
	var domain, user string
	switch grant {
	case "password":
		f, aerr := b.requiredAll("username", "password")
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		if id, _ := b.optional("client_id"); id != "" {
			secret, _ := b.optional("client_secret")
			if aerr := d.checkClient(id, secret); aerr != nil {
				writeError(w, aerr)
				return
			}
		}
		if domain, user, aerr = d.login(f[0], f[1]); aerr != nil {
			writeError(w, aerr)
			return
		}
	case "refresh_token":
		tok, aerr := b.required("refresh_token")
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		c, aerr := d.parseJWT(tok, d.jwtNow(tok))
		if aerr == nil && !c.Refresh {
			aerr = refuse(errUnauthenticated, "refresh_token is not a refresh JWT")
		}
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		// A refresh JWT is good once: of two requests racing with it, one wins.
		if !d.creds.revoke(c.Jti, c.Domain, time.Unix(c.Exp, 0), d.sim.Now()) {
			writeError(w, refuse(errUnauthenticated, "JWT has been revoked"))
			return
		}
		domain, user = c.Domain, c.User
	default:
		writeError(w, refuse(errInvalidRequest, "Unsupported grant_type %q: want password or refresh_token", grant))
		return
	}
	journalhttp.SetTenant(r, domain)
	token, refresh := d.issueJWT(domain, user)
	writeJSON(w, http.StatusOK, object{{"token", token}, {"refresh", refresh}})
}

// getJWT is GET /jwt: the claims of the JWT the request carries.
func (d *Dialect) getJWT(w http.ResponseWriter, r *http.Request) {
	p, aerr := d.authenticate(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if p.kind != "jwt" {
		writeError(w, refuse(errInvalidRequest, "GET /jwt reads the JWT the request is made with; this request uses an %s", credentialName[p.kind]))
		return
	}
	writeJSON(w, http.StatusOK, p.claims)
}

// deleteJWT is DELETE /jwt: revoke the JWT the request carries.
func (d *Dialect) deleteJWT(w http.ResponseWriter, r *http.Request) {
	p, aerr := d.authenticate(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if p.kind != "jwt" {
		writeError(w, refuse(errInvalidRequest, "DELETE /jwt revokes the JWT the request is made with; this request uses an %s", credentialName[p.kind]))
		return
	}
	d.creds.revoke(p.jti, p.domain, p.expires, d.sim.Now())
	writeAccepted(w)
}

var credentialName = map[string]string{"apikey": "API key", "token": "access token", "jwt": "JWT"}
