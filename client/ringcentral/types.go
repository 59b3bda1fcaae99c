package ringcentral

import "encoding/json"

// Party status codes as the telephony-session API reports them.
const (
	StatusSetup        = "Setup"
	StatusProceeding   = "Proceeding"
	StatusAnswered     = "Answered"
	StatusHold         = "Hold"
	StatusDisconnected = "Disconnected"
	StatusGone         = "Gone"
	StatusParked       = "Parked"
	StatusVoicemail    = "Voicemail"
)

// Party directions.
const (
	Inbound  = "Inbound"
	Outbound = "Outbound"
)

// Reasons the warm-transfer flow cares about.
const (
	ReasonAttendedTransfer = "AttendedTransfer"
	ReasonBlindTransfer    = "BlindTransfer"
)

// Session is a telephony session (CallSessionObject): one call and its
// parties.
type Session struct {
	ID           string  `json:"id"`
	CreationTime string  `json:"creationTime,omitempty"`
	Origin       Origin  `json:"origin"`
	Parties      []Party `json:"parties"`
}

// Party finds a party of the session by its ID.
func (s *Session) Party(id string) (Party, bool) {
	for _, p := range s.Parties {
		if p.ID == id {
			return p, true
		}
	}
	return Party{}, false
}

// PartyOf finds the party owned by an extension.
func (s *Session) PartyOf(extensionID string) (Party, bool) {
	for _, p := range s.Parties {
		if p.OwnerExtensionID() == extensionID {
			return p, true
		}
	}
	return Party{}, false
}

// Origin says what started a session (Call, RingOut, Conference, CallOut, ...).
type Origin struct {
	Type string `json:"type"`
}

// Party is one participant of a session (CallParty in REST answers,
// TelephonySessionsEventPartyInfo in notifications).
type Party struct {
	ID          string    `json:"id"`
	AccountID   string    `json:"accountId,omitempty"`
	ExtensionID string    `json:"extensionId,omitempty"`
	Direction   string    `json:"direction,omitempty"`
	From        PartyInfo `json:"from"`
	To          PartyInfo `json:"to"`
	Status      Status    `json:"status"`
	Muted       bool      `json:"muted"`
	StandAlone  bool      `json:"standAlone"`
	MissedCall  bool      `json:"missedCall,omitempty"`
	Park        Park      `json:"park"`
	// Owner is deprecated by the vendor but still sent in REST answers;
	// notifications carry extensionId instead.
	Owner *Owner `json:"owner,omitempty"`
}

// OwnerExtensionID is the extension that owns the party, from either the
// notification form (extensionId) or the REST form (owner.extensionId).
func (p Party) OwnerExtensionID() string {
	if p.ExtensionID != "" {
		return p.ExtensionID
	}
	if p.Owner != nil {
		return p.Owner.ExtensionID
	}
	return ""
}

// PartyInfo names one side of a party (from / to).
type PartyInfo struct {
	PhoneNumber string `json:"phoneNumber,omitempty"`
	Name        string `json:"name,omitempty"`
	ExtensionID string `json:"extensionId,omitempty"`
	DeviceID    string `json:"deviceId,omitempty"`
}

// Status is a party's CallStatusInfo.
type Status struct {
	Code        string  `json:"code"`
	Reason      string  `json:"reason,omitempty"`
	Description string  `json:"description,omitempty"`
	PeerID      *PeerID `json:"peerId,omitempty"`
	Rcc         bool    `json:"rcc"`
}

// PeerID points from a Gone party to the other end of the cross call.
type PeerID struct {
	SessionID          string `json:"sessionId,omitempty"`
	TelephonySessionID string `json:"telephonySessionId,omitempty"`
	PartyID            string `json:"partyId,omitempty"`
}

// Park holds the park orbit of a parked party.
type Park struct {
	ID string `json:"id,omitempty"`
}

// Owner is the deprecated REST owner block.
type Owner struct {
	AccountID   string `json:"accountId,omitempty"`
	ExtensionID string `json:"extensionId,omitempty"`
}

// Notification is one telephony-session notification envelope, as delivered
// over WebSocket or WebHook.
type Notification struct {
	UUID           string       `json:"uuid"`
	Event          string       `json:"event"`
	Timestamp      string       `json:"timestamp"`
	SubscriptionID string       `json:"subscriptionId"`
	OwnerID        string       `json:"ownerId"`
	Body           SessionEvent `json:"body"`
	// Raw is the envelope exactly as received, for shape checks.
	Raw json.RawMessage `json:"-"`
}

// SessionEvent is the body of a telephony-session notification: the state
// of one party (the vendor sends exactly one per event) at one sequence.
type SessionEvent struct {
	Sequence           int64   `json:"sequence"`
	SessionID          string  `json:"sessionId"`
	TelephonySessionID string  `json:"telephonySessionId"`
	ServerID           string  `json:"serverId,omitempty"`
	EventTime          string  `json:"eventTime"`
	Origin             Origin  `json:"origin"`
	Parties            []Party `json:"parties"`
}

// Caller is who places a call-out: a device or an extension, never both.
type Caller struct {
	DeviceID    string `json:"deviceId,omitempty"`
	ExtensionID string `json:"extensionId,omitempty"`
}

// Callee is the target of a call-out, transfer or forward: exactly one of
// its fields is set.
type Callee struct {
	PhoneNumber     string `json:"phoneNumber,omitempty"`
	ExtensionNumber string `json:"extensionNumber,omitempty"`
	ExtensionID     string `json:"extensionId,omitempty"`
	Voicemail       string `json:"voicemail,omitempty"`
	ParkOrbit       string `json:"parkOrbit,omitempty"`
}

func (c Callee) count() int {
	n := 0
	for _, v := range []string{c.PhoneNumber, c.ExtensionNumber, c.ExtensionID, c.Voicemail, c.ParkOrbit} {
		if v != "" {
			n++
		}
	}
	return n
}

// Leg names the operator's party in one session: what the bridge needs
// twice.
type Leg struct {
	SessionID string `json:"telephonySessionId"`
	PartyID   string `json:"partyId"`
}

// Extension is the logged-in extension (GET /extension/~).
type Extension struct {
	ID              NumericID `json:"id"`
	ExtensionNumber string    `json:"extensionNumber"`
	Name            string    `json:"name"`
	Account         struct {
		ID NumericID `json:"id"`
	} `json:"account"`
}

// NumericID is an account or extension ID. The platform sends it as a JSON
// number in REST answers and as a string in notifications; both decode.
type NumericID string

// UnmarshalJSON accepts 684351005 and "684351005".
func (n *NumericID) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = NumericID(s)
		return nil
	}
	var num json.Number
	if err := json.Unmarshal(b, &num); err != nil {
		return err
	}
	*n = NumericID(num.String())
	return nil
}
