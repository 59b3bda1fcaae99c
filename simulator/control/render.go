package control

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// The call object is the answer of every call the load places and hangs
// up (POST /calls, DELETE /calls/{id}, the leg actions, GET /calls/{id}),
// and encoding/json's reflection and its indenting pass were a tenth of
// the server's time per transfer (issue 16). appendCallView writes it by
// hand, byte for byte what writeJSON's indented encoder writes (field
// order, omitempty, HTML escaping, sorted map keys and the final newline:
// render_test.go compares the two). Everything else still goes through
// encoding/json, with a reused encoder and buffer.

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

// writeCall answers the call object c, rendered by hand.
func writeCall(w http.ResponseWriter, status int, c simulator.Call) {
	v := viewCall(c)
	buf := callBuffers.Get().(*[]byte)
	b, ok := appendCallView((*buf)[:0], v)
	if ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(b)
	} else { // a time encoding/json refuses: let it answer as it did
		writeJSON(w, status, v)
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

func (o *object) timeOmit(key string, t *time.Time) bool {
	return t == nil || o.time(key, *t)
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

func appendCallView(b []byte, v CallView) ([]byte, bool) {
	o := object{b: b}
	o.str("id", v.ID)
	o.str("origin", v.Origin)
	o.str("state", v.State)
	o.int("seq", v.Seq)
	ok := o.time("created", v.Created) && o.timeOmit("ended", v.Ended)
	if len(v.Vendor) > 0 {
		o.key("vendor")
		o.b = appendVendor(o.b, o.depth+1, v.Vendor)
	}
	o.key("legs")
	switch {
	case v.Legs == nil:
		o.b = append(o.b, "null"...)
	case len(v.Legs) == 0:
		o.b = append(o.b, "[]"...)
	default:
		o.b = append(o.b, '[')
		for i, l := range v.Legs {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.newline(o.depth + 2)
			var legOK bool
			o.b, legOK = appendLegView(o.b, o.depth+2, l)
			ok = ok && legOK
		}
		o.newline(o.depth + 1)
		o.b = append(o.b, ']')
	}
	return append(o.end(), '\n'), ok
}

func appendLegView(b []byte, depth int, l LegView) ([]byte, bool) {
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
	ok := o.time("created", l.Created) && o.timeOmit("answered", l.Answered) && o.timeOmit("ended", l.Ended)
	if len(l.Vendor) > 0 {
		o.key("vendor")
		o.b = appendVendor(o.b, depth+1, l.Vendor)
	}
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

// sortedKeys appends m's keys to buf, sorted as encoding/json sorts a
// map's; a buf made by the caller stays on its stack for a few keys.
func sortedKeys[V any](m map[string]V, buf []string) []string {
	for k := range m {
		buf = append(buf, k)
	}
	slices.Sort(buf)
	return buf
}

// appendVendor writes the vendor IDs by dialect, keys sorted as
// encoding/json sorts a map's.
func appendVendor(b []byte, depth int, vendor map[string]map[string]string) []byte {
	o := object{b: b, depth: depth}
	for _, dialect := range sortedKeys(vendor, make([]string, 0, 8)) {
		o.key(dialect)
		attrs := vendor[dialect]
		if attrs == nil {
			o.b = append(o.b, "null"...)
			continue
		}
		c := object{b: o.b, depth: depth + 1}
		for _, k := range sortedKeys(attrs, make([]string, 0, 8)) {
			c.key(k)
			c.b = appendString(c.b, attrs[k])
		}
		o.b = c.end()
	}
	return o.end()
}
