package ringcentral

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xfer-conform/xfer-conform/client/internal/wire"
)

// Config says where the platform is and who logs in. Secrets (ClientSecret,
// JWT, tokens) are never written into errors or logs.
type Config struct {
	ServerURL    string // e.g. https://platform.ringcentral.com (no trailing /restapi)
	ClientID     string
	ClientSecret string
	JWT          string // the user's JWT credential (grant jwt-bearer)

	// HTTPClient sends every REST request; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Dialer opens the notification WebSocket; nil means websocket.DefaultDialer.
	Dialer *websocket.Dialer
	// Now is the client's clock for token expiry; nil means time.Now.
	Now func() time.Time
	// RefreshHandicap refreshes the access token this long before it
	// expires (the JS SDK's refreshHandicapMs); zero means 60s.
	RefreshHandicap time.Duration
	// UserAgent is sent as X-User-Agent; empty means "xfer-conform-rc/0.1".
	UserAgent string
	// Retry says how requests are retried; the zero value means the
	// defaults of RetryPolicy. WithRetryPolicy overrides it per context.
	Retry RetryPolicy
}

// Client talks to one RingCentral platform as one logged-in extension.
// It is safe for concurrent use.
type Client struct {
	cfg  Config
	base *url.URL
	root string // base as a string, which every request's URL starts with
	http *http.Client

	mu     sync.Mutex // guards tok; held across a refresh so only one runs
	tok    token
	logins int // how many token grants were made (login + refresh), for tests and traces
}

// token is the current grant; its fields never leave the package.
type token struct {
	access       string
	refresh      string
	expires      time.Time
	refreshUntil time.Time
	ownerID      string
	expiresIn    int
	refreshIn    int
}

// New checks the config and returns a client that is not logged in yet.
func New(cfg Config) (*Client, error) {
	if cfg.ServerURL == "" {
		return nil, errors.New("ringcentral: Config.ServerURL is required")
	}
	u, err := url.Parse(strings.TrimRight(cfg.ServerURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("ringcentral: Config.ServerURL %q is not an http(s) URL", cfg.ServerURL)
	}
	if cfg.ClientID == "" {
		return nil, errors.New("ringcentral: Config.ClientID is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RefreshHandicap == 0 {
		cfg.RefreshHandicap = time.Minute
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "xfer-conform-rc/0.1"
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{cfg: cfg, base: u, root: u.String(), http: hc}, nil
}

// OwnerID is the logged-in extension's ID (owner_id of the token), empty
// before Login.
func (c *Client) OwnerID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tok.ownerID
}

// Grants counts token grants so far (logins and refreshes).
func (c *Client) Grants() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.logins
}

// maxResponseBody bounds what the client reads from one answer.
const maxResponseBody = 4 << 20

// Send is the low-level REST call: it adds the bearer token (refreshing it
// first when it is about to expire), sends body as JSON (nil: no body),
// retries once after a 401 with a fresh token, decodes a 2xx answer into
// out (when non-nil) and anything else into an *APIError. 429, 5xx and lost
// answers are retried as the RetryPolicy says; giving up is a *GiveUpError
// that wraps the last answer. It does NOT check IDs: the typed methods do;
// specs use Send to put a raw request on the wire. path starts with
// /restapi/.
func (c *Client) Send(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("ringcentral: %s %s: encoding the body: %w", method, path, err)
		}
	}
	ex, err := c.sendAuthorized(ctx, method, path, payload)
	if err != nil {
		return err
	}
	if ex.status == http.StatusUnauthorized {
		// The JS SDK's rule: drop the token, refresh, retry exactly once.
		if err := c.forceRefresh(ctx); err != nil {
			return err
		}
		if ex, err = c.sendAuthorized(ctx, method, path, payload); err != nil {
			return err
		}
	}
	if ex.status < 200 || ex.status > 299 {
		return decodeAPIError(method, path, ex.status, ex.body)
	}
	if out != nil && len(bytes.TrimSpace(ex.body)) > 0 {
		if err := decodeAnswer(ex.body, out); err != nil { // decode.go
			return fmt.Errorf("ringcentral: %s %s: %d answer is not the expected JSON: %w", method, path, ex.status, err)
		}
	}
	return nil
}

// sendAuthorized sends one request with the current token, retried as the
// policy says.
func (c *Client) sendAuthorized(ctx context.Context, method, path string, payload []byte) (exchange, error) {
	access, err := c.accessToken(ctx)
	if err != nil {
		return exchange{}, err
	}
	return c.retrying(ctx, method, path, func(ctx context.Context) (exchange, error) {
		var rd io.Reader
		if payload != nil {
			rd = bytes.NewReader(payload)
		}
		req, err := http.NewRequestWithContext(ctx, method, c.url(path), rd)
		if err != nil {
			return exchange{}, fmt.Errorf("ringcentral: %s %s: %w", method, path, err)
		}
		// One backing array for the four values, each a slice of its own
		// (capped, so an append by a transport cannot reach the next).
		vals := []string{"Bearer " + access, "application/json", c.cfg.UserAgent, "application/json"}
		req.Header["Authorization"] = vals[0:1:1]
		req.Header["Accept"] = vals[1:2:2]
		req.Header["X-User-Agent"] = vals[2:3:3]
		if payload != nil {
			req.Header["Content-Type"] = vals[3:4:4]
		}
		return c.roundTrip(req, method, path)
	})
}

func (c *Client) roundTrip(req *http.Request, method, path string) (exchange, error) {
	resp, err := wire.Do(c.http, req)
	if err != nil {
		return exchange{}, fmt.Errorf("ringcentral: %s %s: %w", method, path, scrub(err))
	}
	defer resp.Body.Close()
	b, err := wire.ReadBody(resp, maxResponseBody)
	if err != nil {
		return exchange{}, fmt.Errorf("ringcentral: %s %s: reading the answer: %w", method, path, err)
	}
	return exchange{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// scrub drops the URL from a transport error: a URL may carry a token in
// its query (the WebSocket one does).
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

func (c *Client) url(path string) string {
	return c.root + path
}

// accountPath is the Call Control prefix for the token's own account.
const accountPath = "/restapi/v1.0/account/~"
