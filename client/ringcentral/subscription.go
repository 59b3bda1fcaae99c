package ringcentral

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// TelephonySessionsFilter is the event filter of the warm-transfer guide:
// the logged-in extension's telephony sessions.
const TelephonySessionsFilter = "/restapi/v1.0/account/~/extension/~/telephony/sessions"

const (
	wsTokenPath      = "/restapi/oauth/wstoken"
	subscriptionPath = "/restapi/v1.0/subscription"
)

// SubscribeOptions tunes a WebSocket subscription; the zero value follows
// the official SDK.
type SubscribeOptions struct {
	Filters []string // default: TelephonySessionsFilter
	Buffer  int      // notifications queued for the reader; default 256
	// HeartbeatInterval: send a Heartbeat after this long without any
	// message from the server (the SDK uses 60s).
	HeartbeatInterval time.Duration
	// HandshakeTimeout bounds the wait for ConnectionDetails and for the
	// subscription reply (the SDK waits 60s).
	HandshakeTimeout time.Duration
	// ReconnectDelay is the pause before recovery attempt n (0-based);
	// default min(8s, 2s+2s*n) as the SDK.
	ReconnectDelay func(attempt int) time.Duration
	// MaxReconnects bounds consecutive failed recovery attempts; default 5.
	MaxReconnects int
}

func (o *SubscribeOptions) defaults() {
	if len(o.Filters) == 0 {
		o.Filters = []string{TelephonySessionsFilter}
	}
	if o.Buffer <= 0 {
		o.Buffer = 256
	}
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = time.Minute
	}
	if o.HandshakeTimeout <= 0 {
		o.HandshakeTimeout = time.Minute
	}
	if o.ReconnectDelay == nil {
		o.ReconnectDelay = func(n int) time.Duration { return min(8*time.Second, 2*time.Second+2*time.Second*time.Duration(n)) }
	}
	if o.MaxReconnects <= 0 {
		o.MaxReconnects = 5
	}
}

// Subscription is a live WebSocket subscription. Notifications arrive on
// Notifications() in the order the server sent them (reordering is the
// Desk's job); the channel closes when the subscription ends.
type Subscription struct {
	c    *Client
	opts SubscribeOptions

	notes chan Notification
	// resubscribed gets a signal (coalesced) each time a failed recovery
	// was followed by a new subscription: notifications were lost.
	resubscribed chan struct{}
	done         chan struct{} // closed by Close
	ended        chan struct{} // closed when the reader has stopped

	writeMu sync.Mutex // gorilla allows one writer at a time

	mu         sync.Mutex
	conn       *websocket.Conn
	info       SubscriptionInfo
	details    ConnectionDetails
	wsc        *WSC
	pendingHB  map[string]bool
	reconnects int
	resubs     int // new subscriptions after a Failed recovery
	foreign    int // notifications for another subscription ID, dropped
	lastServer string
	err        error
	closed     bool
	early      []frame // notifications read during a handshake, delivered after it
}

// wsToken is the answer of POST /restapi/oauth/wstoken.
type wsToken struct {
	URI         string `json:"uri"`
	AccessToken string `json:"ws_access_token"`
	ExpiresIn   int    `json:"expires_in"`
}

// Subscribe opens the notification WebSocket and subscribes over it, as
// the official SDK does: POST /restapi/oauth/wstoken, connect to
// uri?access_token=, wait for ConnectionDetails, then a ClientRequest
// POST /restapi/v1.0/subscription on the socket.
func (c *Client) Subscribe(ctx context.Context, opts SubscribeOptions) (*Subscription, error) {
	opts.defaults()
	s := &Subscription{
		c: c, opts: opts,
		notes:        make(chan Notification, opts.Buffer),
		resubscribed: make(chan struct{}, 1),
		done:         make(chan struct{}),
		ended:        make(chan struct{}),
		pendingHB:    map[string]bool{},
	}
	conn, err := s.connect(ctx)
	if err != nil {
		return nil, err
	}
	go s.run(conn)
	return s, nil
}

// Notifications delivers every telephony-session notification of this
// subscription.
func (s *Subscription) Notifications() <-chan Notification { return s.notes }

// Info is the subscription as the platform described it.
func (s *Subscription) Info() SubscriptionInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.info
}

// Details is the body of the last ConnectionDetails frame.
func (s *Subscription) Details() ConnectionDetails {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.details
}

// Resubscribed signals (once per burst) that a recovery came back Failed
// and the client subscribed again: the notifications in between are lost,
// so whoever keeps state from them must read it again (Desk.Follow does).
func (s *Subscription) Resubscribed() <-chan struct{} { return s.resubscribed }

// Resubscriptions counts new subscriptions made after a Failed recovery.
func (s *Subscription) Resubscriptions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resubs
}

// Reconnects counts successful recoveries.
func (s *Subscription) Reconnects() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reconnects
}

// Err says why the subscription ended (nil while it runs or after Close).
func (s *Subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Done is closed once the subscription has stopped for good.
func (s *Subscription) Done() <-chan struct{} { return s.ended }

// Close revokes the subscription on the socket (best effort, as the SDK)
// and closes the socket.
func (s *Subscription) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		<-s.ended
		return nil
	}
	s.closed = true
	conn, id := s.conn, s.info.ID
	s.mu.Unlock()
	close(s.done)
	if conn != nil {
		if id != "" {
			_ = s.write(conn, frameMeta{Type: frameClientRequest, MessageID: newMessageID(), Method: http.MethodDelete, Path: subscriptionPath + "/" + id}, nil)
		}
		s.writeMu.Lock()
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		s.writeMu.Unlock()
		_ = conn.Close()
	}
	<-s.ended
	return nil
}

// connect runs one handshake: wstoken, dial (with wsc when recovering),
// ConnectionDetails, and a (re)subscription unless the recovery kept it.
func (s *Subscription) connect(ctx context.Context) (*websocket.Conn, error) {
	var tok wsToken
	if err := s.c.Send(ctx, http.MethodPost, wsTokenPath, nil, &tok); err != nil {
		return nil, err
	}
	if tok.URI == "" || tok.AccessToken == "" {
		return nil, fmt.Errorf("ringcentral: POST %s: answer has no uri or ws_access_token", wsTokenPath)
	}
	u, err := url.Parse(tok.URI)
	if err != nil {
		return nil, fmt.Errorf("ringcentral: POST %s: uri is not a URL: %w", wsTokenPath, err)
	}
	q := u.Query()
	q.Set("access_token", tok.AccessToken)
	s.mu.Lock()
	recovering := s.wsc != nil && s.info.ID != ""
	if recovering {
		q.Set("wsc", s.wsc.Token)
	}
	s.mu.Unlock()
	u.RawQuery = q.Encode()

	dialer := s.c.cfg.Dialer
	if dialer == nil {
		dialer = websocket.DefaultDialer
	}
	dctx, cancel := context.WithTimeout(ctx, s.opts.HandshakeTimeout)
	defer cancel()
	conn, resp, err := dialer.DialContext(dctx, u.String(), http.Header{"X-User-Agent": {s.c.cfg.UserAgent}})
	if err != nil {
		// Never echo the URL: it carries the WebSocket access token.
		if resp != nil {
			return nil, fmt.Errorf("ringcentral: WebSocket connect to %s%s refused: %d %s", u.Host, u.Path, resp.StatusCode, http.StatusText(resp.StatusCode))
		}
		return nil, fmt.Errorf("ringcentral: WebSocket connect to %s%s: %w", u.Host, u.Path, scrub(err))
	}
	if err := s.handshake(ctx, conn, recovering); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// handshake expects ConnectionDetails first, then subscribes when needed.
func (s *Subscription) handshake(ctx context.Context, conn *websocket.Conn, recovering bool) error {
	deadline := time.Now().Add(s.opts.HandshakeTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.SetReadDeadline(deadline)
	defer conn.SetReadDeadline(time.Time{})

	f, err := readFrame(conn)
	if err != nil {
		return fmt.Errorf("ringcentral: waiting for ConnectionDetails: %w", err)
	}
	switch f.meta.Type {
	case frameConnectionDetails:
	case frameError:
		return fmt.Errorf("ringcentral: WebSocket refused the connection: %w", frameAPIError(f, "CONNECT", "/ws"))
	default:
		return fmt.Errorf("ringcentral: first WebSocket frame is %q, want ConnectionDetails", f.meta.Type)
	}
	var details ConnectionDetails
	if f.body != nil {
		_ = json.Unmarshal(f.body, &details)
	}
	s.mu.Lock()
	s.details = details
	s.trackWSC(f.meta, details.RecoveryState != "")
	s.mu.Unlock()
	if recovering && details.RecoveryState == "Successful" {
		return nil // the server kept the subscription and replays what we missed
	}

	req := map[string]any{
		"eventFilters": s.opts.Filters,
		"deliveryMode": map[string]string{"transportType": "WebSocket"},
	}
	id := newMessageID()
	meta := frameMeta{Type: frameClientRequest, MessageID: id, Method: http.MethodPost, Path: subscriptionPath,
		Headers: map[string]any{"X-User-Agent": s.c.cfg.UserAgent}}
	if err := s.write(conn, meta, req); err != nil {
		return fmt.Errorf("ringcentral: sending the subscription request: %w", err)
	}
	for {
		f, err := readFrame(conn)
		if err != nil {
			return fmt.Errorf("ringcentral: waiting for the subscription reply: %w", err)
		}
		s.mu.Lock()
		s.trackWSC(f.meta, false)
		s.mu.Unlock()
		if f.meta.MessageID != id {
			if f.meta.Type == frameServerNotification {
				s.mu.Lock()
				s.early = append(s.early, f)
				s.mu.Unlock()
			}
			if f.meta.Type == frameHeartbeat {
				_ = s.write(conn, frameMeta{Type: frameHeartbeat, MessageID: f.meta.MessageID}, nil)
			}
			continue
		}
		if f.meta.Type != frameClientRequest || f.meta.Status < 200 || f.meta.Status > 299 {
			return frameAPIError(f, http.MethodPost, subscriptionPath)
		}
		var info SubscriptionInfo
		_ = json.Unmarshal(f.body, &info)
		if info.ID == "" {
			// The Python SDK knows the reply by this header; take the ID from it.
			info.ID = f.meta.header("WSG-SubscriptionId")
		}
		if info.ID == "" {
			return fmt.Errorf("ringcentral: subscription reply has no SubscriptionInfo id")
		}
		s.mu.Lock()
		s.info = info
		if recovering {
			s.resubs++
		}
		s.mu.Unlock()
		if recovering {
			select {
			case s.resubscribed <- struct{}{}:
			default: // one pending signal says it all
			}
		}
		return nil
	}
}

// trackWSC keeps the recovery token as the SDK does: take the first one,
// one from a recovery ConnectionDetails, or any with a higher sequence.
func (s *Subscription) trackWSC(m frameMeta, recoveryDetails bool) {
	if m.WSC == nil || m.WSC.Token == "" {
		return
	}
	if s.wsc == nil || recoveryDetails || m.WSC.Sequence > s.wsc.Sequence {
		w := *m.WSC
		s.wsc = &w
	}
}

func readFrame(conn *websocket.Conn) (frame, error) {
	for {
		mt, b, err := conn.ReadMessage()
		if err != nil {
			return frame{}, err
		}
		if mt != websocket.TextMessage {
			continue
		}
		return parseFrame(b)
	}
}

func (s *Subscription) write(conn *websocket.Conn, meta frameMeta, body any) error {
	b, err := encodeFrame(meta, body)
	if err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return conn.WriteMessage(websocket.TextMessage, b)
}

// frameAPIError turns a refused ClientRequest or an Error frame into an
// *APIError (its body has the REST error shape).
func frameAPIError(f frame, method, path string) *APIError {
	status := f.meta.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	return decodeAPIError(method, path, status, f.body)
}

// run owns the socket: it reads frames, answers heart-beats, delivers
// notifications and recovers a lost connection.
func (s *Subscription) run(conn *websocket.Conn) {
	defer close(s.ended)
	defer close(s.notes)
	for {
		s.mu.Lock()
		if s.closed { // Close ran while we were recovering
			s.mu.Unlock()
			conn.Close()
			return
		}
		s.conn = conn
		s.mu.Unlock()
		err := s.readLoop(conn)
		conn.Close()
		select {
		case <-s.done:
			return
		default:
		}
		conn = s.recover(err)
		if conn == nil {
			return
		}
	}
}

// readLoop reads until the socket fails; a quiet socket gets a Heartbeat.
func (s *Subscription) readLoop(conn *websocket.Conn) error {
	idle := time.AfterFunc(s.opts.HeartbeatInterval, func() { s.heartbeat(conn) })
	defer idle.Stop()
	s.mu.Lock()
	early := s.early
	s.early = nil
	s.mu.Unlock()
	for _, f := range early {
		if !s.deliver(f) {
			return nil
		}
	}
	for {
		mt, b, err := conn.ReadMessage()
		if err != nil {
			return err
		}
		idle.Reset(s.opts.HeartbeatInterval)
		if mt != websocket.TextMessage {
			continue
		}
		f, err := parseFrame(b)
		if err != nil {
			continue // one malformed frame does not end the subscription
		}
		s.mu.Lock()
		s.trackWSC(f.meta, false)
		s.mu.Unlock()
		switch f.meta.Type {
		case frameServerNotification:
			if !s.deliver(f) {
				return nil
			}
		case frameHeartbeat:
			s.mu.Lock()
			ours := s.pendingHB[f.meta.MessageID]
			delete(s.pendingHB, f.meta.MessageID)
			s.mu.Unlock()
			if !ours { // the server asks; answer with the same messageId
				_ = s.write(conn, frameMeta{Type: frameHeartbeat, MessageID: f.meta.MessageID}, nil)
			}
		case frameError:
			s.mu.Lock()
			s.lastServer = frameAPIError(f, "WS", "/ws").Error()
			s.mu.Unlock()
		}
	}
}

func (s *Subscription) heartbeat(conn *websocket.Conn) {
	id := newMessageID()
	s.mu.Lock()
	s.pendingHB[id] = true
	s.mu.Unlock()
	_ = s.write(conn, frameMeta{Type: frameHeartbeat, MessageID: id}, nil)
}

// deliver hands a notification of our subscription to the reader; false
// means the subscription was closed meanwhile.
func (s *Subscription) deliver(f frame) bool {
	var n Notification
	if err := json.Unmarshal(f.body, &n); err != nil {
		return true
	}
	n.Raw = append(json.RawMessage(nil), f.body...)
	s.mu.Lock()
	mine := n.SubscriptionID == s.info.ID
	if !mine {
		s.foreign++
	}
	s.mu.Unlock()
	if !mine {
		return true // the SDK only passes on its own subscription's notifications
	}
	select {
	case s.notes <- n:
		return true
	case <-s.done:
		return false
	}
}

// recover reconnects with the wsc token; nil means it gave up (Err says why).
func (s *Subscription) recover(cause error) *websocket.Conn {
	lastErr := cause
	for attempt := 0; attempt < s.opts.MaxReconnects; attempt++ {
		t := time.NewTimer(s.opts.ReconnectDelay(attempt))
		select {
		case <-s.done:
			t.Stop()
			return nil
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), s.opts.HandshakeTimeout)
		go func() {
			select {
			case <-s.done:
				cancel()
			case <-ctx.Done():
			}
		}()
		conn, err := s.connect(ctx)
		cancel()
		if err == nil {
			s.mu.Lock()
			s.reconnects++
			s.mu.Unlock()
			return conn
		}
		lastErr = err
	}
	s.mu.Lock()
	msg := ""
	if s.lastServer != "" {
		msg = " (server said: " + s.lastServer + ")"
	}
	s.err = fmt.Errorf("ringcentral: subscription lost after %d recovery attempts%s: %w", s.opts.MaxReconnects, msg, lastErr)
	s.mu.Unlock()
	return nil
}
