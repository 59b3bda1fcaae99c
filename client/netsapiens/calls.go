package netsapiens

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
)

// Calls reads the active calls of the whole domain
// (GET /domains/{domain}/calls), the read the attended-transfer guide uses.
func (c *Client) Calls(ctx context.Context) ([]ActiveCall, error) {
	var out []ActiveCall
	err := c.do(ctx, http.MethodGet, pathf("/domains/%s/calls", c.domain), nil, &out)
	return out, err
}

// CountCalls reads GET /domains/{domain}/calls/count.
func (c *Client) CountCalls(ctx context.Context) (int, error) {
	var out struct {
		Total json.Number `json:"total"`
	}
	if err := c.do(ctx, http.MethodGet, pathf("/domains/%s/calls/count", c.domain), nil, &out); err != nil {
		return 0, err
	}
	n, err := out.Total.Int64()
	return int(n), err
}

// UserCalls reads one user's active calls (GET /domains/{d}/users/{u}/calls).
func (c *Client) UserCalls(ctx context.Context, user string) ([]ActiveCall, error) {
	var out []ActiveCall
	err := c.do(ctx, http.MethodGet, pathf("/domains/%s/users/%s/calls", c.domain, user), nil, &out)
	return out, err
}

// Call reads one active call (GET /domains/{d}/users/{u}/calls/{callid}).
func (c *Client) Call(ctx context.Context, user, callID string) (ActiveCall, error) {
	var out ActiveCall
	err := c.do(ctx, http.MethodGet, pathf("/domains/%s/users/%s/calls/%s", c.domain, user, callID), nil, &out)
	return out, err
}

// Hold asks the switch to hold the user's call. For the original call of an
// attended transfer callID is its call-term-call-id (guide step 3).
func (c *Client) Hold(ctx context.Context, user, callID string) error {
	return c.action(ctx, http.MethodPatch, user, callID, "/hold", nil)
}

// Unhold takes the user's call off hold.
func (c *Client) Unhold(ctx context.Context, user, callID string) error {
	return c.action(ctx, http.MethodPatch, user, callID, "/unhold", nil)
}

// Answer answers a ringing call. device, when set, names the device that
// answers (the v2 example is "sip:1000wp@domain", the user's webphone) and
// is sent as the spec example's "destination".
func (c *Client) Answer(ctx context.Context, user, callID, device string) error {
	var body any
	if device != "" {
		body = map[string]string{"destination": device}
	}
	return c.action(ctx, http.MethodPatch, user, callID, "/answer", body)
}

// Reject declines a call that is still ringing
// (DELETE .../calls/{call_id}/reject); use Disconnect for an answered call.
func (c *Client) Reject(ctx context.Context, user, callID string) error {
	return c.action(ctx, http.MethodDelete, user, callID, "/reject", nil)
}

// Disconnect hangs up the user's call (DELETE .../calls/{call_id}).
func (c *Client) Disconnect(ctx context.Context, user, callID string) error {
	return c.action(ctx, http.MethodDelete, user, callID, "", nil)
}

func (c *Client) action(ctx context.Context, method, user, callID, verb string, body any) error {
	if callID == "" {
		return errors.New("netsapiens: call id is empty")
	}
	return c.do(ctx, method, pathf("/domains/%s/users/%s/calls/%s", c.domain, user, callID)+verb, body, nil)
}

// CallRequest is the body of POST /domains/{d}/users/{u}/calls
// (click-to-call): the switch rings OrigUser first, then dials TermUser.
type CallRequest struct {
	CallID              string `json:"call-id"`        // client-chosen; NewCallID makes one
	TermUser            string `json:"call-term-user"` // who to dial once the first leg connects
	OrigUser            string `json:"call-orig-user,omitempty"`
	DialRuleApplication string `json:"dial-rule-application,omitempty"`
	AutoAnswer          YesNo  `json:"auto-answer-enabled,omitempty"`
	Synchronous         YesNo  `json:"synchronous,omitempty"`
	CallerIDNumber      string `json:"caller-id-number,omitempty"`
	CallbackCallerID    string `json:"callback-caller-id-number,omitempty"`
	TermAddedSIPHeader  string `json:"call-term-added-sip-header,omitempty"`
}

// YesNo is the vendor's "yes"/"no" flag.
type YesNo string

// The two YesNo values.
const (
	Yes YesNo = "yes"
	No  YesNo = "no"
)

// MakeCall places a click-to-call for user. With Synchronous "yes" a 200
// answer carries the new call; with the default 202 the result is nil and
// the call shows up in reads later, keyed by req.CallID as its
// call-orig-call-id.
func (c *Client) MakeCall(ctx context.Context, user string, req CallRequest) (*ActiveCall, error) {
	if req.CallID == "" || req.TermUser == "" {
		return nil, errors.New("netsapiens: CallRequest needs CallID and TermUser")
	}
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodPost, pathf("/domains/%s/users/%s/calls", c.domain, user), req, &raw); err != nil {
		return nil, err
	}
	var call ActiveCall
	if len(raw) > 0 && raw[0] == '{' && json.Unmarshal(raw, &call) == nil && call.SessionID != "" {
		return &call, nil
	}
	return nil, nil
}

// NewCallID returns a fresh random call-id for MakeCall: 16 random bytes
// in hex, as the spec's "<random16>" example suggests.
func NewCallID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
