package ringcentral

import (
	"encoding/json"

	"github.com/xfer-conform/xfer-conform/client/internal/wire"
)

// Decoding the answers a transfer reads most (a session, a party, the
// call-out's session) without encoding/json's reflection, which was a
// fifth of a load client's time (issue 16). The fast path takes only
// what it understands completely: keys spelled exactly as the fields'
// JSON names, each at most once; plain ASCII strings without escapes;
// true and false; no null; any other value only under a key that matches
// no field (skipped, as encoding/json skips it). Anything else (an escape,
// a number where a string goes, a key in another case, a syntax error)
// is left to json.Unmarshal from the start, so the result and every error
// are encoding/json's own. decode_test.go compares the two.

// freshSession, freshParty and freshCallOut are out values for Send that
// point at a zero value of their type: only those are decoded fast, since
// encoding/json merges into a value that is not zero.
type (
	freshSession struct{ s *Session }
	freshParty   struct{ p *Party }
	freshCallOut struct{ s *Session } // {"session": {...}}
)

// decodeAnswer decodes a 2xx answer's body into out.
func decodeAnswer(b []byte, out any) error {
	switch o := out.(type) {
	case freshSession:
		var s Session
		if d := newDecoder(b); d.session(&s) && d.End() {
			*o.s = s
			return nil
		}
		return json.Unmarshal(b, o.s)
	case freshParty:
		var p Party
		if d := newDecoder(b); d.party(&p) && d.End() {
			*o.p = p
			return nil
		}
		return json.Unmarshal(b, o.p)
	case freshCallOut:
		var s Session
		d := newDecoder(b)
		seen := false
		ok := d.Object(func(key []byte) bool {
			if string(key) != "session" {
				return d.Unknown(key, "session")
			}
			if seen {
				return false
			}
			seen = true
			return d.session(&s)
		})
		if ok && d.End() {
			*o.s = s
			return nil
		}
		var answer struct {
			Session Session `json:"session"`
		}
		err := json.Unmarshal(b, &answer)
		*o.s = answer.Session
		return err
	}
	return json.Unmarshal(b, out)
}

// decoder is the shared fast JSON reader with this client's shapes.
type decoder struct{ wire.Decoder }

func newDecoder(b []byte) decoder { return decoder{wire.NewDecoder(b)} }

func (d *decoder) str(dst *string) bool {
	s, ok := d.Raw()
	if ok {
		*dst = word(s)
	}
	return ok
}

// word is s as a string, without a copy for the words every answer
// repeats (directions, statuses, reasons, origins).
func word(s []byte) string {
	switch string(s) {
	case Inbound:
		return Inbound
	case Outbound:
		return Outbound
	case StatusSetup:
		return StatusSetup
	case StatusProceeding:
		return StatusProceeding
	case StatusAnswered:
		return StatusAnswered
	case StatusHold:
		return StatusHold
	case StatusDisconnected:
		return StatusDisconnected
	case StatusGone:
		return StatusGone
	case StatusParked:
		return StatusParked
	case StatusVoicemail:
		return StatusVoicemail
	case ReasonAttendedTransfer:
		return ReasonAttendedTransfer
	case ReasonBlindTransfer:
		return ReasonBlindTransfer
	case "Call":
		return "Call"
	}
	return string(s)
}

var sessionFields = []string{"id", "creationTime", "origin", "parties"}

func (d *decoder) session(s *Session) bool {
	return d.Fields(sessionFields, func(n int) bool {
		switch n {
		case 0:
			return d.str(&s.ID)
		case 1:
			return d.str(&s.CreationTime)
		case 2:
			return d.Fields(originFields, func(int) bool { return d.str(&s.Origin.Type) })
		default:
			if !d.Byte('[') {
				return false
			}
			s.Parties = make([]Party, 0, 4)
			if d.Byte(']') {
				return true
			}
			for {
				s.Parties = append(s.Parties, Party{})
				if !d.party(&s.Parties[len(s.Parties)-1]) {
					return false
				}
				if d.Byte(']') {
					return true
				}
				if !d.Byte(',') {
					return false
				}
			}
		}
	})
}

var originFields = []string{"type"}

var partyFields = []string{"id", "accountId", "extensionId", "direction", "from", "to", "status", "muted", "standAlone", "missedCall", "park", "owner"}

func (d *decoder) party(p *Party) bool {
	return d.Fields(partyFields, func(n int) bool {
		switch n {
		case 0:
			return d.str(&p.ID)
		case 1:
			return d.str(&p.AccountID)
		case 2:
			return d.str(&p.ExtensionID)
		case 3:
			return d.str(&p.Direction)
		case 4:
			return d.partyInfo(&p.From)
		case 5:
			return d.partyInfo(&p.To)
		case 6:
			return d.status(&p.Status)
		case 7:
			return d.Bool(&p.Muted)
		case 8:
			return d.Bool(&p.StandAlone)
		case 9:
			return d.Bool(&p.MissedCall)
		case 10:
			return d.Fields(parkFields, func(int) bool { return d.str(&p.Park.ID) })
		default:
			p.Owner = &Owner{}
			return d.Fields(ownerFields, func(n int) bool {
				if n == 0 {
					return d.str(&p.Owner.AccountID)
				}
				return d.str(&p.Owner.ExtensionID)
			})
		}
	})
}

var (
	parkFields      = []string{"id"}
	ownerFields     = []string{"accountId", "extensionId"}
	partyInfoFields = []string{"phoneNumber", "name", "extensionId", "deviceId"}
	statusFields    = []string{"code", "reason", "description", "peerId", "rcc"}
	peerIDFields    = []string{"sessionId", "telephonySessionId", "partyId"}
)

func (d *decoder) partyInfo(pi *PartyInfo) bool {
	return d.Fields(partyInfoFields, func(n int) bool {
		return d.str([]*string{&pi.PhoneNumber, &pi.Name, &pi.ExtensionID, &pi.DeviceID}[n])
	})
}

func (d *decoder) status(s *Status) bool {
	return d.Fields(statusFields, func(n int) bool {
		switch n {
		case 0:
			return d.str(&s.Code)
		case 1:
			return d.str(&s.Reason)
		case 2:
			return d.str(&s.Description)
		case 3:
			s.PeerID = &PeerID{}
			return d.Fields(peerIDFields, func(n int) bool {
				return d.str([]*string{&s.PeerID.SessionID, &s.PeerID.TelephonySessionID, &s.PeerID.PartyID}[n])
			})
		default:
			return d.Bool(&s.Rcc)
		}
	})
}
