// Package control is a client for pbxsim's control API (/sim/v1). The
// conformance steps use it to play the world around the PBX: a customer
// dials in, a consult answers, the clock moves. It imports nothing from the
// simulator: it speaks the documented HTTP API (docs/control-api.md).
//
//	ctl := control.New("http://127.0.0.1:8080", nil)
//	call, err := ctl.CreateCall(ctx, "+15555555555", "+11111111111")
//	err = ctl.Answer(ctx, call.ID, call.Legs[1].ID)
package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/client/internal/wire"
)

// Client talks to one pbxsim.
type Client struct {
	base   string
	http   *http.Client
	token  string
	tenant string // tenants.go
}

// New returns a client for the pbxsim at base (e.g. http://127.0.0.1:8080).
// A nil httpClient means http.DefaultClient.
func New(base string, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &Client{base: strings.TrimRight(base, "/"), http: httpClient}
}

// WithToken returns a copy that sends the control token.
func (c *Client) WithToken(token string) *Client {
	cc := *c
	cc.token = token
	return &cc
}

// BaseURL returns the pbxsim base URL.
func (c *Client) BaseURL() string { return c.base }

// Endpoint is one end of a leg.
type Endpoint struct {
	TenantID string `json:"tenantId,omitempty"`
	UserID   string `json:"userId,omitempty"`
	DeviceID string `json:"deviceId,omitempty"`
	Number   string `json:"number,omitempty"`
	Name     string `json:"name,omitempty"`
}

// LegRef points at a leg.
type LegRef struct {
	CallID string `json:"callId"`
	LegID  string `json:"legId"`
}

// Leg is one endpoint's part in a call.
type Leg struct {
	ID        string                       `json:"id"`
	Index     int                          `json:"index"`
	State     string                       `json:"state"`
	Reason    string                       `json:"reason,omitempty"`
	Direction string                       `json:"direction"`
	Endpoint  Endpoint                     `json:"endpoint"`
	From      Endpoint                     `json:"from"`
	To        Endpoint                     `json:"to"`
	Muted     bool                         `json:"muted"`
	Peer      *LegRef                      `json:"peer,omitempty"`
	MovedFrom *LegRef                      `json:"movedFrom,omitempty"`
	Vendor    map[string]map[string]string `json:"vendor,omitempty"`
}

// Call is a call with its legs.
type Call struct {
	ID     string                       `json:"id"`
	Origin string                       `json:"origin"`
	State  string                       `json:"state"`
	Seq    int64                        `json:"seq"`
	Vendor map[string]map[string]string `json:"vendor,omitempty"`
	Legs   []Leg                        `json:"legs"`
}

// LegOf returns the first leg whose endpoint is the given user or number.
func (c Call) LegOf(userIDOrNumber string) (Leg, bool) {
	for _, l := range c.Legs {
		if l.Endpoint.UserID == userIDOrNumber || l.Endpoint.Number == userIDOrNumber {
			return l, true
		}
	}
	return Leg{}, false
}

// Event is one leg change.
type Event struct {
	Seq       uint64    `json:"seq"`
	CallSeq   int64     `json:"callSeq"`
	Time      time.Time `json:"time"`
	Cause     string    `json:"cause"`
	CallID    string    `json:"callId"`
	CallEnded bool      `json:"callEnded,omitempty"`
	Leg       Leg       `json:"leg"`
}

// JournalEntry is one vendor-API request pbxsim served.
type JournalEntry struct {
	Seq      uint64    `json:"seq"`
	Time     time.Time `json:"time"`
	Dialect  string    `json:"dialect"`
	Tenant   string    `json:"tenant,omitempty"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	Query    string    `json:"query,omitempty"`
	Body     string    `json:"body,omitempty"`
	Status   int       `json:"status"`
	Response string    `json:"response,omitempty"`
	Note     string    `json:"note,omitempty"`
	// Findings are the request's contract findings (docs/contracts.md).
	Findings []string `json:"findings,omitempty"`
}

// JournalFilter selects journal entries.
type JournalFilter struct {
	Dialect, Tenant, Method, PathPrefix, PathHas string
	After                                        uint64
	Limit                                        int
}

// Error is a refusal from the control API.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("control API %d %s: %s", e.Status, e.Code, e.Message)
}

// Health checks that pbxsim answers.
func (c *Client) Health(ctx context.Context) (map[string]any, error) {
	var out map[string]any
	return out, c.do(ctx, http.MethodGet, "/health", nil, &out)
}

// Scenario returns the loaded scenario as raw JSON.
func (c *Client) Scenario(ctx context.Context) (json.RawMessage, error) {
	var out json.RawMessage
	return out, c.do(ctx, http.MethodGet, "/scenario", nil, &out)
}

// CreateCall places a call from one address to another (numbers, extension
// numbers, ext@tenant, user names).
func (c *Client) CreateCall(ctx context.Context, from, to string) (Call, error) {
	var out Call
	// A struct, not a map: the same bytes ({"from":…,"to":…}) without
	// sorting keys, on the request every call of a load starts with.
	body := struct {
		From string `json:"from"`
		To   string `json:"to"`
	}{from, to}
	return out, c.do(ctx, http.MethodPost, "/calls", body, freshCall{&out})
}

// Calls lists the calls pbxsim holds.
func (c *Client) Calls(ctx context.Context) ([]Call, error) {
	var out struct {
		Calls []Call `json:"calls"`
	}
	return out.Calls, c.do(ctx, http.MethodGet, "/calls", nil, &out)
}

// Call returns one call.
func (c *Client) Call(ctx context.Context, id string) (Call, error) {
	var out Call
	return out, c.do(ctx, http.MethodGet, "/calls/"+url.PathEscape(id), nil, &out)
}

// LegAction runs answer, reject, hangup, hold, unhold, mute or unmute on a leg.
func (c *Client) LegAction(ctx context.Context, callID, legID, action string) (Call, error) {
	var out Call
	return out, c.do(ctx, http.MethodPost, "/calls/"+url.PathEscape(callID)+"/legs/"+url.PathEscape(legID)+"/"+action, nil, &out)
}

// Answer answers a ringing leg.
func (c *Client) Answer(ctx context.Context, callID, legID string) error {
	_, err := c.LegAction(ctx, callID, legID, "answer")
	return err
}

// Reject rejects a ringing leg.
func (c *Client) Reject(ctx context.Context, callID, legID string) error {
	_, err := c.LegAction(ctx, callID, legID, "reject")
	return err
}

// Hangup hangs up a leg.
func (c *Client) Hangup(ctx context.Context, callID, legID string) error {
	_, err := c.LegAction(ctx, callID, legID, "hangup")
	return err
}

// HangupCall ends every leg of a call.
func (c *Client) HangupCall(ctx context.Context, callID string) error {
	return c.do(ctx, http.MethodDelete, "/calls/"+url.PathEscape(callID), nil, nil)
}

// Journal returns vendor-API requests pbxsim served.
func (c *Client) Journal(ctx context.Context, f JournalFilter) ([]JournalEntry, error) {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("dialect", f.Dialect)
	set("tenant", f.Tenant)
	set("method", f.Method)
	set("pathPrefix", f.PathPrefix)
	set("path", f.PathHas)
	if f.After > 0 {
		q.Set("after", strconv.FormatUint(f.After, 10))
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	// One answer is bounded (docs/control-api.md): without a limit, page
	// on with after until pbxsim says there is no more.
	var all []JournalEntry
	for {
		var out struct {
			Entries []JournalEntry `json:"entries"`
			More    bool           `json:"more"`
		}
		if err := c.do(ctx, http.MethodGet, "/journal?"+q.Encode(), nil, &out); err != nil {
			return all, err
		}
		all = append(all, out.Entries...)
		if f.Limit > 0 || !out.More || len(out.Entries) == 0 {
			return all, nil
		}
		q.Set("after", strconv.FormatUint(out.Entries[len(out.Entries)-1].Seq, 10))
	}
}

// Events returns events after a sequence number.
func (c *Client) Events(ctx context.Context, after uint64) ([]Event, error) {
	var out struct {
		Events []Event `json:"events"`
	}
	return out.Events, c.do(ctx, http.MethodGet, "/events?after="+strconv.FormatUint(after, 10), nil, &out)
}

// Reset ends all calls and clears the journal and event log.
func (c *Client) Reset(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/reset", nil, nil)
}

// AdvanceClock moves a manual clock forward. A client scoped to a tenant
// set (WithTenant) moves the set's own clock only, so that other users of
// a shared pbxsim keep their time; a set without a clock of its own
// answers 409 wrong_state (docs/control-api.md, "Tenant clocks").
func (c *Client) AdvanceClock(ctx context.Context, d time.Duration) error {
	path := "/clock/advance"
	if c.tenant != "" {
		path = "/tenants/" + url.PathEscape(c.tenant) + "/clock/advance"
	}
	return c.do(ctx, http.MethodPost, path, map[string]string{"by": d.String()}, nil)
}

// ClockState is what GET /sim/v1/tenants/{id}/clock answers.
type ClockState struct {
	ID    string    `json:"id"`
	Now   time.Time `json:"now"`
	Clock string    `json:"clock"`
	// Own is true for a set with its own manual clock.
	Own bool `json:"own"`
}

// TenantClock reads the clock of the tenant set the client is scoped to.
func (c *Client) TenantClock(ctx context.Context) (ClockState, error) {
	var out ClockState
	if c.tenant == "" {
		return out, errors.New("control: TenantClock needs a client scoped to a tenant set (WithTenant)")
	}
	return out, c.do(ctx, http.MethodGet, "/tenants/"+url.PathEscape(c.tenant)+"/clock", nil, &out)
}

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/sim/v1"+c.scoped(path), rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := wire.Do(c.http, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := wire.ReadBody(resp, 32<<20)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.Unmarshal(b, &e)
		if e.Error.Message == "" {
			e.Error.Message = strings.TrimSpace(string(b))
		}
		return &Error{Status: resp.StatusCode, Code: e.Error.Code, Message: e.Error.Message}
	}
	if out == nil {
		return nil
	}
	if err := decodeAnswer(b, out); err != nil { // decode.go
		return fmt.Errorf("control API %s %s: cannot decode response: %w", method, path, err)
	}
	return nil
}
