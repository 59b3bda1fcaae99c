package netsapiens

import (
	"net/http"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/journalhttp"
)

// level orders the user scopes by reach (reference §4.4): a Basic User
// sees its own calls, an Office Manager its domain, a Reseller or Super
// User every domain.
type level int

const (
	levelUser level = iota
	levelDomain
	levelReseller
	levelSuper
)

// Scope names as the API spells them (SPEC45 Scopes enum).
const (
	scopeBasicUser     = "Basic User"
	scopeOfficeManager = "Office Manager"
	scopeReseller      = "Reseller"
	scopeSuperUser     = "Super User"
)

func levelOfScope(scope string) level {
	switch scope {
	case scopeSuperUser:
		return levelSuper
	case scopeReseller:
		return levelReseller
	case scopeOfficeManager, "Site Manager", "Call Center Supervisor":
		return levelDomain
	default:
		return levelUser
	}
}

// principal is who a request acts as.
type principal struct {
	kind     string // "apikey", "token" or "jwt"
	domain   string // "~" for domains
	user     string // "~" for users; "" when the credential has no user
	scope    string
	level    level
	readOnly bool
	expires  time.Time // zero: never (API keys)
	jti      string    // JWTs only
	claims   jwtClaims // JWTs only
}

// keyScope maps an API key's prefix to its scope (GUIDE-KEYS).
var keyScope = map[string]string{
	"nss_": scopeSuperUser,
	"nsr_": scopeReseller,
	"nsd_": scopeOfficeManager,
	"nsu_": scopeBasicUser,
}

// authenticate finds the principal of a request's bearer credential.
func (d *Dialect) authenticate(r *http.Request) (principal, *apiError) {
	h := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(strings.TrimSpace(h), " ")
	cred = strings.TrimSpace(cred)
	if h == "" || !strings.EqualFold(scheme, "Bearer") || cred == "" {
		return principal{}, refuse(errUnauthenticated, "Authentication required: send Authorization: Bearer <API key, access token or JWT>")
	}
	var p principal
	switch {
	case len(cred) > 4 && keyScope[cred[:4]] != "":
		k, ok := d.creds.key(cred)
		if !ok {
			return principal{}, refuse(errUnauthenticated, "Invalid API key")
		}
		p = k
	case strings.Count(cred, ".") == 2:
		var err *apiError
		if p, err = d.verifyJWT(cred, d.jwtNow(cred)); err != nil {
			return principal{}, err
		}
	default:
		t, ok := d.creds.accessToken(cred)
		if !ok {
			return principal{}, refuse(errUnauthenticated, "Invalid access token")
		}
		if !d.sim.NowOf(t.domain).Before(t.expires) {
			return principal{}, refuse(errUnauthenticated, "Access token has expired")
		}
		p = t
	}
	journalhttp.SetTenant(r, p.domain)
	return p, nil
}

// domainFor resolves a {domain} path value ("~" is the caller's own) and
// checks the caller may see it. An unknown domain answers like a foreign
// one unless the caller could see it if it existed.
func (d *Dialect) domainFor(p principal, raw string) (string, *apiError) {
	name := raw
	if raw == "~" {
		name = p.domain
	}
	canonical, known := d.domainNamed(name)
	if p.level < levelReseller {
		if !known || canonical != p.domain {
			return "", refuse(errDenied, msgDomainDenied)
		}
		return canonical, nil
	}
	if !known {
		return "", refuse(errNoSuchResource, "Domain %s does not exist", name)
	}
	return canonical, nil
}

// domainNamed finds a NetSapiens domain by name; names are case-insensitive.
func (d *Dialect) domainNamed(name string) (string, bool) {
	dir := d.dir()
	if _, ok := dir.profiles[name]; ok {
		return name, true
	}
	n, ok := dir.fold[strings.ToLower(name)]
	return n, ok
}

// userFor resolves a {user} path value in a domain the caller may see. A
// Basic User reaches only itself.
func (d *Dialect) userFor(p principal, domain, raw string) (string, *apiError) {
	user := raw
	if raw == "~" {
		if p.user == "" || domain != p.domain {
			return "", refuse(errInvalidRequest, "~ names no user here: this credential is not bound to a user of domain %s", domain)
		}
		user = p.user
	}
	if p.level == levelUser && (user != p.user || domain != p.domain) {
		return "", refuse(errDenied, msgPermissionDenied)
	}
	if _, ok := d.sim.User(domain, user); !ok {
		return "", refuse(errNoSuchResource, "User %s does not exist in domain %s", user, domain)
	}
	return user, nil
}

// mayWrite refuses writes by read-only API keys (CTRL: 403 on anything
// that is not read, list or count).
func mayWrite(p principal) *apiError {
	if p.readOnly {
		return refuse(errDenied, "This API key is read-only: %s", msgPermissionDenied)
	}
	return nil
}
