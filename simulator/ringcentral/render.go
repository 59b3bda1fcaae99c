package ringcentral

import (
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// party is a CallParty (REST) or a TelephonySessionsEventPartyInfo
// (notifications): the same fields, except that REST adds owner
// (reference §1.4 and §2.2).
type party struct {
	AccountID   string        `json:"accountId,omitempty"`
	ExtensionID string        `json:"extensionId,omitempty"`
	ID          string        `json:"id"`
	Direction   string        `json:"direction"`
	To          partyInfo     `json:"to"`
	From        partyInfo     `json:"from"`
	Status      statusInfo    `json:"status"`
	Park        parkInfo      `json:"park"`
	MissedCall  *bool         `json:"missedCall,omitempty"` // events only (issue 13 item 5)
	StandAlone  bool          `json:"standAlone"`
	Muted       bool          `json:"muted"`
	Recordings  []recordingJS `json:"recordings,omitempty"`
	Owner       *ownerInfo    `json:"owner,omitempty"`
}

type partyInfo struct {
	PhoneNumber string `json:"phoneNumber,omitempty"`
	Name        string `json:"name,omitempty"`
	ExtensionID string `json:"extensionId,omitempty"`
	DeviceID    string `json:"deviceId,omitempty"`
}

type statusInfo struct {
	Code   string `json:"code"`
	Reason string `json:"reason,omitempty"`
	// MobilePickupData: events only, see mobilepickup.go.
	MobilePickupData *mobilePickupData `json:"mobilePickupData,omitempty"`
	Rcc              bool              `json:"rcc"`
	PeerID           *peerID           `json:"peerId,omitempty"`
	ParkData         string            `json:"parkData,omitempty"`
}

type peerID struct {
	TelephonySessionID string `json:"telephonySessionId"`
	SessionID          string `json:"sessionId"`
	PartyID            string `json:"partyId"`
}

type parkInfo struct {
	ID string `json:"id,omitempty"`
}

type ownerInfo struct {
	AccountID   string `json:"accountId"`
	ExtensionID string `json:"extensionId"`
}

type originInfo struct {
	Type string `json:"type"`
}

// callSession is a CallSessionObject (GET session, call-out).
type callSession struct {
	ID           string     `json:"id"`
	Origin       originInfo `json:"origin"`
	Parties      []party    `json:"parties"`
	CreationTime string     `json:"creationTime"`
}

// statusCodes spells the core's leg states as RingCentral's status codes
// (reference §2.3, §6.4).
var statusCodes = map[simulator.LegState]string{
	simulator.LegSetup:        "Setup",
	simulator.LegProceeding:   "Proceeding",
	simulator.LegAnswered:     "Answered",
	simulator.LegHeld:         "Hold",
	simulator.LegParked:       "Parked",
	simulator.LegDisconnected: "Disconnected",
	simulator.LegGone:         "Gone",
}

// statusReasons spells why a leg ended. A plain hang-up carries no reason,
// as in every Disconnected event of the 2020 captures (CSN).
var statusReasons = map[simulator.Reason]string{
	simulator.ReasonCancelled:        "Cancelled",
	simulator.ReasonRejected:         "Rejected",
	simulator.ReasonNoAnswer:         "NoAnswer",
	simulator.ReasonBlindTransfer:    "BlindTransfer",
	simulator.ReasonAttendedTransfer: "AttendedTransfer",
	simulator.ReasonForwarded:        "BlindTransfer", // CCJS mocks forward as Disconnected/BlindTransfer
	ReasonCallFlip:                   "CallFlip",
}

func originType(o string) string {
	switch o {
	case "ring-out":
		return "RingOut"
	case "conference":
		return "Conference"
	default:
		// call-out sessions report "Call" too (CCJS call-out mock).
		return "Call"
	}
}

const (
	eventTimeLayout = "2006-01-02T15:04:05.000Z"
	restTimeLayout  = "2006-01-02T15:04:05Z"
)

func eventTime(t time.Time) string { return t.UTC().Format(eventTimeLayout) }

// renderParty renders a leg for a viewer account. A party that no
// extension owns (a PSTN caller) carries the viewer's accountId, as in
// the captures' account-level events. withOwner adds REST's owner.
func (d *Dialect) renderParty(l simulator.Leg, viewer string, withOwner bool) party {
	if !withOwner {
		return d.renderPartyOwned(l, viewer, nil)
	}
	return d.renderPartyOwned(l, viewer, new(ownerInfo))
}

// renderPartyOwned is renderParty with the owner's storage given: nil
// renders an event's party (no owner, a missedCall), non-nil REST's
// CallParty, whose owner, if any, is written there. A handler that renders
// the party at once passes a variable of its own, which then stays on its
// stack (an answer has a party or three: an allocation each was a tenth of
// the dialect's).
func (d *Dialect) renderPartyOwned(l simulator.Leg, viewer string, owner *ownerInfo) party {
	withOwner := owner != nil
	p := party{
		ID:        l.Attrs[attrParty],
		AccountID: viewer,
		Direction: "Inbound",
		Status:    statusInfo{Code: statusCodes[l.State]},
		Muted:     l.Muted,
	}
	if l.Direction == simulator.Outbound {
		p.Direction = "Outbound"
	}
	if x, ok := d.dir().owner(l.Endpoint); ok {
		p.AccountID, p.ExtensionID = x.AccountID, x.ID
		if withOwner {
			*owner = ownerInfo{AccountID: x.AccountID, ExtensionID: x.ID}
			p.Owner = owner
		}
	}
	p.From = d.partyInfo(l.From, true)
	p.To = d.partyInfo(l.To, false)
	missed := false
	if !l.State.Live() {
		p.Status.Reason = statusReasons[l.Reason]
		missed = l.Direction == simulator.Inbound && l.Answered.IsZero() &&
			(l.Reason == simulator.ReasonNoAnswer || l.Reason == simulator.ReasonCancelled)
	}
	if !withOwner {
		// missedCall is an event field (TelephonySessionsEventPartyInfo);
		// the spec's CallParty has none, so REST leaves it out. It points
		// at one of two shared values, never written through, not at a
		// new bool per party.
		p.MissedCall = &missedValues[0]
		if missed {
			p.MissedCall = &missedValues[1]
		}
	}
	if l.State == simulator.LegGone && l.Peer != nil {
		if pl, pc, err := d.sim.Leg(l.Peer.LegID); err == nil {
			p.Status.PeerID = &peerID{
				TelephonySessionID: pc.Attrs[attrSession],
				SessionID:          pc.Attrs[attrSessionID],
				PartyID:            pl.Attrs[attrParty],
			}
		}
	}
	if l.State == simulator.LegParked {
		p.Park.ID = l.ParkOrbit
		p.Status.ParkData = l.ParkOrbit
	}
	p.Recordings = d.media.recordingsOf(p.ID)
	return p
}

// missedValues are what a party's MissedCall points at: false, true.
var missedValues = [2]bool{false, true}

// partyInfo renders one end of a call. The calling side names its device,
// as the seed's sample events do.
func (d *Dialect) partyInfo(ep simulator.Endpoint, calling bool) partyInfo {
	pi := partyInfo{PhoneNumber: ep.Number, Name: ep.Name}
	x, ok := d.dir().owner(ep)
	if !ok {
		return pi
	}
	pi.ExtensionID, pi.Name = x.ID, x.Name
	if pi.PhoneNumber == "" {
		pi.PhoneNumber = x.Number
	}
	if calling {
		pi.DeviceID = ep.DeviceID
		if pi.DeviceID == "" && len(x.Devices) > 0 {
			pi.DeviceID = x.Devices[0].ID
		}
	}
	return pi
}

// renderSession renders a call as the viewer account's CallSessionObject.
func (d *Dialect) renderSession(c simulator.Call, viewer string) callSession {
	s := callSession{
		ID:           c.Attrs[attrSession],
		Origin:       originInfo{Type: originType(c.Origin)},
		Parties:      make([]party, 0, len(c.Legs)),
		CreationTime: c.Created.UTC().Format(restTimeLayout),
	}
	for _, l := range c.Legs {
		s.Parties = append(s.Parties, d.renderParty(l, viewer, true))
	}
	return s
}

// appendSession appends the viewer account's CallSessionObject of c:
// renderSession(c, viewer).appendJSON(b), without the parties' slice and
// owners on the heap (a GET session answers thrice a warm transfer).
func (d *Dialect) appendSession(b []byte, c simulator.Call, viewer string) []byte {
	b = appendRESTString(append(b, `{"id":`...), c.Attrs[attrSession])
	b = appendRESTString(append(b, `,"origin":{"type":`...), originType(c.Origin))
	b = append(b, `},"parties":[`...)
	for i, l := range c.Legs {
		if i > 0 {
			b = append(b, ',')
		}
		var owner ownerInfo
		b = d.renderPartyOwned(l, viewer, &owner).appendJSON(b)
	}
	// A time in this layout is plain ASCII: nothing to escape.
	b = c.Created.UTC().AppendFormat(append(b, `],"creationTime":"`...), restTimeLayout)
	return append(b, `"}`...)
}

// concerns reports whether an account may see a call: one of its
// extensions has (or had) a leg in it, or is the one being called (the
// caller's Setup comes before the callee's leg exists).
func concerns(c simulator.Call, accountID string) bool {
	for _, l := range c.Legs {
		for _, ep := range []simulator.Endpoint{l.Endpoint, l.From, l.To} {
			if ep.IsUser() && ep.TenantID == accountID {
				return true
			}
		}
	}
	return false
}
