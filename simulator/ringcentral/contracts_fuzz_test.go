package ringcentral

import "testing"

// Rule: no RingCentral contract (its fields and bridge traps) panics on
// any body or path. Source: issue 15 ("fuzzing the contract checker with
// bad bodies never panics").
func FuzzRCContracts(f *testing.F) {
	for _, s := range []string{`{"telephonySessionId":"p-aa-1","partyId":"s-aa"}`, `{"telephonySessionId":"s-","partyId":"p--"}`,
		`{"party":{"muted":"true"},"muted":1}`, `{"from":{"deviceId":1},"to":[]}`, `{"deliveryMode":{"transportType":"Fax"},"eventFilters":"x"}`} {
		f.Add([]byte(s), "s-aa")
	}
	f.Fuzz(func(t *testing.T, raw []byte, session string) {
		for _, o := range rcOperations {
			_ = o.op.Check(raw, map[string]string{"telephonySessionId": session, "partyId": "p-aa-2"})
		}
	})
}
