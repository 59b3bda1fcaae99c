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
func decodeBody(raw []byte) (Body, bool) { return decodeValid(raw, json.Valid(raw)) }

// decodeValid is decodeBody for a body whose validity (json.Valid) is
// known: the body is read in place, one pass, as json.Unmarshal into maps
// of json.RawMessage read it (the last of duplicate keys wins; keys and
// strings unescaped, bad UTF-8 as U+FFFD), without a map and a copy of
// every member per level (issue 16). body_decode_test.go holds it to the
// decoder.
func decodeValid(raw []byte, valid bool) (Body, bool) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return Body{}, true
	}
	if !valid && len(trimmed) < len(raw) {
		// TrimSpace also removes spaces JSON does not allow around a value
		// (a form feed, U+00A0): the decoder judged the body without them.
		valid = json.Valid(trimmed)
	}
	raw = trimmed
	if raw[0] != '{' || !valid {
		return nil, false
	}
	w := bodyWalk{keyWalk{raw: raw}}
	b, _ := w.object(0, 1)
	return b, true
}

// bodyWalk reads a body json.Valid accepts.
type bodyWalk struct{ keyWalk }

// object reads the object at raw[i]; its members' objects are read
// depth levels further.
func (w *bodyWalk) object(i, depth int) (Body, int) {
	b := Body{}
	i = skipSpace(w.raw, i+1)
	if w.raw[i] == '}' {
		return b, i + 1
	}
	for {
		key, end := w.text(i)
		i = skipSpace(w.raw, skipSpace(w.raw, end)+1) // ':'
		var v Value
		v, i = w.member(i, depth)
		b[key] = v
		if i = skipSpace(w.raw, i); w.raw[i] == '}' {
			return b, i + 1
		}
		i = skipSpace(w.raw, i+1) // ','
	}
}

// text unescapes the string at raw[i] and returns the index after it.
func (w *bodyWalk) text(i int) (string, int) {
	end, plain := w.stringEnd(i)
	if plain {
		return string(w.raw[i+1 : end-1]), end
	}
	var s string
	_ = json.Unmarshal(w.raw[i:end], &s)
	return s, end
}

func (w *bodyWalk) member(i, depth int) (Value, int) {
	switch c := w.raw[i]; c {
	case '"':
		s, end := w.text(i)
		return Value{Kind: String, Text: s}, end
	case '{':
		if depth > 0 {
			m, end := w.object(i, depth-1)
			return Value{Kind: Object, Members: m}, end
		}
		return Value{Kind: Object}, w.skip(i)
	case '[':
		return Value{Kind: Array}, w.skip(i)
	}
	end := w.skip(i)
	switch w.raw[i] {
	case 't', 'f':
		return Value{Kind: Boolean, Text: string(w.raw[i:end])}, end
	case 'n':
		return Value{Kind: null}, end
	}
	return Value{Kind: Number, Text: string(w.raw[i:end])}, end
}

// skip returns the index after the value at raw[i], however deep.
func (w *bodyWalk) skip(i int) int {
	if c := w.raw[i]; c != '{' && c != '[' {
		if c == '"' {
			end, _ := w.stringEnd(i)
			return end
		}
		for i < len(w.raw) && !strings.ContainsRune(",]} \t\n\r", rune(w.raw[i])) {
			i++
		}
		return i
	}
	open := 0
	for ; i < len(w.raw); i++ {
		switch w.raw[i] {
		case '"':
			end, _ := w.stringEnd(i)
			i = end - 1
		case '{', '[':
			open++
		case '}', ']':
			if open--; open == 0 {
				return i + 1
			}
		}
	}
	return i
}

// maxDepth bounds the nesting the duplicate-key walk follows; deeper
// bodies are judged by the dialect's decoder.
const maxDepth = 64

// lexical finds what a lenient decoder hides: invalid UTF-8 and
// duplicate object keys (at any depth up to maxDepth). It runs on every
// request with a body, so a body json.Valid accepts (every body a client
// means) is walked in place, without a token per value; anything else
// goes through the decoder's tokens, which stop where the syntax breaks.
// It reports whether raw is valid JSON.
func (c *checker) lexical(raw []byte) (valid bool) {
	if !utf8.Valid(raw) {
		c.add(RuleInvalidUTF8, "", "the body holds bytes that are not UTF-8; pbxsim reads them as U+FFFD")
	}
	if json.Valid(raw) {
		w := keyWalk{c: c, raw: raw}
		w.value(skipSpace(raw, 0), "", 0)
		return true
	}
	c.lexicalTokens(raw)
	return false
}

// lexicalTokens is lexical's duplicate-key walk over the decoder's tokens.
func (c *checker) lexicalTokens(raw []byte) {
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

// keyWalk is lexicalTokens' walk over a body json.Valid accepts, read in
// place: the same keys compared (unescaped, bad UTF-8 as U+FFFD), the same
// findings in the same order, the same stop at maxDepth.
type keyWalk struct {
	c        *checker
	raw      []byte
	reported map[string]bool
	stopped  bool // maxDepth reached: nothing more is looked at
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	return i
}

// value walks the value at raw[i] (open containers around it: depth;
// path: the path of a container opened here) and returns the index after it.
func (w *keyWalk) value(i int, path string, depth int) int {
	switch w.raw[i] {
	case '{', '[':
		if depth >= maxDepth {
			w.stopped = true
			return len(w.raw)
		}
		if w.raw[i] == '[' {
			return w.array(i, path, depth+1)
		}
		return w.object(i, path, depth+1)
	case '"':
		end, _ := w.stringEnd(i)
		return end
	}
	for i < len(w.raw) && !strings.ContainsRune(",]} \t\n\r", rune(w.raw[i])) {
		i++
	}
	return i
}

func (w *keyWalk) array(i int, path string, depth int) int {
	i = skipSpace(w.raw, i+1)
	if w.raw[i] == ']' {
		return i + 1
	}
	for {
		if i = skipSpace(w.raw, w.value(i, path, depth)); w.stopped {
			return len(w.raw)
		}
		if w.raw[i] == ']' {
			return i + 1
		}
		i = skipSpace(w.raw, i+1) // ','
	}
}

func (w *keyWalk) object(i int, path string, depth int) int {
	// Most objects have a few keys: a slice, a map once there are many
	// (a hostile body of 100,000 keys stays linear).
	var few [16]string
	keys := few[:0]
	var many map[string]bool
	i = skipSpace(w.raw, i+1)
	if w.raw[i] == '}' {
		return i + 1
	}
	for {
		end, plain := w.stringEnd(i)
		key := string(w.raw[i+1 : end-1])
		if !plain {
			_ = json.Unmarshal(w.raw[i:end], &key)
		}
		dup := false
		if many != nil {
			dup = many[key]
			many[key] = true
		} else {
			for _, k := range keys {
				dup = dup || k == key
			}
			if keys = append(keys, key); len(keys) == len(few) {
				many = make(map[string]bool, 2*len(few))
				for _, k := range keys {
					many[k] = true
				}
			}
		}
		if dup && !w.reported[path+key] {
			if w.reported == nil {
				w.reported = map[string]bool{}
			}
			w.reported[path+key] = true
			w.c.add(RuleDuplicateKey, path+key, "field "+quote(path+key)+" appears more than once; pbxsim takes the last value")
		}
		i = skipSpace(w.raw, skipSpace(w.raw, end)+1) // ':'
		child := ""
		if w.raw[i] == '{' || w.raw[i] == '[' {
			child = path + key + "."
		}
		if i = skipSpace(w.raw, w.value(i, child, depth)); w.stopped {
			return len(w.raw)
		}
		if w.raw[i] == '}' {
			return i + 1
		}
		i = skipSpace(w.raw, i+1) // ','
	}
}

// stringEnd returns the index after the string starting at raw[i], and
// whether its text is its bytes (no escape, nothing but ASCII).
func (w *keyWalk) stringEnd(i int) (end int, plain bool) {
	plain = true
	for j := i + 1; j < len(w.raw); j++ {
		switch c := w.raw[j]; {
		case c == '"':
			return j + 1, plain
		case c == '\\':
			plain = false
			j++
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
	return len(w.raw), plain
}
