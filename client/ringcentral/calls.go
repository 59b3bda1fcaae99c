package ringcentral

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// Call Control: one method per REST operation the transfer flows need.
// Each checks its IDs locally first (an *IDError, nothing sent) and returns
// the platform's refusal as an *APIError.

func sessionPath(sessionID string) string {
	return accountPath + "/telephony/sessions/" + url.PathEscape(sessionID)
}

func partyPath(l Leg) string {
	return sessionPath(l.SessionID) + "/parties/" + url.PathEscape(l.PartyID)
}

// Extension reads the logged-in extension (GET /account/~/extension/~).
func (c *Client) Extension(ctx context.Context) (*Extension, error) {
	var e Extension
	if err := c.Send(ctx, http.MethodGet, accountPath+"/extension/~", nil, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// Session reads a telephony session (GET .../telephony/sessions/{id}).
func (c *Client) Session(ctx context.Context, sessionID string) (*Session, error) {
	if err := CheckSessionID("telephonySessionId", sessionID); err != nil {
		return nil, err
	}
	var s Session
	if err := c.Send(ctx, http.MethodGet, sessionPath(sessionID), nil, freshSession{&s}); err != nil {
		return nil, err
	}
	return &s, nil
}

// Party reads one party (GET .../sessions/{s}/parties/{p}).
func (c *Client) Party(ctx context.Context, l Leg) (*Party, error) {
	return c.partyCall(ctx, http.MethodGet, l, "", nil)
}

// Hold puts the party on hold; the party that holds reports Hold. A lost
// answer is reconciled by reading the party (resilience.go).
func (c *Client) Hold(ctx context.Context, l Leg) (*Party, error) {
	return c.partyAction(ctx, l, "/hold", nil, goalHold)
}

// Unhold takes the party off hold.
func (c *Client) Unhold(ctx context.Context, l Leg) (*Party, error) {
	return c.partyAction(ctx, l, "/unhold", nil, goalUnhold)
}

// Mute mutes or unmutes the party (PATCH with the flat {muted} form the
// official SDK sends).
func (c *Client) Mute(ctx context.Context, l Leg, muted bool) (*Party, error) {
	return c.partyCall(ctx, http.MethodPatch, l, "", map[string]bool{"muted": muted})
}

// Answer answers a ringing party on the given device.
func (c *Client) Answer(ctx context.Context, l Leg, deviceID string) (*Party, error) {
	return c.partyAction(ctx, l, "/answer", map[string]string{"deviceId": deviceID}, goalAnswer)
}

// Reject sends an inbound, not yet answered party to voicemail (204).
func (c *Client) Reject(ctx context.Context, l Leg) error {
	_, err := c.partyCall(ctx, http.MethodPost, l, "/reject", nil)
	return err
}

// Transfer is the blind transfer of an answered (or held) party to exactly
// one target.
func (c *Client) Transfer(ctx context.Context, l Leg, to Callee) (*Party, error) {
	if n := to.count(); n != 1 {
		return nil, fmt.Errorf("ringcentral: transfer needs exactly one target (phoneNumber, extensionNumber, extensionId, voicemail or parkOrbit), got %d", n)
	}
	return c.partyAction(ctx, l, "/transfer", to, goalTransfer)
}

// Bridge joins the operator's party in the path session (from) with the
// operator's party in another session (to): the warm-transfer completion.
// Both legs are checked, and they must be two different sessions.
func (c *Client) Bridge(ctx context.Context, from, to Leg) (*Party, error) {
	if err := CheckLeg("telephonySessionId", "partyId", from); err != nil {
		return nil, err
	}
	if err := CheckLeg("body.telephonySessionId", "body.partyId", to); err != nil {
		return nil, err
	}
	if from.SessionID == to.SessionID {
		return nil, &IDError{Field: "body.telephonySessionId", Value: to.SessionID, Problem: "bridge needs two different sessions, both legs are in the same one"}
	}
	return c.settle(ctx, from, goalBridge, func() (*Party, error) {
		var p Party
		if err := c.Send(ctx, http.MethodPost, partyPath(from)+"/bridge", to, freshParty{&p}); err != nil {
			return nil, err
		}
		return &p, nil
	})
}

// CallOutRequest is the body of POST /telephony/call-out.
type CallOutRequest struct {
	From      Caller `json:"from"`
	To        Callee `json:"to"`
	CountryID int64  `json:"countryId,omitempty"`
}

// CallOut places a call from the operator's device or extension to a phone
// number or extension number and returns the new session (201). A lost
// answer is reconciled by reading presence (resilience.go).
func (c *Client) CallOut(ctx context.Context, from Caller, to Callee) (*Session, error) {
	return c.callOut(ctx, from, to, nil)
}

func (c *Client) callOutOnce(ctx context.Context, from Caller, to Callee) (*Session, error) {
	if (from.DeviceID == "") == (from.ExtensionID == "") {
		return nil, errors.New("ringcentral: call-out needs exactly one of from.deviceId and from.extensionId")
	}
	if to.count() != 1 || (to.PhoneNumber == "" && to.ExtensionNumber == "") {
		return nil, errors.New("ringcentral: call-out needs exactly one of to.phoneNumber and to.extensionNumber")
	}
	var s Session // the answer is {"session": {...}}
	if err := c.Send(ctx, http.MethodPost, accountPath+"/telephony/call-out", CallOutRequest{From: from, To: to}, freshCallOut{&s}); err != nil {
		return nil, err
	}
	return &s, nil
}

// Drop ends the whole session for everyone (DELETE session, 204).
func (c *Client) Drop(ctx context.Context, sessionID string) error {
	if err := CheckSessionID("telephonySessionId", sessionID); err != nil {
		return err
	}
	return c.Send(ctx, http.MethodDelete, sessionPath(sessionID), nil, nil)
}

// partyAction is a POST on a party whose lost answer settle reconciles.
func (c *Client) partyAction(ctx context.Context, l Leg, action string, body any, goal partyGoal) (*Party, error) {
	if err := CheckLeg("telephonySessionId", "partyId", l); err != nil {
		return nil, err
	}
	return c.settle(ctx, l, goal, func() (*Party, error) {
		return c.partyCall(ctx, http.MethodPost, l, action, body)
	})
}

func (c *Client) partyCall(ctx context.Context, method string, l Leg, action string, body any) (*Party, error) {
	if err := CheckLeg("telephonySessionId", "partyId", l); err != nil {
		return nil, err
	}
	var p Party
	if err := c.Send(ctx, method, partyPath(l)+action, body, freshParty{&p}); err != nil {
		return nil, err
	}
	return &p, nil
}
