package contract

import (
	"reflect"
	"strings"
	"testing"
)

// lexicalBodies are bodies whose keys the in-place walk and the token walk
// must judge alike: duplicates at every depth, escaped and non-UTF-8 keys,
// arrays of objects, the depth limit, and bodies json.Valid refuses.
var lexicalBodies = []string{``, `{}`, `[]`, `"x"`, `1`, ` {"id":"x","id":1} `, `{"to":{"a":{"b":[{"c":1,"c":2}]}}}`, "{\"id\":\"\xff\"}",
	"{\"a\xff\":1,\"a\xfe\":2}", `{"a":1,"\u0061":2}`, `{"a\"b":1,"a\"b":2,"a\"b":3}`, `[[[[`, `{"count":"1e400"}`, `{"to":null}`, `{"":1,"":2}`,
	`{"a":[{"a":1},{"a":1}]}`, `{"a":[{"b":1,"b":2},[{"b":1,"b":2}]],"a":{"a":{"x":true,"x":false}}}`, `{"a": [ 1 , 2 , {"k" : null , "k" : "v"} ] , "a" : -1.5e3}`,
	`{"id":"x","id":1} {"y":1,"y":2}`, `{"id":"x","id":1,}`, `{"k":1,"k":2,"z":`,
	strings.Repeat(`[`, 70) + strings.Repeat(`]`, 70), strings.Repeat(`{"a":`, 63) + `{"b":1,"b":2}` + strings.Repeat(`}`, 63),
	strings.Repeat(`{"a":`, 64) + `{"b":1,"b":2}` + strings.Repeat(`}`, 64), `{"x":1,"x":2,"d":` + strings.Repeat(`[`, 65) + strings.Repeat(`]`, 65) + `,"y":1,"y":1}`,
	manyKeys(40, 3)}

func manyKeys(n, dups int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `":1`)
	}
	for i := 0; i < dups; i++ {
		b.WriteString(`,"k` + string(rune('a'+i*7%26)) + `a":2`)
	}
	return b.String() + "}"
}

// Rule: the in-place walk lexical takes for well-formed bodies finds the
// same duplicate keys, with the same paths and notes, in the same order,
// as the decoder's token walk it replaced. Source: issue 15 item 1 (the
// duplicate-key rule), issue 16 (no cost that need not be there).
func TestLexicalWalkIsTheTokenWalk(t *testing.T) {
	for _, raw := range lexicalBodies {
		checkLexicalAlike(t, []byte(raw))
	}
}

func checkLexicalAlike(t *testing.T, raw []byte) {
	t.Helper()
	fast, slow := checker{op: Operation{Name: "op", Source: "src"}}, checker{op: Operation{Name: "op", Source: "src"}}
	fast.lexical(raw)
	slow.lexicalTokens(raw)
	fast.out = trimUTF8(fast.out)
	if (len(fast.out) > 0 || len(slow.out) > 0) && !reflect.DeepEqual(fast.out, slow.out) {
		t.Errorf("body %q:\n walk   %v\n tokens %v", raw, fast.out, slow.out)
	}
}

// trimUTF8 drops the invalid-UTF-8 finding, which lexical adds before
// either walk.
func trimUTF8(fs []Finding) []Finding {
	if len(fs) > 0 && fs[0].Rule.Name == RuleInvalidUTF8.Name {
		return fs[1:]
	}
	return fs
}

// Rule: as TestLexicalWalkIsTheTokenWalk, for any body.
func FuzzLexicalWalk(f *testing.F) {
	for _, s := range lexicalBodies {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { checkLexicalAlike(t, raw) })
}
