package judge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/xfer-conform/xfer-conform/client/netsapiens"
	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
)

// ReferenceIntegration is the integration used when none is given: the
// reference clients in client/, run in-process from the same hand-over a
// user's integration gets. It keeps the @integration features (and the
// checks that judge them) exercised by every run of the suite.
type ReferenceIntegration struct {
	// HTTP carries the clients' requests (the scenario's traced client).
	HTTP *http.Client
}

// Name says what runs.
func (ReferenceIntegration) Name() string { return "the reference client (built in)" }

// Run performs the vendor's warm transfer from the hand-over's variables.
func (r ReferenceIntegration) Run(ctx context.Context, h Handover) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, h.Timeout)
	defer cancel()
	start := time.Now()
	var err error
	switch h.Vendor {
	case "ringcentral":
		err = r.ringCentral(ctx, h.Vars)
	case "netsapiens":
		err = r.netSapiens(ctx, h.Vars)
	default:
		err = fmt.Errorf("no reference integration for %q", h.Vendor)
	}
	res := Result{Finished: ctx.Err() == nil, Elapsed: time.Since(start)}
	if err != nil {
		res.Code, res.Output = 1, h.Mask(err.Error())
	}
	return res, nil
}

// ringCentral: read the customer's session, hold the operator's party in
// it, call the consult out, wait for the consult to answer, bridge.
func (r ReferenceIntegration) ringCentral(ctx context.Context, v map[string]string) error {
	c, err := rc.New(rc.Config{ServerURL: v["RC_SERVER_URL"], ClientID: v["RC_CLIENT_ID"], ClientSecret: v["RC_CLIENT_SECRET"],
		JWT: v["RC_JWT"], HTTPClient: r.HTTP, UserAgent: "xfer-conform/reference-integration"})
	if err != nil {
		return err
	}
	if err := c.Login(ctx); err != nil {
		return err
	}
	me := v["XFER_OPERATOR_ID"]
	s, err := c.Session(ctx, v["XFER_SESSION_ID"])
	if err != nil {
		return err
	}
	mine, ok := s.PartyOf(me)
	if !ok {
		return fmt.Errorf("session %s has no party of extension %s", s.ID, me)
	}
	customer := rc.Leg{SessionID: s.ID, PartyID: mine.ID}
	if _, err := c.Hold(ctx, customer); err != nil {
		return err
	}
	out, err := c.CallOut(ctx, rc.Caller{DeviceID: v["XFER_OPERATOR_DEVICE_ID"]}, rc.Callee{ExtensionNumber: v["XFER_CONSULT"]})
	if err != nil {
		return err
	}
	var consult rc.Leg
	for wait := 20 * time.Millisecond; ; wait = min(2*wait, 250*time.Millisecond) {
		b, err := c.Session(ctx, out.ID)
		if err != nil {
			return err
		}
		if p, ok := b.PartyOf(me); ok && answeredBeyond(b, p.ID) {
			consult = rc.Leg{SessionID: b.ID, PartyID: p.ID}
			break
		}
		select {
		case <-ctx.Done():
			return errors.New("the consult did not answer in time")
		case <-time.After(wait):
		}
	}
	_, err = c.Bridge(ctx, customer, consult)
	return err
}

// answeredBeyond says whether every live party but mine is Answered, and
// there is one.
func answeredBeyond(s *rc.Session, mine string) bool {
	far := 0
	for _, p := range s.Parties {
		switch {
		case p.ID == mine || p.Status.Code == rc.StatusDisconnected || p.Status.Code == rc.StatusGone:
		case p.Status.Code == rc.StatusAnswered:
			far++
		default:
			return false
		}
	}
	return far > 0
}

// netSapiens walks the vendor's attended-transfer guide with the reference
// client.
func (r ReferenceIntegration) netSapiens(ctx context.Context, v map[string]string) error {
	c, err := netsapiens.New(netsapiens.Config{BaseURL: v["PBX_URL"], Domain: v["NS_DOMAIN"], Auth: netsapiens.APIKey(v["NS_API_KEY"]),
		HTTPClient: r.HTTP, Poll: netsapiens.PollPolicy{Max: PollMax}})
	if err != nil {
		return err
	}
	return c.NewWarmTransfer(v["XFER_OPERATOR"], v["XFER_CONSULT"]).Run(ctx)
}

// PollMax caps the reference client's pause between reads: NetSapiens'
// apply delay is a fraction of a second, so a longer pause only slows specs.
const PollMax = 250 * time.Millisecond
