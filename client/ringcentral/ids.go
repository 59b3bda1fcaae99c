package ringcentral

import (
	"errors"
	"fmt"
	"regexp"
)

// ErrBadID is matched (errors.Is) by every *IDError: the client refused to
// send an ID that cannot be what the request needs.
var ErrBadID = errors.New("ringcentral: bad telephony ID")

// IDError says which ID the client refused to send and why. The client
// checks IDs before any request because RingCentral's own guide warns that
// session and party IDs are easy to swap ("A telephony session ID starts
// with s- while a party ID starts with p- and ends with a - number").
type IDError struct {
	Field   string // e.g. "telephonySessionId", "partyId", "body.partyId"
	Value   string
	Problem string
}

func (e *IDError) Error() string {
	return fmt.Sprintf("ringcentral: %s %q refused before sending: %s", e.Field, e.Value, e.Problem)
}

// Is makes errors.Is(err, ErrBadID) true.
func (e *IDError) Is(target error) bool { return target == ErrBadID }

// Current ID formats: s-<32 hex> and p-<same hex>-<n> (2019-2020), and the
// 2022+ form whose core has 'z' separators (s-a0dd888305b18z18c590772c3z...).
// Both share the rule that a party's core equals its session's core.
var (
	sessionIDPattern = regexp.MustCompile(`^s-([0-9a-fz]{16,64})$`)
	partyIDPattern   = regexp.MustCompile(`^p-([0-9a-fz]{16,64})-([1-9][0-9]{0,5})$`)
)

// SessionCore returns the hex core of a telephony session ID, or false when
// the value is not a session ID.
func SessionCore(id string) (string, bool) {
	m := sessionIDPattern.FindStringSubmatch(id)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// PartyCore returns the hex core of a party ID, or false when the value is
// not a party ID.
func PartyCore(id string) (string, bool) {
	m := partyIDPattern.FindStringSubmatch(id)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// CheckSessionID refuses a value that is not a telephony session ID, and
// says so plainly when it is a party ID.
func CheckSessionID(field, id string) error {
	if _, ok := SessionCore(id); ok {
		return nil
	}
	if _, ok := PartyCore(id); ok {
		return &IDError{Field: field, Value: id, Problem: "this is a party ID (p-...-n), a telephony session ID (s-...) belongs here; are the IDs swapped?"}
	}
	return &IDError{Field: field, Value: id, Problem: "not a telephony session ID (want s-<hex>)"}
}

// CheckPartyID refuses a value that is not a party of the given session:
// a session ID in a party's place, a malformed party ID, or a party of
// another session (its core differs from the session's).
func CheckPartyID(field, sessionID, partyID string) error {
	core, ok := PartyCore(partyID)
	if !ok {
		if _, isSession := SessionCore(partyID); isSession {
			return &IDError{Field: field, Value: partyID, Problem: "this is a telephony session ID (s-...), a party ID (p-...-n) belongs here; are the IDs swapped?"}
		}
		return &IDError{Field: field, Value: partyID, Problem: "not a party ID (want p-<hex>-<n>)"}
	}
	if sc, ok := SessionCore(sessionID); ok && sc != core {
		return &IDError{Field: field, Value: partyID, Problem: fmt.Sprintf("party belongs to session s-%s, not %s", core, sessionID)}
	}
	return nil
}

// CheckLeg checks a session ID and one of its party IDs together.
func CheckLeg(sessionField, partyField string, l Leg) error {
	if err := CheckSessionID(sessionField, l.SessionID); err != nil {
		return err
	}
	return CheckPartyID(partyField, l.SessionID, l.PartyID)
}
