package netsapiens

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Auth supplies the bearer credential for each request.
type Auth interface {
	// token returns the bearer value to send; c lets token-based auth call
	// POST /tokens through the same transport.
	token(ctx context.Context, c *Client) (string, error)
	// invalidate drops a cached credential after a 401 so the next token call
	// refreshes it. It reports whether a retry could help.
	invalidate(bearer string) bool
}

// APIKey authenticates with a static API key (nss_, nsr_, nsd_ or nsu_).
// Keys do not expire, so a 401 is final.
func APIKey(key string) Auth { return apiKey(key) }

type apiKey string

func (k apiKey) token(context.Context, *Client) (string, error) { return string(k), nil }
func (apiKey) invalidate(string) bool                           { return false }

// PasswordGrant logs in with POST /ns-api/v2/tokens (grant_type password)
// and refreshes with grant_type refresh_token before the access token
// expires or after a 401.
type PasswordGrant struct {
	ClientID, ClientSecret string
	Username               string // user@domain
	Password               string

	mu      sync.Mutex
	access  string
	refresh string
	expires time.Time
}

// String never shows the secrets.
func (g *PasswordGrant) String() string {
	return fmt.Sprintf("PasswordGrant{client=%s user=%s}", g.ClientID, g.Username)
}

// tokenResponse is the part of the AccessToken schema the client needs.
type tokenResponse struct {
	AccessToken  string      `json:"access_token"`
	RefreshToken string      `json:"refresh_token"`
	ExpiresIn    json.Number `json:"expires_in"`
	TokenType    string      `json:"token_type"`
	Scope        string      `json:"scope"`
}

// refreshMargin renews a token this long before it expires, so a request
// in flight does not race the expiry.
const refreshMargin = 30 * time.Second

func (g *PasswordGrant) token(ctx context.Context, c *Client) (string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.access != "" && c.now().Before(g.expires.Add(-refreshMargin)) {
		return g.access, nil
	}
	if g.refresh != "" {
		err := g.grant(ctx, c, map[string]string{
			"grant_type": "refresh_token", "client_id": g.ClientID,
			"client_secret": g.ClientSecret, "refresh_token": g.refresh,
		})
		if err == nil {
			return g.access, nil
		}
		// A refused refresh token falls back to the password grant.
		g.refresh = ""
	}
	err := g.grant(ctx, c, map[string]string{
		"grant_type": "password", "client_id": g.ClientID, "client_secret": g.ClientSecret,
		"username": g.Username, "password": g.Password,
	})
	if err != nil {
		return "", err
	}
	return g.access, nil
}

// grant posts one token request; g.mu is held.
func (g *PasswordGrant) grant(ctx context.Context, c *Client, body map[string]string) error {
	var tr tokenResponse
	if err := c.send(ctx, http.MethodPost, "/tokens", "", body, &tr); err != nil {
		return err
	}
	if tr.AccessToken == "" {
		return fmt.Errorf("netsapiens: POST /tokens (%s): answer has no access_token", body["grant_type"])
	}
	ttl := time.Hour // the client default when expires_in is missing, as other NS clients do
	if n, err := tr.ExpiresIn.Int64(); err == nil && n > 0 {
		ttl = time.Duration(n) * time.Second
	}
	g.access, g.expires = tr.AccessToken, c.now().Add(ttl)
	if tr.RefreshToken != "" {
		g.refresh = tr.RefreshToken
	}
	return nil
}

func (g *PasswordGrant) invalidate(bearer string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.access != bearer {
		return true // someone already renewed it
	}
	g.access = ""
	return true
}
