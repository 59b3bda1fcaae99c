package ringcentral

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// GrantJWT is the OAuth grant type of a JWT credential.
const GrantJWT = "urn:ietf:params:oauth:grant-type:jwt-bearer"

const tokenPath = "/restapi/oauth/token"

// tokenInfo is the TokenInfo answer of /restapi/oauth/token.
type tokenInfo struct {
	AccessToken           string `json:"access_token"`
	TokenType             string `json:"token_type"`
	ExpiresIn             int    `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int    `json:"refresh_token_expires_in"`
	OwnerID               string `json:"owner_id"`
}

// Login exchanges the JWT credential for an access token
// (POST /restapi/oauth/token, form encoded, Basic client authentication).
func (c *Client) Login(ctx context.Context) error {
	if c.cfg.JWT == "" {
		return errors.New("ringcentral: Config.JWT is required to log in")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.grantLocked(ctx, url.Values{"grant_type": {GrantJWT}, "assertion": {c.cfg.JWT}})
}

// accessToken returns a token valid for at least RefreshHandicap, refreshing
// (or logging in again) first when needed.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok.access == "" {
		return "", errors.New("ringcentral: not logged in (call Login first)")
	}
	if c.cfg.Now().Add(c.cfg.RefreshHandicap).Before(c.tok.expires) {
		return c.tok.access, nil
	}
	if err := c.renewLocked(ctx); err != nil {
		return "", err
	}
	return c.tok.access, nil
}

// forceRefresh renews the token whatever its expiry says: the server has
// just refused it.
func (c *Client) forceRefresh(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.renewLocked(ctx)
}

// renewLocked uses the refresh token while it lives, and the JWT otherwise
// (a JWT credential can always log in again).
func (c *Client) renewLocked(ctx context.Context) error {
	if c.tok.refresh != "" && c.cfg.Now().Before(c.tok.refreshUntil) {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {c.tok.refresh}}
		// The JS SDK sends back the TTLs it was given.
		if c.tok.expiresIn > 0 {
			form.Set("access_token_ttl", fmt.Sprint(c.tok.expiresIn))
		}
		if c.tok.refreshIn > 0 {
			form.Set("refresh_token_ttl", fmt.Sprint(c.tok.refreshIn))
		}
		err := c.grantLocked(ctx, form)
		if err == nil || c.cfg.JWT == "" {
			return err
		}
		var ae *APIError
		if !errors.As(err, &ae) {
			return err
		}
		// The refresh token was refused (revoked, expired early): log in anew.
	}
	if c.cfg.JWT == "" {
		return errors.New("ringcentral: the access token expired and there is no credential to log in again")
	}
	return c.grantLocked(ctx, url.Values{"grant_type": {GrantJWT}, "assertion": {c.cfg.JWT}})
}

// grantLocked posts one grant to the token endpoint and stores the answer.
func (c *Client) grantLocked(ctx context.Context, form url.Values) error {
	if c.cfg.ClientSecret == "" {
		// A public client names itself in the body instead of Basic auth.
		form.Set("client_id", c.cfg.ClientID)
	}
	now := c.cfg.Now()
	// A grant only mints another token, so it is retried like a read.
	ex, err := c.retrying(ctx, http.MethodPost, tokenPath, func(ctx context.Context) (exchange, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url(tokenPath), strings.NewReader(form.Encode()))
		if err != nil {
			return exchange{}, fmt.Errorf("ringcentral: POST %s: %w", tokenPath, err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("X-User-Agent", c.cfg.UserAgent)
		if c.cfg.ClientSecret != "" {
			req.SetBasicAuth(c.cfg.ClientID, c.cfg.ClientSecret)
		}
		return c.roundTrip(req, http.MethodPost, tokenPath)
	})
	if err != nil {
		return err
	}
	if ex.status != http.StatusOK {
		return decodeAPIError(http.MethodPost, tokenPath, ex.status, ex.body)
	}
	body := ex.body
	var ti tokenInfo
	if err := json.Unmarshal(body, &ti); err != nil || ti.AccessToken == "" {
		return fmt.Errorf("ringcentral: POST %s: 200 answer is not a TokenInfo with an access_token", tokenPath)
	}
	owner := ti.OwnerID
	if owner == "" {
		owner = c.tok.ownerID // a refresh answer may leave it out
	}
	c.logins++
	c.tok = token{
		access:       ti.AccessToken,
		refresh:      ti.RefreshToken,
		expires:      now.Add(time.Duration(ti.ExpiresIn) * time.Second),
		refreshUntil: now.Add(time.Duration(ti.RefreshTokenExpiresIn) * time.Second),
		ownerID:      owner,
		expiresIn:    ti.ExpiresIn,
		refreshIn:    ti.RefreshTokenExpiresIn,
	}
	return nil
}
