package wire

import (
	"bytes"
	"strconv"
	"strings"
)

// NewDecoder reads b.
func NewDecoder(b []byte) Decoder { return Decoder{b: b} }

// Decoder reads JSON values from b for a client's fast decoding of the
// answers it reads most: each method reports false when the value is not
// one it takes whole (an escape, a null, a key in another case), and the
// client then leaves the answer to encoding/json from the start, whose
// result and errors stay the reference.
type Decoder struct {
	b []byte
	i int
}

func (d *Decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// End reports whether only white space is left.
func (d *Decoder) End() bool {
	d.space()
	return d.i == len(d.b)
}

func (d *Decoder) Byte(c byte) bool {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// Raw reads a string of plain ASCII without escapes and returns its bytes.
func (d *Decoder) Raw() ([]byte, bool) {
	if !d.Byte('"') {
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

func (d *Decoder) Bool(dst *bool) bool {
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

// Object reads an object, calling field for each key with the decoder at
// its value; field reports false to give up.
func (d *Decoder) Object(field func(key []byte) bool) bool {
	if !d.Byte('{') {
		return false
	}
	if d.Byte('}') {
		return true
	}
	for {
		key, ok := d.Raw()
		if !ok || !d.Byte(':') || !field(key) {
			return false
		}
		if d.Byte('}') {
			return true
		}
		if !d.Byte(',') {
			return false
		}
	}
}

// Fields reads an object into a struct whose JSON names are names, in
// order: set decodes the value of names[n]. A key repeated is left to
// encoding/json (it merges a repeated object into the first).
func (d *Decoder) Fields(names []string, set func(n int) bool) bool {
	var seen uint32
	return d.Object(func(key []byte) bool {
		for n, name := range names {
			if string(key) == name {
				if seen&(1<<n) != 0 {
					return false
				}
				seen |= 1 << n
				return set(n)
			}
		}
		return d.Unknown(key, names...)
	})
}

// Unknown skips the value of a key that is none of names; a key that
// matches one of them but for case is left to encoding/json, which takes
// it for that field.
func (d *Decoder) Unknown(key []byte, names ...string) bool {
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
func (d *Decoder) skip(depth int) bool {
	if depth > 64 {
		return false
	}
	d.space()
	if d.i >= len(d.b) {
		return false
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.Object(func([]byte) bool { return d.skip(depth + 1) })
	case c == '[':
		d.i++
		if d.Byte(']') {
			return true
		}
		for {
			if !d.skip(depth + 1) {
				return false
			}
			if d.Byte(']') {
				return true
			}
			if !d.Byte(',') {
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
		return d.Bool(&b)
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
func (d *Decoder) number() bool {
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

// Str reads a plain ASCII string into dst.
func (d *Decoder) Str(dst *string) bool {
	s, ok := d.Raw()
	if ok {
		*dst = string(s)
	}
	return ok
}

// Int reads an integer into dst as encoding/json does into an int64 (or
// an int of 64 bits); a fraction, an exponent or an overflow is left to
// encoding/json.
func (d *Decoder) Int(dst *int64) bool {
	d.space()
	start := d.i
	if !d.number() {
		return false
	}
	n, err := strconv.ParseInt(string(d.b[start:d.i]), 10, 64)
	if err != nil {
		return false
	}
	*dst = n
	return true
}
