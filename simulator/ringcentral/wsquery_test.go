package ringcentral

import (
	"testing"

	"github.com/tidwall/gjson"
)

// Rule: REST over the WebSocket takes request parameters from the
// ClientRequest's query object as well as from path: a detailed presence
// read asked through query answers exactly as the same query in path.
// Source: issue 13 item 2; reference/ringcentral.md §4.4 (RCEX ws rest.ts sends params as query).
func TestClientRequestQueryEqualsPathQuery(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	w.customerCalls("102") // the operator's phone rings: detailed presence has an activeCall
	s := w.dial(tok, "")
	s.next("ConnectionDetails", func(m, _ gjson.Result) bool { return true })

	ask := func(id string, meta map[string]any) gjson.Result {
		t.Helper()
		meta["type"], meta["messageId"], meta["method"] = "ClientRequest", id, "GET"
		s.write([]any{meta})
		m, body := s.next(id, func(m, _ gjson.Result) bool { return m.Get("messageId").String() == id })
		if m.Get("status").Int() != 200 {
			t.Fatalf("%s: %s %s", id, m.Raw, body.Raw)
		}
		return body
	}
	viaPath := ask("path", map[string]any{"path": "/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true&sipData=true"})
	viaQuery := ask("query", map[string]any{"path": "/restapi/v1.0/account/~/extension/~/presence",
		"query": map[string]any{"detailedTelephonyState": true, "sipData": "true"}})
	if viaPath.Get("activeCalls.#").Int() != 1 || viaPath.Get("activeCalls.0.sipData").Raw == "" {
		t.Fatalf("the path read should be detailed with sipData: %s", viaPath.Raw)
	}
	if viaQuery.Raw != viaPath.Raw {
		t.Fatalf("query and path must give the same answer\npath:  %s\nquery: %s", viaPath.Raw, viaQuery.Raw)
	}

	// Arrays repeat the parameter, as the spec's multi-valued filters want.
	in := ask("array", map[string]any{"path": "/restapi/v1.0/account/~/extension/~/active-calls",
		"query": map[string]any{"direction": []string{"Outbound"}}})
	if in.Get("records.#").Int() != 0 {
		t.Fatalf("direction=[Outbound] must leave out the inbound call: %s", in.Raw)
	}

	// A query that is not an object is refused in the vendor's shape.
	s.write([]any{map[string]any{"type": "ClientRequest", "messageId": "bad", "method": "GET",
		"path": "/restapi/v1.0/account/~/extension/~/presence", "query": []int{1}}})
	m, body := s.next("bad", func(m, _ gjson.Result) bool { return m.Get("messageId").String() == "bad" })
	if m.Get("status").Int() != 400 || body.Get("errors.0.errorCode").String() != "CMN-101" {
		t.Fatalf("a non-object query: %s %s", m.Raw, body.Raw)
	}
}
