package simulator

import "time"

// Tenant is one customer of the PBX: a vendor's account or domain. Kind
// names the dialect that serves it (its scenario section's key); the core
// treats it as an opaque label.
type Tenant struct {
	ID   string
	Kind string
	Name string
}

// AnswerMode says what a user's phone does when it rings.
type AnswerMode string

// Answer modes of an AnswerPolicy.
const (
	// AnswerManual: the phone rings until someone answers it (control API or
	// vendor API) or the ring-no-answer timer ends the call.
	AnswerManual AnswerMode = "manual"
	// AnswerAuto: the phone answers after the policy's delay.
	AnswerAuto AnswerMode = "answer"
	// AnswerReject: the phone rejects after the policy's delay.
	AnswerReject AnswerMode = "reject"
)

// AnswerPolicy is what a user's phone does with an incoming call.
type AnswerPolicy struct {
	Mode  AnswerMode
	Delay time.Duration
}

// User is a person with a phone in a tenant: a vendor's extension or user.
type User struct {
	TenantID  string
	ID        string // the dialect's id of the user (an extension id, a user id)
	Extension string // the short number dialled inside the tenant
	Name      string
	Numbers   []string // E.164 numbers routed to this user
	Devices   []Device
	Answer    AnswerPolicy
}

// Device is a phone (softphone, desk phone, webphone) of a user.
type Device struct {
	ID   string
	Name string
	Type string
}

// Endpoint is one end of a leg: a user (optionally on one device) of a
// tenant, or an outside phone number.
type Endpoint struct {
	TenantID string `json:"tenantId,omitempty"`
	UserID   string `json:"userId,omitempty"`
	DeviceID string `json:"deviceId,omitempty"`
	// Number is what the other side sees or dialled: an E.164 number or an
	// extension number.
	Number string `json:"number,omitempty"`
	Name   string `json:"name,omitempty"`
}

// IsUser reports whether the endpoint is a user of a tenant.
func (e Endpoint) IsUser() bool { return e.UserID != "" }

// SameUser reports whether both endpoints are the same tenant user.
func (e Endpoint) SameUser(o Endpoint) bool {
	return e.IsUser() && e.TenantID == o.TenantID && e.UserID == o.UserID
}

// LegState is where a leg is in its life.
type LegState string

// Leg states.
const (
	LegSetup        LegState = "setup"
	LegProceeding   LegState = "proceeding" // ringing
	LegAnswered     LegState = "answered"
	LegHeld         LegState = "held"   // this leg placed the call on hold
	LegParked       LegState = "parked" // this leg parked the call on an orbit
	LegDisconnected LegState = "disconnected"
	LegGone         LegState = "gone" // left by transfer or merge; see Leg.Peer
)

// Live reports whether a leg in this state is still part of the call.
func (s LegState) Live() bool { return s != LegDisconnected && s != LegGone }

// Ringing reports whether the leg has not been answered yet.
func (s LegState) Ringing() bool { return s == LegSetup || s == LegProceeding }

// Connected reports whether the leg is answered or held.
func (s LegState) Connected() bool { return s == LegAnswered || s == LegHeld }

// Direction is a leg's direction as seen by its own endpoint.
type Direction string

// Directions.
const (
	Outbound Direction = "outbound" // the leg placed the call
	Inbound  Direction = "inbound"  // the leg received the call
)

// Reason says why a leg ended. The set is open: besides the core's
// reasons below, a dialect may end a leg with its own (a blind transfer
// under the vendor's name for it, say).
type Reason string

// Reasons a leg ends.
const (
	ReasonHangup           Reason = "hangup"            // this leg hung up
	ReasonRemoteHangup     Reason = "remote-hangup"     // the other side hung up
	ReasonCancelled        Reason = "cancelled"         // caller gave up before answer
	ReasonRejected         Reason = "rejected"          // callee rejected
	ReasonNoAnswer         Reason = "no-answer"         // ring-no-answer timer
	ReasonBlindTransfer    Reason = "blind-transfer"    // this leg blind-transferred the call
	ReasonAttendedTransfer Reason = "attended-transfer" // this leg joined two calls and left
	ReasonForwarded        Reason = "forwarded"         // a ringing leg sent the call elsewhere
)

// LegRef points at a leg of a call.
type LegRef struct {
	CallID string `json:"callId"`
	LegID  string `json:"legId"`
}

// Leg is a snapshot of one endpoint's part in a call.
type Leg struct {
	ID        string    `json:"id"`
	CallID    string    `json:"callId"`
	Index     int       `json:"index"` // 1-based, counts up within the call
	Endpoint  Endpoint  `json:"endpoint"`
	From      Endpoint  `json:"from"`
	To        Endpoint  `json:"to"`
	Direction Direction `json:"direction"`
	State     LegState  `json:"state"`
	Reason    Reason    `json:"reason,omitempty"`
	// Peer is where a gone leg went: the other anchor for an attended
	// transfer's anchors, the new leg for a leg that was moved.
	Peer *LegRef `json:"peer,omitempty"`
	// MovedFrom is set on a leg that joined this call by an attended transfer.
	MovedFrom *LegRef `json:"movedFrom,omitempty"`
	// ParkOrbit is where a parked leg parked the call.
	ParkOrbit string    `json:"parkOrbit,omitempty"`
	Muted     bool      `json:"muted"`
	Created   time.Time `json:"created"`
	Answered  time.Time `json:"answered,omitempty"`
	Ended     time.Time `json:"ended,omitempty"`
	// Attrs are the vendor IDs, set by dialect Namers. Snapshots and events
	// share the map (and Peer and MovedFrom): read them, never write into them.
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Call is a snapshot of a call.
type Call struct {
	ID      string    `json:"id"`
	Origin  string    `json:"origin"` // how it started: "call", or a dialect's word (OriginateRequest.Origin)
	Legs    []Leg     `json:"legs"`
	Seq     int64     `json:"seq"` // last per-call event sequence number
	Created time.Time `json:"created"`
	Ended   time.Time `json:"ended,omitempty"`
	// Attrs are shared like Leg.Attrs: read them, never write into them.
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Active reports whether the call has not ended.
func (c Call) Active() bool { return c.Ended.IsZero() }

// Leg returns the leg with the given ID.
func (c Call) Leg(id string) (Leg, bool) {
	for _, l := range c.Legs {
		if l.ID == id {
			return l, true
		}
	}
	return Leg{}, false
}

// LiveLegs returns the legs still in the call.
func (c Call) LiveLegs() []Leg {
	var out []Leg
	for _, l := range c.Legs {
		if l.State.Live() {
			out = append(out, l)
		}
	}
	return out
}
