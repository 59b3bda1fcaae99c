package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/gorilla/websocket"
	"github.com/tidwall/gjson"
)

// accountSocket is a RingCentral WebSocket subscribed to the whole
// account's telephony sessions, driven by hand rather than through the
// reference client: the one that never reads (pbxsim must cut it off
// rather than let it slow the PBX or the other subscribers), and the one
// that reads every frame and counts the notifications, cheaply enough to
// keep up with a whole load run's events.
type accountSocket struct {
	conn *websocket.Conn
}

// openAccountSocket logs in, asks for a WebSocket token, dials and
// subscribes, with a kernel receive buffer of rcvBuf bytes: a small one
// makes a socket that does not read push back on pbxsim at once, a large
// one lets a reader that is briefly not scheduled catch up.
func openAccountSocket(base string, hc *http.Client, rcvBuf int, id string) (*accountSocket, error) {
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
	dialer := &websocket.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
		c, err := net.Dial(network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(rcvBuf)
		}
		return c, err
	}}
	if rcvBuf > 4096 {
		dialer.ReadBufferSize = 64 << 10 // fewer reads per frame when it catches up
	}
	conn, _, err := dialer.Dial(ws.Get("uri").String()+"?access_token="+url.QueryEscape(ws.Get("ws_access_token").String()), nil)
	if err != nil {
		return nil, err
	}
	if _, _, err := conn.ReadMessage(); err != nil { // ConnectionDetails
		conn.Close()
		return nil, err
	}
	sub := `[{"type":"ClientRequest","messageId":"` + id + `","method":"POST","path":"/restapi/v1.0/subscription/"},` +
		`{"eventFilters":["/restapi/v1.0/account/~/telephony/sessions"],"deliveryMode":{"transportType":"WebSocket"}}]`
	if err := conn.WriteMessage(websocket.TextMessage, []byte(sub)); err != nil {
		conn.Close()
		return nil, err
	}
	return &accountSocket{conn: conn}, nil
}

func (s *accountSocket) Close() { s.conn.Close() }

// count reads every frame until the socket closes, counting the
// ServerNotification frames in notes, and returns the read error.
func (s *accountSocket) count(notes *atomic.Int64) error {
	for {
		_, msg, err := s.conn.ReadMessage()
		if err != nil {
			return err
		}
		if bytes.HasPrefix(msg, serverNotification) {
			notes.Add(1)
		}
	}
}

var serverNotification = []byte(`[{"type":"ServerNotification"`)

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
