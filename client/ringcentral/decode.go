package ringcentral

import (
	"bytes"
	"encoding/json"
	"strings"
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
		if d := (decoder{b: b}); d.session(&s) && d.end() {
			*o.s = s
			return nil
		}
		return json.Unmarshal(b, o.s)
	case freshParty:
		var p Party
		if d := (decoder{b: b}); d.party(&p) && d.end() {
			*o.p = p
			return nil
		}
		return json.Unmarshal(b, o.p)
	case freshCallOut:
		var s Session
		d := decoder{b: b}
		seen := false
		ok := d.object(func(key []byte) bool {
			if string(key) != "session" {
				return d.unknown(key, "session")
			}
			if seen {
				return false
			}
			seen = true
			return d.session(&s)
		})
		if ok && d.end() {
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

// decoder reads one JSON value from b at i; each method reports false
// when the value is not one the fast path takes.
type decoder struct {
	b []byte
	i int
}

func (d *decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// end reports whether only white space is left.
func (d *decoder) end() bool {
	d.space()
	return d.i == len(d.b)
}

func (d *decoder) byte(c byte) bool {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// raw reads a string of plain ASCII without escapes and returns its bytes.
func (d *decoder) raw() ([]byte, bool) {
	if !d.byte('"') {
		return nil, false
	}
	start := d.i
	for ; d.i < len(d.b); d.i++ {
		switch c := d.b[d.i]; {
		case c == '"':
			d.i++
			return d.b[start : d.i-1], true
		case c < 0x20 || c >= 0x7f || c == '\\':
			return nil, false
		}
	}
	return nil, false
}

func (d *decoder) str(dst *string) bool {
	s, ok := d.raw()
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

func (d *decoder) boolean(dst *bool) bool {
	d.space()
	switch {
	case bytes.HasPrefix(d.b[d.i:], []byte("true")):
		*dst, d.i = true, d.i+4
	case bytes.HasPrefix(d.b[d.i:], []byte("false")):
		*dst, d.i = false, d.i+5
	default:
		return false
	}
	return true
}

// object reads an object, calling field for each key with the decoder at
// its value; field reports false to give up.
func (d *decoder) object(field func(key []byte) bool) bool {
	if !d.byte('{') {
		return false
	}
	if d.byte('}') {
		return true
	}
	for {
		key, ok := d.raw()
		if !ok || !d.byte(':') || !field(key) {
			return false
		}
		if d.byte('}') {
			return true
		}
		if !d.byte(',') {
			return false
		}
	}
}

// fields reads an object into a struct whose JSON names are names, in
// order: set decodes the value of names[n]. A key repeated is left to
// encoding/json (it merges a repeated object into the first).
func (d *decoder) fields(names []string, set func(n int) bool) bool {
	var seen uint32
	return d.object(func(key []byte) bool {
		for n, name := range names {
			if string(key) == name {
				if seen&(1<<n) != 0 {
					return false
				}
				seen |= 1 << n
				return set(n)
			}
		}
		return d.unknown(key, names...)
	})
}

// unknown skips the value of a key that is none of names; a key that
// matches one of them but for case is left to encoding/json, which takes
// it for that field.
func (d *decoder) unknown(key []byte, names ...string) bool {
	for _, name := range names {
		if equalFoldASCII(key, name) {
			return false
		}
	}
	return d.skip(0)
}

// equalFoldASCII compares an ASCII key with an ASCII name in any case.
func equalFoldASCII(key []byte, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i := range len(key) {
		a, b := key[i], name[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// skip passes over any JSON value; what it does not take (a number out of
// the grammar, a control character in a string, a nesting deeper than
// 64) is left to encoding/json.
func (d *decoder) skip(depth int) bool {
	if depth > 64 {
		return false
	}
	d.space()
	if d.i >= len(d.b) {
		return false
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.object(func([]byte) bool { return d.skip(depth + 1) })
	case c == '[':
		d.i++
		if d.byte(']') {
			return true
		}
		for {
			if !d.skip(depth + 1) {
				return false
			}
			if d.byte(']') {
				return true
			}
			if !d.byte(',') {
				return false
			}
		}
	case c == '"':
		for d.i++; d.i < len(d.b); d.i++ {
			switch c := d.b[d.i]; {
			case c == '"':
				d.i++
				return true
			case c < 0x20:
				return false
			case c == '\\':
				d.i++
				if d.i >= len(d.b) || !strings.ContainsRune(`"\/bfnrtu`, rune(d.b[d.i])) {
					return false
				}
				if d.b[d.i] == 'u' {
					if d.i+4 >= len(d.b) || !isHex(d.b[d.i+1:d.i+5]) {
						return false
					}
					d.i += 4
				}
			}
		}
		return false
	case c == 't' || c == 'f':
		var b bool
		return d.boolean(&b)
	case c == 'n':
		if bytes.HasPrefix(d.b[d.i:], []byte("null")) {
			d.i += 4
			return true
		}
		return false
	default:
		return d.number()
	}
}

func isHex(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// number passes over -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (d *decoder) number() bool {
	digits := func() int {
		n := 0
		for d.i < len(d.b) && '0' <= d.b[d.i] && d.b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.i < len(d.b) && d.b[d.i] == '-' {
		d.i++
	}
	if d.i < len(d.b) && d.b[d.i] == '0' {
		d.i++
	} else if digits() == 0 {
		return false
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return false
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}

var sessionFields = []string{"id", "creationTime", "origin", "parties"}

func (d *decoder) session(s *Session) bool {
	return d.fields(sessionFields, func(n int) bool {
		switch n {
		case 0:
			return d.str(&s.ID)
		case 1:
			return d.str(&s.CreationTime)
		case 2:
			return d.fields(originFields, func(int) bool { return d.str(&s.Origin.Type) })
		default:
			if !d.byte('[') {
				return false
			}
			s.Parties = make([]Party, 0, 4)
			if d.byte(']') {
				return true
			}
			for {
				s.Parties = append(s.Parties, Party{})
				if !d.party(&s.Parties[len(s.Parties)-1]) {
					return false
				}
				if d.byte(']') {
					return true
				}
				if !d.byte(',') {
					return false
				}
			}
		}
	})
}

var originFields = []string{"type"}

var partyFields = []string{"id", "accountId", "extensionId", "direction", "from", "to", "status", "muted", "standAlone", "missedCall", "park", "owner"}

func (d *decoder) party(p *Party) bool {
	return d.fields(partyFields, func(n int) bool {
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
			return d.boolean(&p.Muted)
		case 8:
			return d.boolean(&p.StandAlone)
		case 9:
			return d.boolean(&p.MissedCall)
		case 10:
			return d.fields(parkFields, func(int) bool { return d.str(&p.Park.ID) })
		default:
			p.Owner = &Owner{}
			return d.fields(ownerFields, func(n int) bool {
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
	return d.fields(partyInfoFields, func(n int) bool {
		return d.str([]*string{&pi.PhoneNumber, &pi.Name, &pi.ExtensionID, &pi.DeviceID}[n])
	})
}

func (d *decoder) status(s *Status) bool {
	return d.fields(statusFields, func(n int) bool {
		switch n {
		case 0:
			return d.str(&s.Code)
		case 1:
			return d.str(&s.Reason)
		case 2:
			return d.str(&s.Description)
		case 3:
			s.PeerID = &PeerID{}
			return d.fields(peerIDFields, func(n int) bool {
				return d.str([]*string{&s.PeerID.SessionID, &s.PeerID.TelephonySessionID, &s.PeerID.PartyID}[n])
			})
		default:
			return d.boolean(&s.Rcc)
		}
	})
}
