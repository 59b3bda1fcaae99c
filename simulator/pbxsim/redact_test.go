package pbxsim

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Rule: the journal keeps no secret a token answer hands out: RingCentral
// access_token and refresh_token, the NetSapiens /tokens pair and the /jwt
// JWT and its refresh JWT; and a form body is redacted whatever the case
// of its media type. Source: issue 10 item 4.
func TestJournalKeepsNoTokenOrFormSecret(t *testing.T) {
	srv := start(t, nil)
	post := func(path, ct, body string, basic bool) gjson.Result {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL()+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		if basic {
			req.SetBasicAuth("pbxsim-client", "pbxsim-secret")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, b)
		}
		return gjson.ParseBytes(b)
	}
	rcForm := url.Values{"grant_type": {"password"}, "username": {"101"}, "password": {"pbxsim"}}.Encode()
	rc := post("/restapi/oauth/token", "Application/X-WWW-Form-Urlencoded; charset=UTF-8", rcForm, true)
	ns := post("/ns-api/v2/tokens", "application/json", `{"grant_type":"password","client_id":"pbxsim-ns-client","client_secret":"pbxsim-ns-secret","username":"1000@TEST","password":"pbxsim"}`, false)
	jwt := post("/ns-api/v2/jwt", "application/json", `{"username":"1000@TEST","password":"pbxsim"}`, false)
	secrets := []string{
		rc.Get("access_token").String(), rc.Get("refresh_token").String(),
		ns.Get("access_token").String(), ns.Get("refresh_token").String(),
		jwt.Get("token").String(), jwt.Get("refresh").String(),
		"pbxsim-ns-secret", "password=pbxsim", `"password":"pbxsim"`,
	}
	for _, s := range secrets[:6] {
		if len(s) < 8 {
			t.Fatalf("a token answer lacks its secret: rc %s ns %s jwt %s", rc.Raw, ns.Raw, jwt.Raw)
		}
	}
	es := srv.Sim.Journal().Entries(simulator.JournalFilter{})
	if len(es) != 3 {
		t.Fatalf("journal has %d entries, want 3", len(es))
	}
	for _, e := range es {
		for _, s := range secrets {
			if strings.Contains(e.Query+e.Body+e.Response+e.Note, s) {
				t.Errorf("%s %s: journal keeps secret %q\nbody %s\nresponse %s", e.Method, e.Path, s, e.Body, e.Response)
			}
		}
		if !strings.Contains(e.Response, "[redacted]") {
			t.Errorf("%s %s: response not redacted: %s", e.Method, e.Path, e.Response)
		}
	}
	if !strings.Contains(es[0].Body, "username=101") || !strings.Contains(es[0].Response, `"token_type"`) {
		t.Errorf("redaction lost what is not secret: body %q response %q", es[0].Body, es[0].Response)
	}
}
