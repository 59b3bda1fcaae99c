package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tidwall/gjson"
	"gopkg.in/yaml.v3"

	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// benchAccount is the RingCentral account of the benchmark world.
const benchAccount = "500000001"

// benchScenario is a RingCentral account with a caller (ext 101), a callee
// (ext 102) and one listener extension per ten fan-out subscribers (one
// app allows 30 subscriptions per user, reference ringcentral.md §4.1).
func benchScenario(listeners int) (*scenario.Scenario, error) {
	sc := &scenario.Scenario{
		Name: "pbxbench", Seed: 1, Clock: "real",
		RingTimeout: scenario.Duration(10 * time.Minute), Retention: scenario.Duration(2 * time.Second),
	}
	rc := &ringcentral.Section{
		Clients:        []ringcentral.Client{{ID: "bench-client", Secret: "bench-secret"}},
		AccessTokenTTL: scenario.Duration(time.Hour), RefreshTokenTTL: scenario.Duration(24 * time.Hour),
	}
	acc := ringcentral.Account{ID: benchAccount, Name: "bench"}
	for n := 101; n <= 102+(listeners+9)/10; n++ {
		acc.Extensions = append(acc.Extensions, ringcentral.Extension{
			ID: fmt.Sprintf("6%08d", n), Number: fmt.Sprint(n), Name: fmt.Sprintf("bench-%d", n),
			Devices: []scenario.Device{{ID: fmt.Sprintf("7%08d", n), Type: "SoftPhone"}},
			JWT:     fmt.Sprintf("jwt-%d", n),
		})
	}
	rc.Accounts = []ringcentral.Account{acc}
	sc.SetSection(ringcentral.Name, rc)
	b, err := yaml.Marshal(sc)
	if err != nil {
		return nil, err
	}
	return scenario.Parse("pbxbench-world.yaml", b)
}

// login returns an access token for the extension with number n.
func login(ctx context.Context, hc *http.Client, base string, n int) (string, error) {
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {fmt.Sprintf("jwt-%d", n)}}
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/restapi/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("bench-client", "bench-secret")
	b, err := do(hc, req)
	if err != nil {
		return "", err
	}
	return field(b, "access_token")
}

// wsURL asks for a WebSocket token and returns the URL to dial.
func wsURL(ctx context.Context, hc *http.Client, base, token string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/restapi/oauth/wstoken", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	b, err := do(hc, req)
	if err != nil {
		return "", err
	}
	uri, err := field(b, "uri")
	if err != nil {
		return "", err
	}
	wt, err := field(b, "ws_access_token")
	if err != nil {
		return "", err
	}
	return uri + "?access_token=" + url.QueryEscape(wt), nil
}

// placedCall is a call placed through the control API: its id, its
// RingCentral telephony session, the caller's party and the callee's leg.
type placedCall struct{ id, session, callerParty, calleeLeg string }

// createCall places a call through the control API.
func createCall(ctx context.Context, hc *http.Client, base, controlToken, from, to string) (placedCall, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/sim/v1/calls", strings.NewReader(`{"from":"`+from+`","to":"`+to+`"}`))
	req.Header.Set("Content-Type", "application/json")
	authorize(req, controlToken)
	b, err := do(hc, req)
	if err != nil {
		return placedCall{}, err
	}
	c := placedCall{
		id:          gjson.GetBytes(b, "id").String(),
		session:     gjson.GetBytes(b, "vendor.ringcentral.telephonySessionId").String(),
		callerParty: gjson.GetBytes(b, "legs.0.vendor.ringcentral.partyId").String(),
		calleeLeg:   gjson.GetBytes(b, "legs.1.id").String(),
	}
	if c.id == "" || c.session == "" || c.callerParty == "" || c.calleeLeg == "" {
		return placedCall{}, fmt.Errorf("POST /sim/v1/calls: no id, telephonySessionId, caller party or callee leg in %s", b)
	}
	return c, nil
}

func hangup(ctx context.Context, hc *http.Client, base, controlToken, id string) error {
	req, _ := http.NewRequestWithContext(ctx, "DELETE", base+"/sim/v1/calls/"+id, nil)
	authorize(req, controlToken)
	_, err := do(hc, req)
	return err
}

func controlPost(ctx context.Context, hc *http.Client, base, controlToken, path string) error {
	req, _ := http.NewRequestWithContext(ctx, "POST", base+path, nil)
	authorize(req, controlToken)
	_, err := do(hc, req)
	return err
}

func authorize(req *http.Request, controlToken string) {
	if controlToken != "" {
		req.Header.Set("Authorization", "Bearer "+controlToken)
	}
}

func do(hc *http.Client, req *http.Request) ([]byte, error) {
	res, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if res.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, res.StatusCode, b)
	}
	return b, nil
}

func field(b []byte, name string) (string, error) {
	v := gjson.GetBytes(b, name).String()
	if v == "" {
		return "", fmt.Errorf("no %s in %s", name, b)
	}
	return v, nil
}
