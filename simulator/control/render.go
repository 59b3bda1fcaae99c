package control

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// The call object is the answer of every call the load places and hangs
// up (POST /calls, DELETE /calls/{id}, the leg actions, GET /calls/{id}),
// and encoding/json's reflection and its indenting pass were a twentieth
// of the server's time per transfer (issue 16). appendCall writes it by
// hand, byte for byte what writeJSON's indented encoder writes of
// viewCall (field order, omitempty, HTML escaping, sorted map keys and
// the final newline: render_test.go compares the two). Everything else
// still goes through encoding/json, with a reused encoder and buffer.

// encoders are writeJSON's encoders, each writing into its own buffer.
var encoders = sync.Pool{New: func() any {
	e := &encoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetIndent("", "  ")
	return e
}}

type encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// maxPooled is the largest buffer kept for reuse: a large answer (a
// journal page) leaves its buffer to the collector.
const maxPooled = 64 << 10

// writeCall answers the call object c (viewCall's), rendered by hand
// from c itself: no view, no maps of vendor IDs, no time pointers.
func writeCall(w http.ResponseWriter, status int, c simulator.Call) {
	buf := callBuffers.Get().(*[]byte)
	b, ok := appendCall((*buf)[:0], c)
	if ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(b)
	} else { // a time encoding/json refuses, or IDs it would group by chance
		writeJSON(w, status, viewCall(c))
	}
	if cap(b) <= maxPooled {
		*buf = b
		callBuffers.Put(buf)
	}
}

// callBuffers are writeCall's buffers, reused: the writer copies what it
// is given.
var callBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// object writes one indented JSON object: each field on its own line,
// indented two spaces a level, "{}" when it has none.
type object struct {
	b      []byte
	depth  int
	fields int
}

func (o *object) newline(depth int) {
	o.b = append(o.b, '\n')
	for i := 0; i < depth; i++ {
		o.b = append(o.b, "  "...)
	}
}

// key starts a field.
func (o *object) key(key string) {
	if o.fields == 0 {
		o.b = append(o.b, '{')
	} else {
		o.b = append(o.b, ',')
	}
	o.fields++
	o.newline(o.depth + 1)
	o.b = append(appendString(o.b, key), ": "...)
}

func (o *object) str(key, v string) {
	o.key(key)
	o.b = appendString(o.b, v)
}

func (o *object) strOmit(key, v string) {
	if v != "" {
		o.str(key, v)
	}
}

func (o *object) int(key string, v int64) {
	o.key(key)
	o.b = strconv.AppendInt(o.b, v, 10)
}

// time writes t as time.Time's MarshalJSON does; false when it refuses t.
func (o *object) time(key string, t time.Time) bool {
	o.key(key)
	b, err := t.AppendText(append(o.b, '"'))
	if err != nil {
		return false
	}
	o.b = append(b, '"')
	return true
}

// child starts an object value under key.
func (o *object) child(key string) object {
	o.key(key)
	return object{b: o.b, depth: o.depth + 1}
}

// end closes the object and returns the bytes written so far.
func (o *object) end() []byte {
	if o.fields == 0 {
		return append(o.b, "{}"...)
	}
	o.newline(o.depth)
	return append(o.b, '}')
}

// appendString quotes s as encoding/json does by default (HTML escaped):
// plain ASCII as is, anything else through encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// appendCall writes viewCall(c) as writeJSON would. It reports false
// when it cannot: a time encoding/json refuses, or two attributes of one
// map that viewCall would group under the same name (which one wins
// depends on the map's order).
func appendCall(b []byte, c simulator.Call) ([]byte, bool) {
	o := object{b: b}
	o.str("id", c.ID)
	o.str("origin", c.Origin)
	ended := !c.Ended.IsZero()
	if ended {
		o.str("state", "ended")
	} else {
		o.str("state", "active")
	}
	o.int("seq", c.Seq)
	ok := o.time("created", c.Created) && (!ended || o.time("ended", c.Ended))
	ok = o.vendor(c.Attrs, nil) && ok
	o.key("legs")
	if len(c.Legs) == 0 {
		o.b = append(o.b, "[]"...)
	} else {
		o.b = append(o.b, '[')
		for i := range c.Legs {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.newline(o.depth + 2)
			var legOK bool
			o.b, legOK = appendLeg(o.b, o.depth+2, &c.Legs[i], c.Attrs)
			ok = ok && legOK
		}
		o.newline(o.depth + 1)
		o.b = append(o.b, ']')
	}
	return append(o.end(), '\n'), ok
}

func appendLeg(b []byte, depth int, l *simulator.Leg, callAttrs map[string]string) ([]byte, bool) {
	o := object{b: b, depth: depth}
	o.str("id", l.ID)
	o.int("index", int64(l.Index))
	o.str("state", string(l.State))
	o.strOmit("reason", string(l.Reason))
	o.str("direction", string(l.Direction))
	o.endpoint("endpoint", l.Endpoint)
	o.endpoint("from", l.From)
	o.endpoint("to", l.To)
	o.key("muted")
	o.b = strconv.AppendBool(o.b, l.Muted)
	o.legRef("peer", l.Peer)
	o.legRef("movedFrom", l.MovedFrom)
	o.strOmit("parkOrbit", l.ParkOrbit)
	ok := o.time("created", l.Created) &&
		(l.Answered.IsZero() || o.time("answered", l.Answered)) &&
		(l.Ended.IsZero() || o.time("ended", l.Ended))
	ok = o.vendor(callAttrs, l.Attrs) && ok
	return o.end(), ok
}

func (o *object) endpoint(key string, e simulator.Endpoint) {
	c := o.child(key)
	c.strOmit("tenantId", e.TenantID)
	c.strOmit("userId", e.UserID)
	c.strOmit("deviceId", e.DeviceID)
	c.strOmit("number", e.Number)
	c.strOmit("name", e.Name)
	o.b = c.end()
}

func (o *object) legRef(key string, r *simulator.LegRef) {
	if r != nil {
		c := o.child(key)
		c.str("callId", r.CallID)
		c.str("legId", r.LegID)
		o.b = c.end()
	}
}

// attr is one vendor ID as groupAttrs files it: vendor.<dialect>.<field>.
type attr struct {
	dialect, field, value string
	leg                   bool // a leg's attribute, which wins over the call's
}

// vendor writes groupAttrs(callAttrs, legAttrs) under "vendor", unless it
// is empty, with keys sorted as encoding/json sorts a map's; the IDs are
// gathered and sorted in a stack buffer instead of maps. It reports false
// when two attributes of one map land on the same dialect and field.
func (o *object) vendor(callAttrs, legAttrs map[string]string) bool {
	if len(callAttrs)+len(legAttrs) == 0 {
		return true
	}
	attrs := make([]attr, 0, 16)
	for src, m := range [...]map[string]string{callAttrs, legAttrs} {
		for k, v := range m {
			dialect, field, ok := strings.Cut(k, ".")
			if !ok {
				dialect, field = "core", k
			}
			attrs = append(attrs, attr{dialect: dialect, field: field, value: v, leg: src == 1})
		}
	}
	slices.SortFunc(attrs, func(a, b attr) int {
		if c := strings.Compare(a.dialect, b.dialect); c != 0 {
			return c
		}
		if c := strings.Compare(a.field, b.field); c != 0 {
			return c
		}
		switch { // the leg's first: it wins
		case a.leg && !b.leg:
			return -1
		case b.leg && !a.leg:
			return 1
		}
		return 0
	})
	o.key("vendor")
	g := object{b: o.b, depth: o.depth + 1}
	for i := 0; i < len(attrs); {
		dialect := attrs[i].dialect
		g.key(dialect)
		f := object{b: g.b, depth: g.depth + 1}
		for ; i < len(attrs) && attrs[i].dialect == dialect; i++ {
			a := attrs[i]
			if i > 0 && attrs[i-1].dialect == dialect && attrs[i-1].field == a.field {
				if attrs[i-1].leg == a.leg {
					return false
				}
				continue // the call's, under the leg's
			}
			f.key(a.field)
			f.b = appendString(f.b, a.value)
		}
		g.b = f.end()
	}
	o.b = g.end()
	return true
}
