package ringcentral

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

const otherApp, otherSecret = "other-app", "other-secret"

// twoApps is the default scenario with a second OAuth app.
func twoApps() *scenario.Scenario {
	sc := scenario.Default()
	SectionOf(sc).Clients = append(SectionOf(sc).Clients, Client{ID: otherApp, Secret: otherSecret})
	return sc
}

// formAs posts an OAuth form with the given HTTP Basic credentials (none
// when id is empty).
func (w *world) formAs(path, id, secret string, v url.Values) response {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(id, secret)
	}
	return w.send(req)
}

// Rule: revoking a token needs the app's credentials (the secret, when the
// app has one), and an app may revoke only its own tokens: another app's
// token is refused with 400 invalid_grant and keeps working.
// Source: issue 10 item 5; RFC 7009 §2.1; reference/ringcentral.md §3.1
// (OAuth error shape), §4.6.
func TestRevokeNeedsTheTokensOwnApp(t *testing.T) {
	w := newWorld(t, twoApps(), Options{})
	at := w.login("jwt-102") // issued to pbxsim-client
	me := "/restapi/v1.0/account/~/extension/~"
	tok := url.Values{"token": {at}}

	for _, tc := range []struct {
		what, id, secret string
		form             url.Values
	}{
		{"no client authentication", "", "", tok},
		{"a client_id alone, for an app with a secret", "", "", url.Values{"token": {at}, "client_id": {"pbxsim-client"}}},
		{"a wrong secret", "pbxsim-client", "wrong", tok},
		{"an unknown app", "nobody", "x", tok},
	} {
		r := w.formAs("/restapi/oauth/revoke", tc.id, tc.secret, tc.form)
		expect(t, tc.what, r, 401, "error", "invalid_client", "errors.0.errorCode", "OAU-153")
		expect(t, tc.what+": the token still works", w.call(http.MethodGet, me, at, nil), 200)
	}
	r := w.formAs("/restapi/oauth/revoke", otherApp, otherSecret, tok)
	expect(t, "another app's token", r, 400, "error", "invalid_grant", "errors.0.errorCode", codeTokenNotFound)
	expect(t, "another app's revoke leaves the token working", w.call(http.MethodGet, me, at, nil), 200)

	expect(t, "an unknown token is accepted silently", w.formAs("/restapi/oauth/revoke", otherApp, otherSecret, url.Values{"token": {"rcsim-at-unknown"}}), 200)
	expect(t, "the owner revokes", w.formAs("/restapi/oauth/revoke", "pbxsim-client", "pbxsim-secret", tok), 200)
	expectUnauthorized(t, "revoked", w.call(http.MethodGet, me, at, nil), "TokenInvalid", codeTokenNotFound, "Token not found")
}

// Rule: an extension that has no party in a telephony session cannot end
// it: DELETE .../sessions/{id} answers 403 TAS-106 as the party actions
// do, and the call goes on.
// Source: issue 10 item 6; reference/ringcentral.md §5 (TAS-106); quirk party-control.
func TestDeleteSessionNeedsAPartyInIt(t *testing.T) {
	w := newWorld(t, nil, Options{})
	sid, _, _ := w.customerCalls("102") // the customer calls 102 (agent J)
	outsider := w.login("jwt-103")      // agent K is not in the call
	r := w.call(http.MethodDelete, sessionPath(sid), outsider, nil)
	expectError(t, "DELETE by an extension not in the call", r, 403, codeNotAllowed, "", "has no party in telephony session")
	expect(t, "the call goes on", w.call(http.MethodGet, sessionPath(sid), w.login("jwt-102"), nil), 200, "parties.#", "2")
	expect(t, "DELETE by the extension in the call", w.call(http.MethodDelete, sessionPath(sid), w.login("jwt-102"), nil), 204)
}

// Rule: a request with two Authorization headers is refused with 400 in
// RingCentral's shape (the OAuth shape on /restapi/oauth), whichever of
// the two is valid.
// Source: issue 10 item 7; reference/ringcentral.md §3.1.
func TestTwoAuthorizationHeadersAreRefused(t *testing.T) {
	w := newWorld(t, nil, Options{})
	good := w.login("jwt-102")
	for _, order := range [][]string{{"Bearer " + good, "Bearer nope"}, {"Bearer nope", "Bearer " + good}} {
		req, _ := http.NewRequest(http.MethodGet, w.srv.URL+"/restapi/v1.0/account/~/extension/~", nil)
		req.Header["Authorization"] = order
		expectError(t, "two bearer headers", w.send(req), 400, codeInvalidParam, "Authorization", "more than one Authorization header")
	}
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+"/restapi/oauth/token", strings.NewReader(jwtGrant("jwt-102").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("pbxsim-client", "pbxsim-secret")
	req.Header.Add("Authorization", "Basic bm9ib2R5Og==")
	expect(t, "two Basic headers on the token endpoint", w.send(req), 400, "error", "invalid_request", "errors.0.errorCode", "OAU-101")
}

// Rule: access_token_ttl larger than the scenario's lifetime is clamped to
// it, however large (10000000000 overflowed to a negative expires_in and a
// token dead on first use).
// Source: issue 10 item 9; reference/ringcentral.md §4.6 (access_token_ttl).
func TestHugeTokenTTLIsClamped(t *testing.T) {
	w := newWorld(t, nil, Options{})
	for _, ttl := range []string{"10000000000", "9223372036854775807", "999999999"} {
		v := jwtGrant("jwt-102")
		v.Set("access_token_ttl", ttl)
		v.Set("refresh_token_ttl", ttl)
		r := w.form("/restapi/oauth/token", v)
		expect(t, "ttl "+ttl, r, 200, "expires_in", "3600", "refresh_token_expires_in", "604800")
		expect(t, "the token works", w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~", r.json.Get("access_token").String(), nil), 200)
	}
	v := jwtGrant("jwt-102")
	v.Set("access_token_ttl", "600")
	expect(t, "a shorter ttl is kept", w.form("/restapi/oauth/token", v), 200, "expires_in", "600")
}

// Rule: an encoded slash inside an ID is part of the ID, not a path
// separator: ".../sessions/{s}%2Fparties%2F{p}" is an unknown session (404
// CMN-102 naming telephonySessionId), not the party.
// Source: issue 10 item 14; reference/ringcentral.md §3.2.
func TestEncodedSlashInAnIDIsNotAPathSeparator(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	sid, op, _ := w.customerCalls("102")
	expect(t, "the party itself", w.call(http.MethodGet, partyPath(sid, op), tok, nil), 200)
	for _, p := range []string{
		sessionPath(sid) + "%2Fparties%2F" + op,
		sessionPath(sid) + "%2fparties%2f" + op,
	} {
		expectError(t, p, w.call(http.MethodGet, p, tok, nil), 404, codeNotFound, "telephonySessionId", "is not found")
	}
	expectError(t, "in a party id", w.call(http.MethodPost, partyPath(sid, op+"%2Fhold%2Fx")+"/hold", tok, nil), 404, codeNotFound, "partyId", "is not found")
	expect(t, "nothing held", w.call(http.MethodGet, partyPath(sid, op), tok, nil), 200, "status.code", "Proceeding")

	s := w.dial(tok, "")
	meta, body := s.request("slash", "GET", sessionPath(sid)+"%2Fparties%2F"+op, nil)
	if meta.Get("status").Int() != 404 || body.Get("errors.0.parameterName").String() != "telephonySessionId" {
		t.Fatalf("over the socket: %s %s", meta.Raw, body.Raw)
	}
}

// Rule: wstoken over HTTP/1.0 without a Host header still gives a usable
// uri: the address the server accepted the connection on.
// Source: issue 10 item 15 (it answered "ws:///ws"); reference/ringcentral.md §4.4.
func TestWSTokenWithoutHostNamesTheListenAddress(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	conn, err := net.Dial("tcp", strings.TrimPrefix(w.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(await))
	if _, err := conn.Write([]byte("POST /restapi/oauth/wstoken HTTP/1.0\r\nAuthorization: Bearer " + tok + "\r\nContent-Length: 0\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = bufio.NewReader(resp.Body).WriteTo(&b)
	uri := gjson.Get(b.String(), "uri").String()
	if resp.StatusCode != 200 || uri != "ws://"+strings.TrimPrefix(w.srv.URL, "http://")+"/ws" {
		t.Fatalf("wstoken without Host: %d %s", resp.StatusCode, b.String())
	}
}
