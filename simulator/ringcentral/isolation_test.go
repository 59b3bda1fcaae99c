package ringcentral

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

const otherAcct = "700100005"

func twoAccounts(t *testing.T) *world {
	t.Helper()
	b, err := os.ReadFile("../../testdata/ringcentral/two-accounts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse("two-accounts.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	return newWorld(t, sc, Options{})
}

// Rule: tenants are isolated: a token of account B never sees or changes
// account A's sessions, parties or subscriptions; a foreign ID answers
// exactly like an unknown one, and B's subscriptions get none of A's events.
// Source: the project brief (tenant isolation); reference/ringcentral.md §2.3 (DOCS limitations), §4.1 (SUB-406).
func TestTenantIsolation(t *testing.T) {
	w := twoAccounts(t)
	aTok, bTok := w.login("jwt-a-102"), w.login("jwt-b-201")
	bSocket := w.dial(bTok, "")
	bSocket.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/telephony/sessions")

	c, err := w.sim.Originate(simulator.OriginateRequest{From: simulator.Endpoint{Number: customerNo}, To: w.user("102@" + acct)})
	if err != nil {
		t.Fatal(err)
	}
	sid, op := c.Attrs[attrSession], c.Legs[1].Attrs[attrParty]
	unknown := "s-" + strings.Repeat("a", 32)

	foreign := w.call(http.MethodGet, sessionPath(sid), bTok, nil)
	ghost := w.call(http.MethodGet, sessionPath(unknown), bTok, nil)
	if foreign.status != 404 || strings.ReplaceAll(foreign.raw, sid, unknown) != ghost.raw {
		t.Fatalf("a foreign session must answer like an unknown one:\nforeign %s\nunknown %s", foreign, ghost)
	}
	for _, tc := range []struct{ method, path string }{
		{http.MethodPost, partyPath(sid, op) + "/answer"},
		{http.MethodPost, partyPath(sid, op) + "/reject"},
		{http.MethodDelete, sessionPath(sid)},
		{http.MethodPatch, partyPath(sid, op)},
	} {
		expectError(t, "B "+tc.method+" "+tc.path, w.call(tc.method, tc.path, bTok, map[string]bool{"muted": true}), 404, codeNotFound, "telephonySessionId", "no telephony session")
	}
	expectError(t, "B names A's account in the path", w.call(http.MethodGet, "/restapi/v1.0/account/"+acct+"/extension/~", bTok, nil), 404, codeNotFound, "accountId", "no such account")
	expectError(t, "B reads A's extension", w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/"+extAgentJ, bTok, nil), 404, codeNotFound, "extensionId", "no such extension")

	r := w.call(http.MethodPost, "/restapi/v1.0/subscription", bTok, map[string]any{
		"eventFilters": []string{"/restapi/v1.0/account/" + acct + "/telephony/sessions"},
		"deliveryMode": map[string]any{"transportType": "WebHook", "address": "http://127.0.0.1:1/hook"}})
	expectError(t, "B subscribes to A's account", r, 403, codeSubOtherAcct, "eventFilters", "another account")

	// A's call is untouched and A still controls it.
	expect(t, "A answers", w.call(http.MethodPost, partyPath(sid, op)+"/answer", aTok, nil), 200, "status.code", "Answered")

	// B's own call is the marker: B's socket got it and nothing of A's.
	bc, err := w.sim.Originate(simulator.OriginateRequest{From: simulator.Endpoint{Number: customerNo}, To: w.user("201@" + otherAcct)})
	if err != nil {
		t.Fatal(err)
	}
	ev := bSocket.event("B's own call", partyIs(bc.Legs[1].Attrs[attrParty], "Proceeding"))
	expectJSON(t, "B's event", ev, "event", "/restapi/v1.0/account/"+otherAcct+"/extension/700101005/telephony/sessions")
	for _, f := range bSocket.seen {
		if strings.Contains(f, sid) || strings.Contains(f, acct) {
			t.Fatalf("account B's subscription saw account A: %s", f)
		}
	}
	// And the same extension number in two accounts does not log in by number alone.
	expect(t, "B's 201 by number", w.form("/restapi/oauth/token", map[string][]string{"grant_type": {"password"}, "username": {"201"}, "password": {"pbxsim"}}), 200, "owner_id", "700101005")
}
