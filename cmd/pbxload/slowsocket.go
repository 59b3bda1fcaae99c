package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/websocket"
	"github.com/tidwall/gjson"
)

// slowSocket is a RingCentral WebSocket subscriber that subscribes to the
// whole account and then never reads: pbxsim must cut it off rather than
// let it slow the PBX or the other subscribers.
type slowSocket struct {
	conn *websocket.Conn
}

func openSlowSocket(base string, hc *http.Client) (*slowSocket, error) {
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"jwt-100"}}
	req, _ := http.NewRequest("POST", base+"/restapi/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("load-client", "load-secret")
	tok, err := postJSON(hc, req, "access_token")
	if err != nil {
		return nil, err
	}
	req, _ = http.NewRequest("POST", base+"/restapi/oauth/wstoken", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<16))
	if err != nil {
		return nil, err
	}
	ws := gjson.ParseBytes(b)
	// A tiny receive buffer, so that not reading pushes back on pbxsim at
	// once instead of after megabytes of kernel buffering.
	dialer := &websocket.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
		c, err := net.Dial(network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4096)
		}
		return c, err
	}}
	conn, _, err := dialer.Dial(ws.Get("uri").String()+"?access_token="+url.QueryEscape(ws.Get("ws_access_token").String()), nil)
	if err != nil {
		return nil, err
	}
	if _, _, err := conn.ReadMessage(); err != nil { // ConnectionDetails
		conn.Close()
		return nil, err
	}
	sub := `[{"type":"ClientRequest","messageId":"slow-1","method":"POST","path":"/restapi/v1.0/subscription/"},` +
		`{"eventFilters":["/restapi/v1.0/account/~/telephony/sessions"],"deliveryMode":{"transportType":"WebSocket"}}]`
	if err := conn.WriteMessage(websocket.TextMessage, []byte(sub)); err != nil {
		conn.Close()
		return nil, err
	}
	return &slowSocket{conn: conn}, nil
}

func (s *slowSocket) Close() { s.conn.Close() }

func postJSON(hc *http.Client, req *http.Request, field string) (string, error) {
	res, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<16))
	if err != nil {
		return "", err
	}
	v := gjson.GetBytes(b, field).String()
	if v == "" {
		return "", fmt.Errorf("%s %s: %d, no %s", req.Method, req.URL.Path, res.StatusCode, field)
	}
	return v, nil
}
