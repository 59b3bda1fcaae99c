package netsapiens

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// AttendedTransferBody is the body of the final attended-transfer PATCH.
// It has no call-term-user field on purpose: the vendor's guide says
// including it "will prevent the attended transfer from completing
// successfully". Only RawTransfer can send one.
type AttendedTransferBody struct {
	Hostname             string `json:"hostname"`                    // core server where the consult call resides
	DestinationSessionID string `json:"call-destination-session-id"` // the consult call's call-session-id
}

// TransferAttended merges the user's call origCallID (the original call's
// call-orig-call-id, guide step 6) with the consultation call named in body.
// A 202 means accepted, not done; AttendedTransfer waits for the merge.
func (c *Client) TransferAttended(ctx context.Context, user, origCallID string, body AttendedTransferBody) error {
	if body.Hostname == "" || body.DestinationSessionID == "" {
		return errors.New("netsapiens: attended transfer needs hostname and call-destination-session-id")
	}
	return c.action(ctx, http.MethodPatch, user, origCallID, "/transfer", body)
}

// BlindTransfer sends the user's call to destination (a user, number or SIP
// URI) with {"call-term-user": destination}.
func (c *Client) BlindTransfer(ctx context.Context, user, callID, destination string) error {
	if destination == "" {
		return errors.New("netsapiens: blind transfer needs a destination")
	}
	return c.action(ctx, http.MethodPatch, user, callID, "/transfer", map[string]string{"call-term-user": destination})
}

// RawTransfer sends body as is to PATCH .../calls/{callID}/transfer. It
// exists so specs can send what a careless integration would (a
// call-term-user next to the session fields, the wrong call-id) and observe
// the outcome. Production code uses TransferAttended or BlindTransfer.
func (c *Client) RawTransfer(ctx context.Context, user, callID string, body json.RawMessage) error {
	if !json.Valid(body) {
		return errors.New("netsapiens: RawTransfer body is not valid JSON")
	}
	return c.action(ctx, http.MethodPatch, user, callID, "/transfer", body)
}
