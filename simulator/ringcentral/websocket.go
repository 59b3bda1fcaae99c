package ringcentral

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/journalhttp"
)

// The notification WebSocket as @ringcentral/subscriptions (RCEX) speaks
// it (reference §4.4, §6.1): connect with ?access_token=<ws token>
// [&wsc=<token>]; the server speaks first with ConnectionDetails; the
// client subscribes with a ClientRequest over the socket; notifications
// arrive as ServerNotification frames [meta, envelope]; Heartbeat frames
// are echoed; a dropped socket can be recovered within RecoveryTimeout
// with wsc, replaying what it missed.

// wsSession outlives its sockets: it holds the subscription and the
// recovery buffer while the client reconnects.
type wsSession struct {
	d     *Dialect
	id    string
	grant grantInfo
	base  string // http(s)://host the client reached, for URIs

	// sub and dead are guarded by d.subs.mu.
	sub  *subscription
	dead bool

	mu      sync.Mutex // guards the fields below; taken after d.subs.mu, never before
	conn    *wsConn
	seq     int64   // wsc sequence of the newest frame
	buffer  []wsOut // a ring (keep); oldest is its first frame once full
	oldest  int
	expiry  simulator.Timer
	detachN int
}

// wsOut is one frame for a socket, queued or kept for recovery: either
// rendered already (raw: ConnectionDetails, answers) or a notification
// with all the dispatcher drew for it (its uuid, RCRequestId and wsc
// sequence), which the socket's writer renders (appendServerNotification):
// the dispatcher's serial work per subscriber is the draws and a queue
// push, not the rendering of a frame (issue 16, fan-out). A replay renders
// the same bytes again.
type wsOut struct {
	raw []byte
	notice
	seq int64
	rid requestID
}

type wscInfo struct {
	Token    string `json:"token"`
	Sequence int64  `json:"sequence"`
}

type frameMeta struct {
	Type      string            `json:"type"`
	MessageID string            `json:"messageId"`
	Status    int               `json:"status,omitempty"`
	Method    string            `json:"method,omitempty"`
	Path      string            `json:"path,omitempty"`
	Query     json.RawMessage   `json:"query,omitempty"` // REST parameters (wsquery.go)
	Headers   map[string]string `json:"headers,omitempty"`
	WSC       *wscInfo          `json:"wsc,omitempty"`
}

func frame(meta frameMeta, body any) []byte {
	parts := []any{meta}
	if body != nil {
		parts = append(parts, body)
	}
	b, _ := json.Marshal(parts)
	return b
}

// wsc tokens name the session and the position of one frame, so a client
// that reconnects with the newest token it saw gets exactly what followed.
func wscToken(session string, seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(session + ":" + strconv.FormatInt(seq, 10)))
}

// appendWSCToken appends wscToken(session, seq).
func appendWSCToken(b []byte, session string, seq int64) []byte {
	var raw [96]byte
	return base64.RawURLEncoding.AppendEncode(b, strconv.AppendInt(append(append(raw[:0], session...), ':'), seq, 10))
}

func parseWSC(tok string) (string, int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", 0, false
	}
	id, n, ok := strings.Cut(string(b), ":")
	seq, err := strconv.ParseInt(n, 10, 64)
	return id, seq, ok && err == nil
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (d *Dialect) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	// Bound what the kernel buffers for one subscriber: with Linux's
	// default (up to 4 MiB) a subscriber that stops reading would go
	// unnoticed for thousands of notifications. With 64 KiB plus the
	// socket's send queue, a stalled subscriber is closed promptly.
	setWriteBuffer(ws.UnderlyingConn(), 64<<10)
	grant, ok := d.wsGrant(q.Get("access_token"))
	if !ok {
		_ = ws.WriteMessage(websocket.TextMessage, frame(
			frameMeta{Type: "Error", MessageID: d.uuid(), Status: http.StatusUnauthorized},
			refuse(errTokenNotFound, "access_token is not a valid ws_access_token (POST /restapi/oauth/wstoken first)").body()))
		_ = ws.Close()
		return
	}
	journalhttp.SetTenant(r, grant.AccountID)
	c := &wsConn{d: d, ws: ws, send: newSendQueue(d.opts.SocketQueue), closed: make(chan struct{})}

	wscParam := q.Get("wsc")
	var sess *wsSession
	var resumeAt int64
	d.subs.mu.Lock()
	if d.subs.closed {
		d.subs.mu.Unlock()
		_ = ws.Close()
		return
	}
	if sid, seq, ok := parseWSC(wscParam); ok {
		if s := d.subs.wsSessions[sid]; s != nil && !s.dead && s.grant.AccountID == grant.AccountID && s.grant.ExtensionID == grant.ExtensionID {
			sess, resumeAt = s, seq
		}
	}
	recovered := sess != nil
	if sess == nil {
		sess = &wsSession{d: d, id: d.randomHex(24), grant: grant, base: httpBase(r), seq: 1}
		d.subs.wsSessions[sess.id] = sess
	}
	c.session = sess.id
	d.wg.Add(2)
	d.subs.mu.Unlock()

	sess.attach(c, wscParam != "", recovered, resumeAt)
	go c.writeLoop()
	go c.readLoop(sess)
}

// attach makes c the session's socket: ConnectionDetails first, then (on a
// successful recovery) every buffered frame after the client's position.
func (s *wsSession) attach(c *wsConn, recovering, recovered bool, resumeAt int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil && s.conn != c {
		s.conn.close() // a recovery takes over from a socket we still think is open
	}
	s.conn = c
	if s.expiry != nil {
		s.expiry.Stop()
		s.expiry = nil
	}
	pos := s.seq
	if recovered && resumeAt < pos {
		pos = resumeAt
	}
	d := s.d
	details := map[string]any{
		"creationTime":             d.now().UTC().Format("2006-01-02T15:04:05.000+0000"),
		"maxConnectionsPerSession": 50,
		"recoveryBufferSize":       d.opts.RecoveryBufferSize,
		"recoveryTimeout":          int64(d.opts.RecoveryTimeout / time.Second),
		"idleTimeout":              1800,
		"absoluteTimeout":          86400,
		"maxActiveRequests":        10,
	}
	if recovering {
		details["recoveryState"] = map[bool]string{true: "Successful", false: "Failed"}[recovered]
	}
	rid := d.uuid()
	c.push(frame(frameMeta{Type: "ConnectionDetails", MessageID: rid, Status: http.StatusOK,
		WSC: &wscInfo{Token: wscToken(s.id, pos), Sequence: pos}, Headers: map[string]string{"RCRequestId": rid}}, details))
	if recovered {
		for _, f := range s.recent() {
			if f.seq > resumeAt {
				c.pushOut(f)
			}
		}
	}
}

// notify sends a notification on the session's socket, or keeps it for
// replay while the client is away. Its sequence and RCRequestId are drawn
// here, on the dispatcher, in the order they always were; the socket's
// writer renders the frame.
func (s *wsSession) notify(n notice) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	f := wsOut{notice: n, seq: s.seq}
	s.d.drawRequestID(&f.rid)
	s.keep(f)
	if s.conn != nil {
		s.conn.pushOut(f)
	}
}

// keep adds a sent frame to the recovery buffer, a ring of the last
// RecoveryBufferSize frames: O(1) per notification, not a copy of the
// whole buffer once it is full (issue 16). Runs with s.mu held.
func (s *wsSession) keep(f wsOut) {
	if len(s.buffer) < s.d.opts.RecoveryBufferSize {
		s.buffer = append(s.buffer, f)
		return
	}
	s.buffer[s.oldest] = f
	s.oldest = (s.oldest + 1) % len(s.buffer)
}

// recent is what a recovery may replay: the frames kept, oldest first.
// Runs with s.mu held.
func (s *wsSession) recent() []wsOut {
	return append(append([]wsOut(nil), s.buffer[s.oldest:]...), s.buffer[:s.oldest]...)
}

// detach forgets a socket that closed. The session (and its subscription)
// waits RecoveryTimeout on the sim clock for a recovery, then ends.
func (s *wsSession) detach(c *wsConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != c {
		return
	}
	s.conn = nil
	select {
	case <-s.d.stop:
		return
	default:
	}
	s.detachN++
	n := s.detachN
	s.expiry = s.d.sim.ClockOf(s.grant.AccountID).AfterFunc(s.d.opts.RecoveryTimeout, func() {
		s.d.guard("WebSocket recovery timer", s.grant.AccountID, func() { s.expire(n) }, nil)
	})
}

func (s *wsSession) expire(n int) {
	d := s.d
	d.subs.mu.Lock()
	defer d.subs.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil || s.detachN != n || s.dead {
		return
	}
	s.dead = true
	s.buffer, s.oldest = nil, 0
	delete(d.subs.wsSessions, s.id)
	if s.sub != nil {
		d.removeLocked(s.sub)
	}
}

// wsConn is one socket. Only writeLoop writes to it; push never blocks:
// a socket whose queue is full is closed (the client may recover).
type wsConn struct {
	d       *Dialect
	ws      *websocket.Conn
	session string // the id of the session it serves, for wsc tokens
	send    *sendQueue
	closed  chan struct{}
	once    sync.Once
}

// push queues a rendered frame.
func (c *wsConn) push(f []byte) { c.pushOut(wsOut{raw: f}) }

func (c *wsConn) pushOut(f wsOut) {
	select {
	case <-c.closed:
		return
	default:
	}
	if !c.send.push(f) {
		if c.d != nil {
			c.d.slowSocketsClosed.Add(1)
		}
		c.close()
	}
}

func (c *wsConn) close() {
	c.once.Do(func() {
		close(c.closed)
		_ = c.ws.Close()
	})
}

// goAway tells the client the server is going away (close frame 1001),
// then closes the socket. WriteControl may run beside writeLoop's writes.
func (c *wsConn) goAway() {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"), time.Now().Add(time.Second))
	c.close()
}

const writeWait = 10 * time.Second

func (c *wsConn) writeLoop() {
	defer c.d.wg.Done()
	defer c.close()
	defer c.survive("socket write loop")
	var ping <-chan time.Time
	if c.d.opts.PingInterval > 0 {
		t := time.NewTicker(c.d.opts.PingInterval)
		defer t.Stop()
		ping = t.C
	}
	var buf []byte    // where notifications are rendered, frame after frame
	var batch []wsOut // the frames taken from the queue at once
	for {
		select {
		case <-c.closed:
			return
		case <-c.d.stop:
			_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"), time.Now().Add(time.Second))
			return
		case <-c.send.ready:
			batch = c.send.take(batch)
			for i := range batch {
				o := &batch[i]
				f := o.raw
				if o.route != nil {
					// The buffer is reused: WriteMessage copies the frame out.
					buf = appendServerNotification(buf[:0], o, c.session)
					f = buf
				}
				_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
				if err := c.ws.WriteMessage(websocket.TextMessage, f); err != nil {
					return
				}
			}
			batch = spareAfter(batch)
		case <-ping:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				return
			}
		}
	}
}

func (c *wsConn) readLoop(s *wsSession) {
	defer c.d.wg.Done()
	defer s.detach(c)
	defer c.close()
	defer c.survive("socket read loop")
	c.ws.SetReadLimit(maxBody)
	for {
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		c.handle(s, msg)
	}
}

// survive, deferred in a socket loop, recovers a panic: journaled, then
// the socket is closed with 1011 (internal error). The process and every
// other socket stay up; the client may recover its session.
func (c *wsConn) survive(where string) {
	v := recover()
	if v == nil {
		return
	}
	c.d.journalPanic(where, "", v)
	_ = c.ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseInternalServerErr, "internal error (journaled)"), time.Now().Add(time.Second))
	c.close()
}

// handle answers one client frame. A panic while serving it is journaled
// and answered with a 500 error frame; the socket stays open.
func (c *wsConn) handle(s *wsSession, msg []byte) {
	var out []byte
	ok := c.d.guard("socket message", s.grant.AccountID, func() { out = c.d.answerFrame(s, msg) }, nil)
	if !ok {
		out = frame(frameMeta{Type: "Error", MessageID: messageIDOf(msg), Status: http.StatusInternalServerError},
			internalError("a WebSocket message").body())
	}
	c.push(out)
}

// messageIDOf reads the messageId of a frame, if it has one, so an answer
// to a frame that failed can still name it.
func messageIDOf(msg []byte) string {
	var parts []json.RawMessage
	var meta frameMeta
	if json.Unmarshal(msg, &parts) != nil || len(parts) == 0 || json.Unmarshal(parts[0], &meta) != nil {
		return ""
	}
	return meta.MessageID
}

// answerFrame serves one client frame and returns the one frame that
// answers it (FuzzSocketMessage calls it directly).
func (d *Dialect) answerFrame(s *wsSession, msg []byte) []byte {
	var parts []json.RawMessage
	var meta frameMeta
	if err := json.Unmarshal(msg, &parts); err != nil || len(parts) == 0 || json.Unmarshal(parts[0], &meta) != nil {
		return frame(frameMeta{Type: "Error", MessageID: d.uuid(), Status: http.StatusBadRequest},
			refuse(errBadJSON, "A frame is a JSON array [meta, body?].").body())
	}
	var body json.RawMessage
	if len(parts) > 1 {
		body = parts[1]
	}
	switch meta.Type {
	case "Heartbeat":
		return frame(frameMeta{Type: "Heartbeat", MessageID: meta.MessageID}, nil)
	case "ClientRequest":
		status, headers, out := d.clientRequest(s, meta, body)
		if headers == nil {
			headers = map[string]string{}
		}
		headers["RCRequestId"] = d.uuid()
		return frame(frameMeta{Type: "ClientRequest", MessageID: meta.MessageID, Status: status, Headers: headers}, out)
	default:
		return frame(frameMeta{Type: "Error", MessageID: meta.MessageID, Status: http.StatusBadRequest},
			invalidParam("type", meta.Type, "A client sends ClientRequest or Heartbeat frames.").body())
	}
}

// clientRequest serves a request sent over the socket: the subscription
// API natively, anything else under /restapi through the REST routes.
func (d *Dialect) clientRequest(s *wsSession, meta frameMeta, body json.RawMessage) (int, map[string]string, any) {
	p, _, _ := strings.Cut(meta.Path, "?")
	p = strings.TrimSuffix(p, "/")
	method := strings.ToUpper(meta.Method)
	fail := func(err error) (int, map[string]string, any) {
		ae := asAPIError(err)
		return ae.Status, map[string]string{"Content-Type": "application/json"}, ae.body()
	}
	ok := func(status int, sub *subscription, info any) (int, map[string]string, any) {
		return status, map[string]string{"Content-Type": "application/json", "WSG-SubscriptionId": sub.ID}, info
	}
	const subPath = "/restapi/v1.0/subscription"
	switch {
	case p == subPath && method == http.MethodPost:
		var req subscriptionRequest
		if err := decodeRaw(body, &req); err != nil {
			return fail(err)
		}
		if req.DeliveryMode != nil && req.DeliveryMode.TransportType != "" && req.DeliveryMode.TransportType != transportWebSocket {
			return fail(invalidParam("deliveryMode.transportType", req.DeliveryMode.TransportType, "Over the WebSocket only WebSocket subscriptions can be created."))
		}
		sub, err := d.newSubscription(s.grant, s.base, req, transportWebSocket)
		if err != nil {
			return fail(err)
		}
		sub.ws = s
		if err := d.registerOnSocket(s, sub); err != nil {
			return fail(err)
		}
		return ok(http.StatusOK, sub, d.infoOf(sub))
	case strings.HasPrefix(p, subPath+"/"):
		subID := strings.TrimPrefix(p, subPath+"/")
		subID = strings.TrimSuffix(subID, "/renew")
		d.subs.mu.Lock()
		defer d.subs.mu.Unlock()
		sub := d.subs.byID[subID]
		if sub == nil || sub.ws != s {
			return fail(notFound("subscriptionId", subID, "no subscription "+subID+" on this WebSocket session"))
		}
		switch method {
		case http.MethodGet:
			return ok(http.StatusOK, sub, sub.info(d.nowFor(sub.Owner.AccountID)))
		case http.MethodPut, http.MethodPost:
			var req subscriptionRequest
			if err := decodeRaw(body, &req); err != nil {
				return fail(err)
			}
			if len(req.EventFilters) > 0 {
				fs, disabled, err := d.parseFilters(s.grant, req.EventFilters)
				if err != nil {
					return fail(err)
				}
				sub.Filters, sub.Disabled = fs, disabled
			}
			sub.Expires = d.nowFor(sub.Owner.AccountID).Add(time.Duration(sub.ExpiresIn) * time.Second)
			return ok(http.StatusOK, sub, sub.info(d.nowFor(sub.Owner.AccountID)))
		case http.MethodDelete:
			d.removeLocked(sub)
			d.forgetReplays(sub)
			return http.StatusNoContent, map[string]string{"WSG-SubscriptionId": sub.ID}, nil
		}
		return fail(refuse(errMethodNotAllowed, "Method "+method+" is not allowed on "+p))
	case p == subPath && method == http.MethodGet:
		d.subs.mu.Lock()
		var recs []subscriptionInfo
		if s.sub != nil {
			recs = append(recs, s.sub.info(d.nowFor(s.sub.Owner.AccountID)))
		}
		d.subs.mu.Unlock()
		return http.StatusOK, map[string]string{"Content-Type": "application/json"}, map[string]any{"records": recs}
	}
	return d.restOverSocket(s, method, meta, body)
}

func decodeRaw(body json.RawMessage, v any) error {
	if len(bytes.TrimSpace(body)) == 0 || string(body) == "null" {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return refuse(errBadJSON, err.Error())
	}
	return nil
}

func (d *Dialect) infoOf(sub *subscription) subscriptionInfo {
	d.subs.mu.Lock()
	defer d.subs.mu.Unlock()
	return sub.info(d.nowFor(sub.Owner.AccountID))
}

// registerOnSocket makes sub the socket's one subscription; a second
// subscribe replaces the first (DOCS: one active subscription per socket).
func (d *Dialect) registerOnSocket(s *wsSession, sub *subscription) error {
	d.subs.mu.Lock()
	defer d.subs.mu.Unlock()
	if d.subs.closed || s.dead {
		return refuse(errShuttingDown, "")
	}
	if err := d.limitLocked(sub.Owner, s.sub); err != nil {
		return err
	}
	if s.sub != nil {
		d.removeLocked(s.sub)
	}
	s.sub = sub
	d.subs.addLocked(sub)
	return nil
}

// restOverSocket serves any other /restapi request through the REST
// routes, as the socket's own user (RCEX restOverWebSocket).
func (d *Dialect) restOverSocket(s *wsSession, method string, meta frameMeta, body json.RawMessage) (int, map[string]string, any) {
	fail := func(ae *apiError) (int, map[string]string, any) {
		return ae.Status, map[string]string{"Content-Type": "application/json"}, ae.body()
	}
	if d.restapi == nil || !strings.HasPrefix(meta.Path, "/restapi/v1.0/") {
		return fail(notFound("path", meta.Path, "pbxsim serves /restapi/v1.0/... over the WebSocket"))
	}
	// The frame's method and path come from the client as they are: check
	// them as an HTTP server checks a request line, never trust them to
	// build one (issue 10 item 1: httptest.NewRequest panicked on them).
	if !validMethod(method) {
		return fail(invalidParam("method", meta.Method, "The method must be an HTTP method such as GET, POST, PUT, PATCH or DELETE."))
	}
	if strings.IndexFunc(meta.Path, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return fail(invalidParam("path", meta.Path, "The path must not contain spaces or control characters."))
	}
	withQuery, err := pathWithQuery(meta.Path, meta.Query)
	if err != nil {
		return fail(asAPIError(err))
	}
	target, err := url.ParseRequestURI(withQuery)
	if err != nil {
		return fail(invalidParam("path", meta.Path, "The path cannot be parsed as a request URI."))
	}
	req, err := http.NewRequestWithContext(context.Background(), method, target.String(), bytes.NewReader(body))
	if err != nil {
		return fail(invalidParam("path", meta.Path, "The request cannot be built: "+err.Error()))
	}
	req.RequestURI = withQuery
	req.RemoteAddr = "websocket"
	scheme, h, _ := strings.Cut(s.base, "://")
	req.Host = h
	if scheme == "https" {
		req.Header.Set("X-Forwarded-Proto", "https")
	}
	for k, v := range meta.Headers {
		req.Header.Set(k, v)
	}
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	req = req.WithContext(context.WithValue(req.Context(), identityKey{}, identity{grantInfo: s.grant}))
	rec := httptest.NewRecorder()
	d.restapi.ServeHTTP(rec, req)
	headers := map[string]string{}
	for k := range rec.Header() {
		headers[k] = rec.Header().Get(k)
	}
	if rec.Body.Len() == 0 {
		return rec.Code, headers, nil
	}
	return rec.Code, headers, json.RawMessage(rec.Body.Bytes())
}

// closeAll closes every socket, each with a going-away close frame, and
// stops every webhook (Dialect.GoingAway, Dialect.Close).
func (ss *subscriptions) closeAll() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.closed = true
	for _, s := range ss.wsSessions {
		s.mu.Lock()
		if s.conn != nil {
			s.conn.goAway()
		}
		if s.expiry != nil {
			s.expiry.Stop()
		}
		s.mu.Unlock()
	}
	for _, sub := range ss.byID {
		if sub.hook != nil {
			sub.hook.stop()
		}
	}
}

// validMethod reports whether m is an HTTP method token (RFC 9110 §9.1:
// a token of tchar), as net/http's server requires of a request line.
func validMethod(m string) bool {
	if m == "" || len(m) > 32 {
		return false
	}
	for i := 0; i < len(m); i++ {
		c := m[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// setWriteBuffer sets the kernel send buffer of c, looking through
// wrappers that expose the connection they wrap (NetConn, as crypto/tls
// and pbxsim's connection cap do): a wrapped conn must not lose the bound.
func setWriteBuffer(c net.Conn, n int) {
	for c != nil {
		if wb, ok := c.(interface{ SetWriteBuffer(int) error }); ok {
			_ = wb.SetWriteBuffer(n)
			return
		}
		u, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			return
		}
		c = u.NetConn()
	}
}
