package contract

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// decodeByMaps is decodeBody as it was: json.Unmarshal into maps of
// json.RawMessage, level by level, the reference the in-place walk must
// match.
func decodeByMaps(raw []byte) (Body, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return Body{}, true
	}
	var top map[string]json.RawMessage
	if raw[0] != '{' || json.Unmarshal(raw, &top) != nil || top == nil {
		return nil, false
	}
	return membersByMaps(top, 1), true
}

func membersByMaps(m map[string]json.RawMessage, depth int) Body {
	b := make(Body, len(m))
	for k, raw := range m {
		b[k] = valueByMaps(raw, depth)
	}
	return b
}

func valueByMaps(raw json.RawMessage, depth int) Value {
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
				v.Members = membersByMaps(m, depth-1)
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

var decodeBodies = append([]string{`{"telephonySessionId":"s-1","partyId":"p-1-2"}`, ` { "to" : { "phoneNumber" : "+1", "x" : { "y" : [1, {"z":"}"}] } }, "n" : -0.5e-3 , "b":false,"t":true,"nu":null } `,
	`{"a":{},"b":{"c":{}},"s":"\u00e9\"\\\/\n","e":"` + "\xff" + `"}`, `{"a":"]}","b":["[{\"",{"c":"x"}],"a":{"d":1}}`, `null`, `{"x":1}x`,
	"\f{}", "\u00a0{\"a\":1}\v", "\f{\"a\":"},
	lexicalBodies...)

// Rule: the in-place decoding of a body is the decoder's, field for
// field. Source: issue 16 (one pass per body), issue 15 (what the
// contract check reads).
func TestDecodeBodyIsTheDecoders(t *testing.T) {
	for _, raw := range decodeBodies {
		checkDecodeAlike(t, []byte(raw))
	}
}

func checkDecodeAlike(t *testing.T, raw []byte) {
	t.Helper()
	got, gotOK := decodeBody(raw)
	want, wantOK := decodeByMaps(raw)
	if gotOK != wantOK || !reflect.DeepEqual(got, want) {
		t.Errorf("body %q:\n walk    %v %#v\n decoder %v %#v", raw, gotOK, got, wantOK, want)
	}
}

// Rule: as TestDecodeBodyIsTheDecoders, for any body.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range decodeBodies {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { checkDecodeAlike(t, raw) })
}
