// Command ns-attended-go is a tiny NetSapiens integration, the kind
// xfer-conform checks: it attended-transfers the operator's current call to
// a consult with nothing but net/http and the NS API v2, following the
// vendor's "Attended Transfer via API" guide. It reads everything from its
// environment, as xfer-conform hands it over (docs/integrations.md):
//
//	xfer-conform --vendor netsapiens --integration "go run ./examples/ns-attended-go"
//
// -bug plants a classic mistake, to see how xfer-conform reports it:
//
//	-bug term-user      send call-term-user in the transfer body (NetSapiens then blind-transfers)
//	-bug hold-orig      hold by call-orig-call-id instead of call-term-call-id
//	-bug transfer-term  transfer on call-term-call-id instead of call-orig-call-id
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
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
	bug := flag.String("bug", "", "plant a mistake: term-user, hold-orig or transfer-term")
	flag.Parse()
	if err := run(*bug); err != nil {
		fmt.Fprintln(os.Stderr, "ns-attended:", err)
		os.Exit(1)
	}
	fmt.Println("ns-attended: done")
}

// activeCall is the part of an NS API v2 active call this needs.
type activeCall struct {
	Session    string `json:"call-session-id"`
	OrigCallID string `json:"call-orig-call-id"`
	TermCallID string `json:"call-term-call-id"`
	OrigUser   string `json:"call-orig-user"`
	TermUser   string `json:"call-term-user"`
	CoreServer string `json:"core-server"`
	OrigInfo   string `json:"call-orig-info"`
	TermInfo   string `json:"term-orig-info"` // the schema's spelling
	TermInfo2  string `json:"call-term-info"` // the guide's spelling
}

func (c activeCall) termInfo() string {
	if c.TermInfo2 != "" {
		return c.TermInfo2
	}
	return c.TermInfo
}

func (c activeCall) bothActive() bool { return c.OrigInfo == "active" && c.termInfo() == "active" }

type api struct{ base, domain, key string }

func run(bug string) error {
	a := api{base: strings.TrimRight(os.Getenv("NS_API_URL"), "/"), domain: os.Getenv("NS_DOMAIN"), key: os.Getenv("NS_API_KEY")}
	operator, consult := os.Getenv("XFER_OPERATOR"), os.Getenv("XFER_CONSULT")
	if a.base == "" || a.key == "" || operator == "" || consult == "" {
		return errors.New("NS_API_URL, NS_API_KEY, XFER_OPERATOR and XFER_CONSULT must be set (xfer-conform sets them)")
	}
	if a.domain == "" {
		a.domain = "~"
	}
	deadline := time.Now().Add(30 * time.Second)
	if d, err := time.ParseDuration(os.Getenv("XFER_TIMEOUT")); err == nil {
		deadline = time.Now().Add(d - time.Second)
	}
	userCalls := "/domains/" + url.PathEscape(a.domain) + "/users/" + url.PathEscape(operator) + "/calls"

	// Guide step 2: the operator's connected call.
	original, err := a.await(deadline, "the operator's connected call", func(calls []activeCall) (activeCall, bool) {
		for _, c := range calls {
			if c.TermUser == operator && c.bothActive() {
				return c, true
			}
		}
		return activeCall{}, false
	})
	if err != nil {
		return err
	}

	// Step 3: hold by call-term-call-id, the operator's own leg.
	holdID := original.TermCallID
	if bug == "hold-orig" {
		holdID = original.OrigCallID
	}
	if err := a.do("PATCH", userCalls+"/"+url.PathEscape(holdID)+"/hold", nil); err != nil {
		return err
	}
	// The hold lands after the 202; give it a moment, then go on.
	_, _ = a.await(time.Now().Add(2*time.Second), "the hold", func(calls []activeCall) (activeCall, bool) {
		for _, c := range calls {
			if c.Session == original.Session && c.termInfo() == "held" {
				return c, true
			}
		}
		return activeCall{}, false
	})

	// Step 4: the consultation call, with a call-id of our own.
	var id [16]byte
	_, _ = rand.Read(id[:])
	callID := hex.EncodeToString(id[:])
	if err := a.do("POST", userCalls, map[string]string{"call-id": callID, "call-term-user": consult, "auto-answer-enabled": "yes"}); err != nil {
		return err
	}

	// Step 5: wait for the consult to answer.
	consultCall, err := a.await(deadline, "the consultation call answered", func(calls []activeCall) (activeCall, bool) {
		for _, c := range calls {
			if c.OrigCallID == callID && c.bothActive() {
				return c, true
			}
		}
		return activeCall{}, false
	})
	if err != nil {
		return err
	}

	// Step 6: transfer on call-orig-call-id, naming the consult call's
	// core server and session; never call-term-user.
	body := map[string]string{"hostname": consultCall.CoreServer, "call-destination-session-id": consultCall.Session}
	if body["hostname"] == "" {
		body["hostname"] = original.CoreServer
	}
	if bug == "term-user" {
		body["call-term-user"] = consult
	}
	transferID := original.OrigCallID
	if bug == "transfer-term" {
		transferID = original.TermCallID
	}
	if err := a.do("PATCH", userCalls+"/"+url.PathEscape(transferID)+"/transfer", body); err != nil {
		return err
	}
	_, err = a.await(time.Now().Add(3*time.Second), "the operator out of both calls", func(calls []activeCall) (activeCall, bool) {
		for _, c := range calls {
			if c.OrigUser == operator || c.TermUser == operator {
				return c, false
			}
		}
		return activeCall{}, true
	})
	return err
}

// await reads the domain's calls with a paced poll until found says yes.
func (a api) await(deadline time.Time, what string, found func([]activeCall) (activeCall, bool)) (activeCall, error) {
	var last []activeCall
	for pause := 200 * time.Millisecond; ; pause = min(2*pause, time.Second) {
		var calls []activeCall
		if err := a.get("/domains/"+url.PathEscape(a.domain)+"/calls", &calls); err != nil {
			return activeCall{}, err
		}
		if c, ok := found(calls); ok {
			return c, nil
		}
		last = calls
		if time.Now().Add(pause).After(deadline) {
			return activeCall{}, fmt.Errorf("gave up waiting for %s; last read: %+v", what, last)
		}
		time.Sleep(pause)
	}
}

func (a api) get(path string, out any) error {
	b, err := a.send("GET", path, nil)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

func (a api) do(method, path string, body any) error {
	_, err := a.send(method, path, body)
	return err
}

// send does one request with the API key as bearer token; a write answers
// 202 Accepted and changes the call afterwards.
func (a api) send(method, path string, body any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	return b, nil
}
