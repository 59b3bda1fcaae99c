package control

import (
	"encoding/json"

	"github.com/xfer-conform/xfer-conform/client/internal/wire"
)

// Decoding the call object (the answer of every call a load places)
// without encoding/json's reflection, as the reference clients decode
// their most read answers (issue 16): only an answer the fast path takes
// whole is decoded by it (keys spelled as the fields' JSON names, each
// once; plain ASCII strings; integers; no null); any other is left to
// json.Unmarshal from the start, so the result and every error are
// encoding/json's. decode_test.go compares the two.

// freshCall is an out value for do that points at a zero Call: only a
// zero value is decoded fast, since encoding/json merges into one that
// is not.
type freshCall struct{ c *Call }

// decodeAnswer decodes an answer's body into out.
func decodeAnswer(b []byte, out any) error {
	if o, ok := out.(freshCall); ok {
		var c Call
		if d := wire.NewDecoder(b); decodeCall(&d, &c) && d.End() {
			*o.c = c
			return nil
		}
		return json.Unmarshal(b, o.c)
	}
	return json.Unmarshal(b, out)
}

var callFields = []string{"id", "origin", "state", "seq", "vendor", "legs"}

func decodeCall(d *wire.Decoder, c *Call) bool {
	return d.Fields(callFields, func(n int) bool {
		switch n {
		case 0:
			return d.Str(&c.ID)
		case 1:
			return d.Str(&c.Origin)
		case 2:
			return d.Str(&c.State)
		case 3:
			return d.Int(&c.Seq)
		case 4:
			return decodeVendor(d, &c.Vendor)
		default:
			if !d.Byte('[') {
				return false
			}
			c.Legs = make([]Leg, 0, 4)
			if d.Byte(']') {
				return true
			}
			for {
				c.Legs = append(c.Legs, Leg{})
				if !decodeLeg(d, &c.Legs[len(c.Legs)-1]) {
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

var (
	legFields      = []string{"id", "index", "state", "reason", "direction", "endpoint", "from", "to", "muted", "peer", "movedFrom", "vendor"}
	endpointFields = []string{"tenantId", "userId", "deviceId", "number", "name"}
	legRefFields   = []string{"callId", "legId"}
)

func decodeLeg(d *wire.Decoder, l *Leg) bool {
	return d.Fields(legFields, func(n int) bool {
		switch n {
		case 0:
			return d.Str(&l.ID)
		case 1:
			var i int64
			ok := d.Int(&i)
			l.Index = int(i) // an int has 64 bits wherever pbxload runs; a larger one is refused by Int
			return ok && int64(l.Index) == i
		case 2:
			return d.Str(&l.State)
		case 3:
			return d.Str(&l.Reason)
		case 4:
			return d.Str(&l.Direction)
		case 5, 6, 7:
			e := []*Endpoint{&l.Endpoint, &l.From, &l.To}[n-5]
			return d.Fields(endpointFields, func(n int) bool {
				return d.Str([]*string{&e.TenantID, &e.UserID, &e.DeviceID, &e.Number, &e.Name}[n])
			})
		case 8:
			return d.Bool(&l.Muted)
		case 9, 10:
			r := &LegRef{}
			if n == 9 {
				l.Peer = r
			} else {
				l.MovedFrom = r
			}
			return d.Fields(legRefFields, func(n int) bool {
				return d.Str([]*string{&r.CallID, &r.LegID}[n])
			})
		default:
			return decodeVendor(d, &l.Vendor)
		}
	})
}

// decodeVendor reads the vendor IDs by dialect. A map's keys are exact in
// encoding/json (no case folding); a key repeated is left to it.
func decodeVendor(d *wire.Decoder, dst *map[string]map[string]string) bool {
	vendor := map[string]map[string]string{}
	*dst = vendor
	return d.Object(func(key []byte) bool {
		dialect := string(key)
		if _, dup := vendor[dialect]; dup {
			return false
		}
		attrs := map[string]string{}
		vendor[dialect] = attrs
		return d.Object(func(key []byte) bool {
			field := string(key)
			if _, dup := attrs[field]; dup {
				return false
			}
			var v string
			if !d.Str(&v) {
				return false
			}
			attrs[field] = v
			return true
		})
	})
}
