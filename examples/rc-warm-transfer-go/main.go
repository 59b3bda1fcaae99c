// Command rc-warm-transfer-go is a tiny RingCentral integration, the kind
// xfer-conform checks: it warm-transfers the operator's current call to a
// consult with nothing but net/http and the RingCentral REST API, as the
// guide "Managing warm transfers" describes. It reads everything from its
// environment, as xfer-conform hands it over (docs/integrations.md):
//
//	xfer-conform --vendor ringcentral --integration "go run ./examples/rc-warm-transfer-go"
//
// -bug plants a classic mistake, to see how xfer-conform reports it:
//
//	-bug swap-ids   bridge with telephonySessionId and partyId swapped in the body
//	-bug no-hold    call the consult without holding the customer first
//	-bug wrong-party  bridge with the operator's party of the customer's call in the body
//	-bug relogin    sign in again before every request
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

func main() {
	bug := flag.String("bug", "", "plant a mistake: swap-ids, wrong-party, no-hold or relogin")
	flag.Parse()
	if err := run(*bug); err != nil {
		fmt.Fprintln(os.Stderr, "rc-warm-transfer:", err)
		os.Exit(1)
	}
	fmt.Println("rc-warm-transfer: done")
}

// api is a signed-in RingCentral REST client.
type api struct {
	server, clientID, secret, jwt string
	token                         string
	relogin                       bool
}

func run(bug string) error {
	a := &api{server: strings.TrimRight(os.Getenv("RC_SERVER_URL"), "/"), clientID: os.Getenv("RC_CLIENT_ID"),
		secret: os.Getenv("RC_CLIENT_SECRET"), jwt: os.Getenv("RC_JWT"), relogin: bug == "relogin"}
	consult := os.Getenv("XFER_CONSULT")
	if a.server == "" || a.jwt == "" || consult == "" {
		return errors.New("RC_SERVER_URL, RC_JWT and XFER_CONSULT must be set (xfer-conform sets them)")
	}
	deadline := time.Now().Add(30 * time.Second)
	if d, err := time.ParseDuration(os.Getenv("XFER_TIMEOUT")); err == nil {
		deadline = time.Now().Add(d - time.Second)
	}
	if err := a.signIn(); err != nil {
		return err
	}

	// 1. The operator's answered inbound call, from presence (as the
	// Call Control JS SDK preloads it): its session and the operator's party.
	var presence struct {
		ActiveCalls []struct {
			TelephonySessionID, PartyID, Direction, TelephonyStatus string
		} `json:"activeCalls"`
	}
	if err := a.do("GET", "/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true", nil, &presence); err != nil {
		return err
	}
	var session, party string
	for _, c := range presence.ActiveCalls {
		if c.Direction == "Inbound" && c.TelephonyStatus == "CallConnected" {
			session, party = c.TelephonySessionID, c.PartyID
		}
	}
	if session == "" {
		return fmt.Errorf("the operator has no connected inbound call: %+v", presence.ActiveCalls)
	}

	// 2. Hold the customer.
	if bug != "no-hold" {
		if err := a.do("POST", partyPath(session, party)+"/hold", nil, nil); err != nil {
			return err
		}
	}

	// 3. Call the consult from the operator's phone.
	device := os.Getenv("XFER_OPERATOR_DEVICE_ID")
	if device == "" {
		var devices struct{ Records []struct{ ID string } }
		if err := a.do("GET", "/restapi/v1.0/account/~/extension/~/device", nil, &devices); err != nil {
			return err
		}
		if len(devices.Records) == 0 {
			return errors.New("the operator has no device to call from")
		}
		device = devices.Records[0].ID
	}
	var out struct{ Session callSession }
	body := map[string]any{"from": map[string]string{"deviceId": device}, "to": map[string]string{"extensionNumber": consult}}
	if err := a.do("POST", "/restapi/v1.0/account/~/telephony/call-out", body, &out); err != nil {
		return err
	}
	if len(out.Session.Parties) == 0 {
		return errors.New("call-out answered a session without parties")
	}
	consultSession, myParty := out.Session.ID, out.Session.Parties[0].ID // the caller's party comes first

	// 4. Wait, with a paced poll, for the consult to answer.
	for pause := 200 * time.Millisecond; ; pause = min(2*pause, time.Second) {
		var s callSession
		if err := a.do("GET", "/restapi/v1.0/account/~/telephony/sessions/"+consultSession, nil, &s); err != nil {
			return err
		}
		if s.answeredBeyond(myParty) {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the consult did not answer: %+v", s.Parties)
		}
		time.Sleep(pause)
	}

	// 5. Bridge: the path is the operator's party in the customer's call,
	// the body the operator's party in the consult call.
	bridge := map[string]string{"telephonySessionId": consultSession, "partyId": myParty}
	switch bug {
	case "swap-ids":
		bridge = map[string]string{"telephonySessionId": myParty, "partyId": consultSession}
	case "wrong-party":
		bridge["partyId"] = party // the operator's party in the customer's call, not in the consult call
	}
	return a.do("POST", partyPath(session, party)+"/bridge", bridge, nil)
}

type callSession struct {
	ID      string `json:"id"`
	Parties []struct {
		ID     string `json:"id"`
		Status struct {
			Code string `json:"code"`
		} `json:"status"`
	} `json:"parties"`
}

// answeredBeyond: every live party other than mine is Answered, and there
// is one.
func (s callSession) answeredBeyond(mine string) bool {
	far := 0
	for _, p := range s.Parties {
		switch {
		case p.ID == mine || p.Status.Code == "Disconnected" || p.Status.Code == "Gone":
		case p.Status.Code == "Answered":
			far++
		default:
			return false
		}
	}
	return far > 0
}

func partyPath(session, party string) string {
	return "/restapi/v1.0/account/~/telephony/sessions/" + url.PathEscape(session) + "/parties/" + url.PathEscape(party)
}

// signIn exchanges the JWT for an access token (JWT bearer grant).
func (a *api) signIn() error {
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {a.jwt}}
	req, err := http.NewRequest("POST", a.server+"/restapi/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.SetBasicAuth(a.clientID, a.secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := send(req, &tok); err != nil {
		return fmt.Errorf("signing in: %w", err)
	}
	a.token = tok.AccessToken
	return nil
}

func (a *api) do(method, path string, body, out any) error {
	if a.relogin {
		if err := a.signIn(); err != nil {
			return err
		}
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.server+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := send(req, out); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	return nil
}

// send does the request and decodes a 2xx answer; anything else is an
// error carrying the platform's message.
func send(req *http.Request, out any) error {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	if out == nil || len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, out)
}
