package contract

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Value is one decoded field: its JSON kind, the text of a string (or the
// literal of a number or boolean), and an object's members.
type Value struct {
	Kind    Kind
	Text    string
	Members Body
}

// Body is a decoded JSON object, field by field.
type Body map[string]Value

// Str returns a field's text when it is a string or a number ("" otherwise).
func (b Body) Str(name string) string {
	v := b[name]
	if v.Kind == String || v.Kind == Number {
		return v.Text
	}
	return ""
}

// Has reports whether a field is present and not null.
func (b Body) Has(name string) bool {
	v, ok := b[name]
	return ok && v.Kind != null
}

func (v Value) looksLike(k Kind) bool {
	s := strings.TrimSpace(v.Text)
	switch k {
	case Number:
		_, err := strconv.ParseFloat(s, 64)
		return err == nil
	case Boolean:
		return s == "true" || s == "false"
	}
	return false
}

// decodeBody decodes a JSON object two levels deep (members of members
// are kept as kinds only). ok is false when raw is not a JSON object.
func decodeBody(raw []byte) (Body, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return Body{}, true
	}
	var top map[string]json.RawMessage
	if raw[0] != '{' || json.Unmarshal(raw, &top) != nil || top == nil {
		return nil, false
	}
	return members(top, 1), true
}

func members(m map[string]json.RawMessage, depth int) Body {
	b := make(Body, len(m))
	for k, raw := range m {
		b[k] = value(raw, depth)
	}
	return b
}

func value(raw json.RawMessage, depth int) Value {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return Value{Kind: null}
	}
	switch raw[0] {
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		return Value{Kind: String, Text: s}
	case '{':
		v := Value{Kind: Object}
		if depth > 0 {
			var m map[string]json.RawMessage
			if json.Unmarshal(raw, &m) == nil {
				v.Members = members(m, depth-1)
			}
		}
		return v
	case '[':
		return Value{Kind: Array}
	case 't', 'f':
		return Value{Kind: Boolean, Text: string(raw)}
	case 'n':
		return Value{Kind: null}
	}
	return Value{Kind: Number, Text: string(raw)}
}

// maxDepth bounds the nesting the duplicate-key walk follows; deeper
// bodies are judged by the dialect's decoder.
const maxDepth = 64

// lexical finds what a lenient decoder hides: invalid UTF-8 and
// duplicate object keys (at any depth up to maxDepth).
func (c *checker) lexical(raw []byte) {
	if !utf8.Valid(raw) {
		c.add(RuleInvalidUTF8, "", "the body holds bytes that are not UTF-8; pbxsim reads them as U+FFFD")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	type frame struct {
		object bool
		keys   map[string]bool
		expect bool // the next string token is a key
		path   string
		key    string
	}
	var stack []*frame
	reported := map[string]bool{}
	for {
		tok, err := dec.Token()
		if err != nil {
			return // end of input or a syntax error: the decoder refuses it
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if key, isKey := tok.(string); isKey && top != nil && top.object && top.expect {
			top.key, top.expect = key, false
			if top.keys[key] && !reported[top.path+key] {
				reported[top.path+key] = true
				c.add(RuleDuplicateKey, top.path+key, "field "+quote(top.path+key)+" appears more than once; pbxsim takes the last value")
			}
			top.keys[key] = true
			continue
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if len(stack) >= maxDepth {
				return
			}
			path := ""
			if top != nil && top.object {
				path = top.path + top.key + "."
			} else if top != nil {
				path = top.path
			}
			f := &frame{object: tok == json.Delim('{'), path: path, expect: tok == json.Delim('{')}
			if f.object {
				f.keys = map[string]bool{}
			}
			stack = append(stack, f)
			continue
		case json.Delim('}'), json.Delim(']'):
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].expect = true
		}
	}
}
