package ringcentral

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// pathWithQuery merges a ClientRequest's query object into its path, so
// REST over the WebSocket sees the same URL as the same request over
// HTTP. RCEX's WebSocket extension sends request parameters in query
// ({"detailedTelephonyState": true, "direction": ["Inbound"]}), not in
// path (issue 13 item 2; reference §4.4, RCEX ws rest.ts). Values may be
// strings, numbers, booleans or arrays of them; parameters already in the
// path stay, and query's come after them in key order.
func pathWithQuery(path string, raw json.RawMessage) (string, error) {
	text := strings.TrimSpace(string(raw))
	if text == "" || text == "null" {
		return path, nil
	}
	var q map[string]any
	if err := json.Unmarshal(raw, &q); err != nil {
		return "", invalidParam("query", text, "A ClientRequest's query must be a JSON object of parameters.")
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	v := url.Values{}
	for _, k := range keys {
		vals, ok := queryStrings(q[k])
		if !ok {
			return "", invalidParam("query", k, "Parameter values are strings, numbers, booleans or arrays of them.")
		}
		v[k] = vals
	}
	enc := v.Encode()
	if enc == "" {
		return path, nil
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + enc, nil
}

func queryStrings(v any) ([]string, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		return []string{x}, true
	case bool, float64:
		return []string{fmt.Sprint(x)}, true
	case []any:
		var out []string
		for _, e := range x {
			s, ok := queryStrings(e)
			if !ok || len(s) > 1 {
				return nil, false
			}
			out = append(out, s...)
		}
		return out, true
	default:
		return nil, false
	}
}
