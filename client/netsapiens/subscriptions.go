package netsapiens

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// Subscription models (the "model" field); each needs its own subscription.
const (
	ModelCall       = "call"
	ModelCallOrigID = "call_origid"
)

// SubscriptionRequest is the body of POST /domains/{domain}/subscriptions.
type SubscriptionRequest struct {
	Model      string `json:"model"`
	PostURL    string `json:"post-url"`
	Domain     string `json:"domain,omitempty"`
	User       string `json:"user,omitempty"` // default "*"
	GeoSupport YesNo  `json:"subscription-geo-support,omitempty"`
	// Expires is "YYYY-MM-DD HH:MM:SS"; the server defaults it.
	Expires string `json:"subscription-expires-datetime,omitempty"`
}

// Subscription is an event subscription as the server reports it.
type Subscription struct {
	ID         Text        `json:"id"`
	Model      Text        `json:"model"`
	PostURL    Text        `json:"post-url"`
	Domain     Text        `json:"domain"`
	User       Text        `json:"user"`
	Status     Text        `json:"status"` // pending, active, error
	ErrorCount json.Number `json:"error-count"`
	PostsCount json.Number `json:"posts-count"`
	Created    Text        `json:"subscription-creation-datetime"`
	Expires    Text        `json:"subscription-expires-datetime"`
}

// Subscribe creates an event subscription in the client's domain. The
// server answers 200 with the subscription (status "pending" until its
// first successful post) and 409 for a duplicate.
func (c *Client) Subscribe(ctx context.Context, req SubscriptionRequest) (Subscription, error) {
	if req.Model == "" || req.PostURL == "" {
		return Subscription{}, errors.New("netsapiens: a subscription needs model and post-url")
	}
	if req.Domain == "" && c.domain != "~" {
		req.Domain = c.domain
	}
	var out Subscription
	err := c.do(ctx, http.MethodPost, pathf("/domains/%s/subscriptions", c.domain), req, &out)
	return out, err
}

// Subscriptions lists the domain's event subscriptions.
func (c *Client) Subscriptions(ctx context.Context) ([]Subscription, error) {
	var out []Subscription
	err := c.do(ctx, http.MethodGet, pathf("/domains/%s/subscriptions", c.domain), nil, &out)
	return out, err
}

// SubscriptionByID reads one subscription (GET /subscriptions/{id}). Some
// servers answer a one-element array; both shapes are accepted.
func (c *Client) SubscriptionByID(ctx context.Context, id string) (Subscription, error) {
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodGet, pathf("/subscriptions/%s", id), nil, &raw); err != nil {
		return Subscription{}, err
	}
	var out Subscription
	if len(raw) > 0 && raw[0] == '[' {
		var list []Subscription
		if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
			return Subscription{}, errors.New("netsapiens: GET /subscriptions/" + id + ": empty answer")
		}
		return list[0], nil
	}
	err := json.Unmarshal(raw, &out)
	return out, err
}

// Unsubscribe deletes a subscription
// (DELETE /domains/{domain}/subscriptions/{id}).
func (c *Client) Unsubscribe(ctx context.Context, id string) error {
	body := map[string]string{"subscription_id": id}
	if c.domain != "~" {
		body["domain"] = c.domain
	}
	return c.do(ctx, http.MethodDelete, pathf("/domains/%s/subscriptions/%s", c.domain, id), body, nil)
}
