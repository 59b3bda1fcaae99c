package ringcentral

import (
	"errors"
	"fmt"
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
// SessionCore and PartyCore match exactly `^s-([0-9a-fz]{16,64})$` and
// `^p-([0-9a-fz]{16,64})-([1-9][0-9]{0,5})$` (ids_test.go compares them
// with those expressions, and a fuzz target too), by hand: every call
// control request checks its IDs, and the expressions' matcher was a
// few percent of a load generator's CPU.
const minCore, maxCore = 16, 64

// coreRun is the length of the run of core characters [0-9a-fz] s starts
// with.
func coreRun(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || c == 'z') {
			return i
		}
	}
	return len(s)
}

// SessionCore returns the hex core of a telephony session ID, or false when
// the value is not a session ID.
func SessionCore(id string) (string, bool) {
	if len(id) < 2 || id[0] != 's' || id[1] != '-' {
		return "", false
	}
	core := id[2:]
	if n := coreRun(core); n != len(core) || n < minCore || n > maxCore {
		return "", false
	}
	return core, true
}

// PartyCore returns the hex core of a party ID, or false when the value is
// not a party ID.
func PartyCore(id string) (string, bool) {
	if len(id) < 2 || id[0] != 'p' || id[1] != '-' {
		return "", false
	}
	rest := id[2:]
	n := coreRun(rest)
	if n < minCore || n > maxCore || n == len(rest) || rest[n] != '-' {
		return "", false
	}
	num := rest[n+1:]
	if len(num) < 1 || len(num) > 6 || num[0] == '0' {
		return "", false
	}
	for i := 0; i < len(num); i++ {
		if num[i] < '0' || num[i] > '9' {
			return "", false
		}
	}
	return rest[:n], true
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
