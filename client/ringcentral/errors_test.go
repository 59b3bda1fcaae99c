package ringcentral

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// Source: reference/ringcentral.md §3.1: real bodies carry errorCode and
// message at the top level and again in errors[]; the SDK surfaces the
// top-level message, else error_description, else description; OAuth
// errors are {error, error_description, errors[{errorCode}]}.
func TestDecodeAPIError(t *testing.T) {
	cases := []struct {
		name                  string
		status                int
		body                  string
		code, msg, oauth, str string
	}{
		{"top level and errors[]", 409,
			`{"errorCode":"TAS-104","message":"Incorrect State","errors":[{"errorCode":"TAS-104","message":"Incorrect State"}]}`,
			"TAS-104", "Incorrect State", "", "ringcentral: POST /x: 409 TAS-104: Incorrect State"},
		{"errors[] only (the spec's minimal model)", 404,
			`{"errors":[{"errorCode":"CMN-102","message":"Resource for parameter [partyId] is not found","parameterName":"partyId"}]}`,
			"CMN-102", "Resource for parameter [partyId] is not found", "", "ringcentral: POST /x: 404 CMN-102: Resource for parameter [partyId] is not found"},
		{"OAuth", 400,
			`{"error":"invalid_grant","error_description":"Token expired","errors":[{"errorCode":"OAU-210","message":"Token expired"}]}`,
			"OAU-210", "Token expired", "invalid_grant", "ringcentral: POST /x: 400 OAU-210 (invalid_grant): Token expired"},
		{"not the vendor's shape", 404,
			`{"error":{"code":"not_found","message":"no route POST /restapi/oauth/token"}}`,
			"not_found", "no route POST /restapi/oauth/token", "", "ringcentral: POST /x: 404 not_found: no route POST /restapi/oauth/token"},
		{"not JSON", 502, `<html>bad gateway</html>`, "", "", "", "ringcentral: POST /x: 502 Bad Gateway"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := decodeAPIError("POST", "/x", tc.status, []byte(tc.body))
			if e.ErrorCode != tc.code || e.Message != tc.msg || e.OAuthError != tc.oauth || e.Error() != tc.str {
				t.Fatalf("got code=%q msg=%q oauth=%q str=%q\nwant code=%q msg=%q oauth=%q str=%q",
					e.ErrorCode, e.Message, e.OAuthError, e.Error(), tc.code, tc.msg, tc.oauth, tc.str)
			}
		})
	}
}

// Source: reference/ringcentral.md §5 and §3.2: hold/unhold conflicts are
// 409 "Incorrect State"; the client hands the caller the status, code and
// message as an *APIError.
func TestRefusalReachesTheCallerTyped(t *testing.T) {
	f := newFakePlatform(t)
	c := f.client(t, nil)
	if err := c.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	l := Leg{"s-a39d666edaab42fdaa476135027819bc", "p-a39d666edaab42fdaa476135027819bc-2"}
	f.handle(http.MethodPost, "/restapi/v1.0/account/~/telephony/sessions/"+l.SessionID+"/parties/"+l.PartyID+"/hold", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeJSON(w, 409, map[string]any{"errorCode": "TAS-104", "message": "Incorrect State",
			"errors": []map[string]string{{"errorCode": "TAS-104", "message": "Incorrect State"}}})
	})
	_, err := c.Hold(context.Background(), l)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 409 || ae.ErrorCode != "TAS-104" || ae.Message != "Incorrect State" || len(ae.Errors) != 1 {
		t.Fatalf("Hold = %#v, want 409 TAS-104 Incorrect State", err)
	}
	if ae.Path != "/restapi/v1.0/account/~/telephony/sessions/"+l.SessionID+"/parties/"+l.PartyID+"/hold" {
		t.Fatalf("error names path %q", ae.Path)
	}
}
