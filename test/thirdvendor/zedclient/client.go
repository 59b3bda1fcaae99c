// Package zedclient is the reference client of Zed, the test-only third
// vendor (test/thirdvendor): Zed's REST API over HTTP and nothing else,
// like client/ringcentral and client/netsapiens. It imports no simulator
// package.
package zedclient

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Client calls one Zed tenant's API.
type Client struct {
	Base   string // the server, e.g. http://127.0.0.1:8080
	Tenant string
	Key    string
	HTTP   *http.Client
}

// Leg is one of a user's live legs.
type Leg struct {
	Leg   string `json:"leg"`
	Call  string `json:"call"`
	State string `json:"state"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Error is Zed's error body, with the status it came with.
type Error struct {
	Status  int
	Kind    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("zed %d %s: %s", e.Status, e.Kind, e.Message) }

func (c *Client) path(user string, rest ...string) string {
	p := strings.TrimRight(c.Base, "/") + "/zed/v1/tenants/" + url.PathEscape(c.Tenant) + "/users/" + url.PathEscape(user) + "/calls"
	for _, r := range rest {
		p += "/" + url.PathEscape(r)
	}
	return p
}

func (c *Client) do(ctx context.Context, method, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Zed "+c.Key)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			ZedError struct{ Kind, Message string } `json:"zedError"`
		}
		_ = json.Unmarshal(body, &e)
		return &Error{Status: resp.StatusCode, Kind: e.ZedError.Kind, Message: e.ZedError.Message}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(body, out)
}

// Calls lists the user's live legs.
func (c *Client) Calls(ctx context.Context, user string) ([]Leg, error) {
	var out struct {
		Calls []Leg `json:"calls"`
	}
	return out.Calls, c.do(ctx, http.MethodGet, c.path(user), &out)
}

// Answer answers the user's ringing leg.
func (c *Client) Answer(ctx context.Context, user, leg string) error {
	return c.do(ctx, http.MethodPost, c.path(user, leg, "answer"), nil)
}

// HangUp ends the user's leg.
func (c *Client) HangUp(ctx context.Context, user, leg string) error {
	return c.do(ctx, http.MethodDelete, c.path(user, leg), nil)
}
