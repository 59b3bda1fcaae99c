package journalhttp

import (
	"encoding/json"
	"net/url"
)

func redactForm(s string) string {
	v, err := url.ParseQuery(s)
	if err != nil {
		return "[unparsable form body]"
	}
	for _, f := range secretFields {
		if v.Has(f) {
			v.Set(f, "[redacted]")
		}
	}
	return v.Encode()
}

// redactJSON blanks secret fields at the top level of a JSON object; other
// bodies are kept as they are.
func redactJSON(b []byte) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return b
	}
	changed := false
	for _, f := range secretFields {
		if _, ok := m[f]; ok {
			m[f] = json.RawMessage(`"[redacted]"`)
			changed = true
		}
	}
	if !changed {
		return b
	}
	out, err := json.Marshal(m)
	if err != nil {
		return b
	}
	return out
}
