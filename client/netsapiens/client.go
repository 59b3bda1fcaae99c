package netsapiens

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
	"time"

	"github.com/xfer-conform/xfer-conform/client/internal/wire"
)

// APIPrefix is where NS API v2 lives under the server root.
const APIPrefix = "/ns-api/v2"

// maxResponse bounds how much of an answer the client reads.
const maxResponse = 4 << 20

// Config says where the server is and who the client is.
type Config struct {
	// BaseURL is the server root, e.g. https://pbx.example.com; the client
	// adds /ns-api/v2. A URL that already ends in /ns-api/v2 is accepted.
	BaseURL string
	// Domain is the NetSapiens domain the calls live in; "~" (the default)
	// means the credential's own domain.
	Domain string
	// Auth is APIKey(...) or a *PasswordGrant.
	Auth Auth
	// HTTPClient defaults to http.DefaultClient.
	HTTPClient *http.Client
	// Poll paces the reads that wait out a 202; zero values get defaults.
	Poll PollPolicy
	// Now tells time for token expiry; defaults to time.Now.
	Now func() time.Time
	// Retry says how requests are retried and lost writes resent; the zero
	// value means the defaults of RetryPolicy. WithRetryPolicy overrides it
	// per context.
	Retry RetryPolicy
}

// Client talks to one NS API v2 server as one credential.
type Client struct {
	base   string
	domain string
	auth   Auth
	http   *http.Client
	poll   PollPolicy
	retry  RetryPolicy
	nowFn  func() time.Time
}

// New checks cfg and builds a Client.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("netsapiens: Config.BaseURL is required")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("netsapiens: Config.BaseURL %q is not an absolute URL", cfg.BaseURL)
	}
	if cfg.Auth == nil {
		return nil, errors.New("netsapiens: Config.Auth is required (APIKey or *PasswordGrant)")
	}
	base := strings.TrimSuffix(strings.TrimSuffix(cfg.BaseURL, "/"), APIPrefix)
	c := &Client{
		base:   base + APIPrefix,
		domain: cfg.Domain,
		auth:   cfg.Auth,
		http:   cfg.HTTPClient,
		poll:   cfg.Poll.withDefaults(),
		retry:  cfg.Retry,
		nowFn:  cfg.Now,
	}
	if c.domain == "" {
		c.domain = "~"
	}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	if c.nowFn == nil {
		c.nowFn = time.Now
	}
	return c, nil
}

// Domain is the domain the client addresses.
func (c *Client) Domain() string { return c.domain }

func (c *Client) now() time.Time { return c.nowFn() }

// pathf builds an API path, escaping every argument as one path segment:
// SIP call-ids carry characters such as '@' and ';'.
func pathf(format string, segs ...string) string {
	args := make([]any, len(segs))
	for i, s := range segs {
		args[i] = url.PathEscape(s)
	}
	return fmt.Sprintf(format, args...)
}

// do sends an authenticated request and decodes a 2xx answer into out. A
// 401 on a renewable credential renews it and retries once.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	for attempt := 0; ; attempt++ {
		bearer, err := c.auth.token(ctx, c)
		if err != nil {
			return fmt.Errorf("netsapiens: authenticate: %w", err)
		}
		err = c.send(ctx, method, path, bearer, body, out)
		if attempt == 0 && StatusOf(err) == http.StatusUnauthorized && c.auth.invalidate(bearer) {
			continue
		}
		return err
	}
}

// send performs one request, retried as the RetryPolicy says. bearer ""
// sends no Authorization header (the token endpoint needs none).
func (c *Client) send(ctx context.Context, method, path, bearer string, body, out any) error {
	var payload []byte
	if body != nil {
		switch v := body.(type) {
		case json.RawMessage:
			payload = v
		default:
			var err error
			if payload, err = json.Marshal(body); err != nil {
				return fmt.Errorf("netsapiens: encode %s %s: %w", method, path, err)
			}
		}
	}
	ex, err := c.retrying(ctx, method, path, func(ctx context.Context) (exchange, error) {
		var rd io.Reader
		if payload != nil {
			rd = bytes.NewReader(payload)
		}
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
		if err != nil {
			return exchange{}, fmt.Errorf("netsapiens: %s %s: %w", method, path, err)
		}
		req.Header.Set("Accept", "application/json")
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := wire.Do(c.http, req)
		if err != nil {
			// url.Error carries the URL only, never the header.
			return exchange{}, fmt.Errorf("netsapiens: %s %s: %w", method, path, err)
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
		if err != nil {
			return exchange{}, fmt.Errorf("netsapiens: %s %s: read answer: %w", method, path, err)
		}
		return exchange{status: resp.StatusCode, header: resp.Header, body: data}, nil
	})
	if err != nil {
		return err
	}
	if ex.status < 200 || ex.status > 299 {
		return decodeError(method, path, ex.status, ex.body)
	}
	if out == nil || len(bytes.TrimSpace(ex.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(ex.body, out); err != nil {
		return fmt.Errorf("netsapiens: %s %s: decode %d answer: %w (body %.200q)", method, path, ex.status, err, ex.body)
	}
	return nil
}

func decodeError(method, path string, status int, data []byte) *Error {
	e := &Error{Status: status, Method: method, Path: path}
	var body struct {
		Code    json.Number `json:"code"`
		Message string      `json:"message"`
	}
	if json.Unmarshal(data, &body) == nil && (body.Message != "" || body.Code != "") {
		if n, err := body.Code.Int64(); err == nil {
			e.Code = int(n)
		}
		e.Message = body.Message
	} else {
		e.Message = strings.TrimSpace(string(data))
		if len(e.Message) > 200 {
			e.Message = e.Message[:200] + "..."
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// Accepted is the body of a 202: {"code":202,"message":"Accepted"}.
type Accepted struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}
