package contract_test

import "testing"

// Rule: the contract checker never panics, whatever the body. Source:
// issue 15 ("fuzzing the contract checker with bad bodies never panics").
func FuzzCheck(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"id":"x","id":1}`, `{"to":{"a":{"b":[{"c":1,"c":2}]}}}`, "{\"id\":\"\xff\"}",
		`[[[[`, `{"count":"1e400"}`, `{"to":null}`, `{"":1,"":2}`, `{"a":[{"a":1},{"a":1}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		_ = transfer.Check(raw, map[string]string{"callid": "x"})
	})
}
