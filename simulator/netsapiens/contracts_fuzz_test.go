package netsapiens

import "testing"

// Rule: no NetSapiens contract (its fields, formats and traps) panics on
// any body. Source: issue 15 ("fuzzing the contract checker with bad
// bodies never panics").
func FuzzNSContracts(f *testing.F) {
	for _, s := range []string{`{"hostname":"core1","call-destination-session-id":"1","call-term-user":1010}`,
		`{"destination":null,"hostname":""}`, `{"post-url":"http://[::1","subscription-expires-datetime":"2026-13-01 25:00:00"}`,
		`{"call-id":"a","call-id":"b","call-term-user":{"x":1}}`, "{\"model\":\"\xff\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, o := range nsOperations {
			_ = o.op.Check(raw, map[string]string{"domain": "TEST", "user": "1000", "callid": "x"})
		}
	})
}
