package replay

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/proxy"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Options tune a replay.
type Options struct {
	// Scenario replaces the recording's scenario (a recording from a real
	// tenant has none; or check the recording against an edited world).
	Scenario *scenario.Scenario
	// Timeout bounds the wait for each recorded frame and each answer
	// (default 10s).
	Timeout time.Duration
}

// Result is what a replay found.
type Result struct {
	Exchanges, Frames, Webhooks int
	Diffs                       []Difference
}

// OK says the replay matched the recording.
func (r Result) OK() bool { return len(r.Diffs) == 0 }

// ErrNoScenario: the recording names no scenario and none was given.
var ErrNoScenario = errors.New("the recording embeds no scenario (it was not made with pbxsim proxy --scenario); give one")

// ErrStart: the replay's pbxsim did not start (a harness error, not a
// difference).
var ErrStart = errors.New("starting pbxsim")

// maxAnswer bounds what the replay reads of one answer.
const maxAnswer = 8 << 20

// File replays one recorded session file.
func File(ctx context.Context, path string, opts Options) (Result, error) {
	entries, err := proxy.ReadSession(path)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", path, err)
	}
	return Session(ctx, entries, opts)
}

// Session replays recorded entries (proxy.ParseSession) against a fresh
// pbxsim started in-process.
func Session(ctx context.Context, entries []proxy.Entry, opts Options) (Result, error) {
	if len(entries) == 0 || entries[0].Kind != proxy.KindSession {
		return Result{}, errors.New("not a recorded session")
	}
	head := entries[0]
	sc := opts.Scenario
	if sc == nil {
		if head.Scenario == "" {
			return Result{}, ErrNoScenario
		}
		var err error
		if sc, err = scenario.Parse(head.ScenarioFile, []byte(head.Scenario)); err != nil {
			return Result{}, fmt.Errorf("the recorded scenario: %w", err)
		}
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	srv, err := pbxsim.New(pbxsim.Config{Scenario: sc, NoControl: true})
	if err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrStart, err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrStart, err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	r := newRun(srv.URL(), head.Upstream, sc, opts)
	defer r.closeSockets()
	if needsReceiver(entries) {
		hooks, err := startReceiver()
		if err != nil {
			return Result{}, fmt.Errorf("%w: the webhook receiver: %v", ErrStart, err)
		}
		defer hooks.close()
		r.hooks = hooks
	}
	for _, e := range entries[1:] {
		if err := ctx.Err(); err != nil {
			return r.res, err
		}
		switch e.Kind {
		case proxy.KindExchange:
			r.exchange(ctx, e)
		case proxy.KindWSOpen:
			r.open(ctx, e)
		case proxy.KindWSFrame:
			r.frame(e)
		case proxy.KindWSClose:
			r.closeSocket(e.Socket)
		case proxy.KindWebhook:
			r.webhook(e)
		}
	}
	return r.res, nil
}

type run struct {
	base    *url.URL
	opts    Options
	creds   creds
	ids     *ids
	secrets map[string]string
	host    *strings.Replacer
	http    *http.Client
	sockets map[int]*socket
	hooks   *receiver
	res     Result
}

func newRun(base, upstream string, sc *scenario.Scenario, opts Options) *run {
	b, _ := url.Parse(base)
	var pairs []string
	if u, err := url.Parse(upstream); err == nil && u.Host != "" && u.Host != b.Host {
		pairs = append(pairs, u.Host, b.Host)
	}
	return &run{base: b, opts: opts, creds: creds{sc}, ids: newIDs(), secrets: map[string]string{},
		host: strings.NewReplacer(pairs...), http: &http.Client{Timeout: opts.Timeout},
		sockets: map[int]*socket{}}
}

// subst puts the live values into a recorded string: the live host, the
// replay's webhook receiver, the re-mapped IDs and the secrets learned so
// far.
func (r *run) subst(s string) string {
	return r.ids.replacer(r.secrets).Replace(r.norm(s))
}

// norm puts the live host for the upstream's, and the replay's webhook
// receiver for the recording proxy's relay address.
func (r *run) norm(s string) string {
	s = r.host.Replace(s)
	if r.hooks != nil && strings.Contains(s, proxy.WebhookPath) {
		s = relayAddress.ReplaceAllLiteralString(s, r.hooks.url+proxy.WebhookPath)
	}
	return s
}

func (r *run) comparer(where string) *comparer {
	return &comparer{where: where, ids: r.ids, secrets: r.secrets, norm: r.norm}
}

func (r *run) add(c *comparer) { r.res.Diffs = append(r.res.Diffs, c.diffs...) }

// exchange sends one recorded request and compares the answer.
func (r *run) exchange(ctx context.Context, e proxy.Entry) {
	if e.Request == nil || e.Response == nil {
		return // the upstream did not answer: nothing to compare
	}
	r.res.Exchanges++
	rq := e.Request
	c := r.comparer("exchange #" + strconv.Itoa(e.Seq) + " " + rq.Method + " " + rq.Path)
	if rq.Body.Truncated {
		c.diff("request", "a body longer than the recording kept", "not replayed")
		r.add(c)
		return
	}
	u := *r.base
	u.RawPath = r.subst(rq.Path)
	if p, err := url.PathUnescape(u.RawPath); err == nil {
		u.Path = p
	}
	u.RawQuery = r.subst(rq.Query)
	body := r.credentials(r.subst(string(rq.Body.Bytes())), rq, e.Response)
	req, err := http.NewRequestWithContext(ctx, rq.Method, u.String(), strings.NewReader(body))
	if err != nil {
		c.diff("request", rq.Method+" "+rq.Path, err.Error())
		r.add(c)
		return
	}
	for k, v := range rq.Header {
		if k == "Authorization" {
			v = r.authorization(r.subst(v))
		}
		req.Header.Set(k, v)
	}
	resp, err := r.http.Do(req)
	if err != nil {
		c.diff("status", e.Response.Status, "no answer: "+err.Error())
		r.add(c)
		return
	}
	live, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	resp.Body.Close()
	if resp.StatusCode != e.Response.Status {
		c.diff("status", e.Response.Status, resp.StatusCode)
		c.diff("body", json.RawMessage(orNull(e.Response.Body.Bytes())), string(cut(live)))
		r.add(c)
		return
	}
	c.compareBodies("body", e.Response.Body, live)
	r.add(c)
}

func orNull(b []byte) []byte {
	if json.Valid(b) {
		return b
	}
	q, _ := json.Marshal(string(b))
	return q
}

// authorization fills a recorded Authorization whose secret is still
// unknown: Basic from the scenario's client secret.
func (r *run) authorization(v string) string {
	scheme, cred, _ := strings.Cut(v, " ")
	if strings.EqualFold(scheme, "Basic") {
		if user, pass, ok := strings.Cut(cred, ":"); ok {
			if strings.HasPrefix(pass, proxy.RefPrefix) {
				if s, ok := r.creds.clientSecret(user); ok {
					r.secrets[pass] = s
					pass = s
				}
			}
			return scheme + " " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
		}
	}
	return v
}

// credentials fills the secrets of a login body the recording could not
// keep (a JWT assertion, a password, a client secret) from the scenario.
func (r *run) credentials(body string, rq *proxy.Request, resp *proxy.Response) string {
	if !strings.Contains(body, proxy.RefPrefix) && !strings.Contains(body, url.QueryEscape(proxy.RefPrefix)) {
		return body
	}
	owner := ""
	if v, ok := decode(resp.Body.JSON); ok {
		if m, ok := v.(map[string]any); ok {
			owner, _ = m["owner_id"].(string)
		}
	}
	fill := func(get func(string) string) func(key, val string) (string, bool) {
		return func(key, val string) (string, bool) {
			if !strings.HasPrefix(val, proxy.RefPrefix) {
				return val, false
			}
			var s string
			var ok bool
			switch strings.ToLower(key) {
			case "assertion":
				s, ok = r.creds.jwt(owner)
			case "password":
				s, ok = r.creds.password(get("username"), owner)
			case "client_secret":
				s, ok = r.creds.clientSecret(get("client_id"))
			}
			if !ok {
				return val, false
			}
			r.secrets[val] = s
			return s, true
		}
	}
	if rq.Body.JSON != nil {
		var m map[string]any
		if json.Unmarshal([]byte(body), &m) != nil {
			return body
		}
		f := fill(func(k string) string { s, _ := m[k].(string); return s })
		for k, v := range m {
			if s, ok := v.(string); ok {
				if x, changed := f(k, s); changed {
					m[k] = x
				}
			}
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	v, err := url.ParseQuery(body)
	if err != nil {
		return body
	}
	f := fill(v.Get)
	for k := range v {
		if x, changed := f(k, v.Get(k)); changed {
			v.Set(k, x)
		}
	}
	return v.Encode()
}

// socket is one replayed notification socket.
type socket struct {
	conn   *websocket.Conn
	frames chan []byte
	n      int
}

func (r *run) open(ctx context.Context, e proxy.Entry) {
	where := "socket " + strconv.Itoa(e.Socket)
	target := r.subst(e.Target)
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") {
		u = &url.URL{Scheme: "ws", Host: r.base.Host, Path: "/ws"}
		if t, err := url.Parse(e.Target); err == nil && t.Path != "" {
			u.Path = t.Path
		}
	}
	u.RawQuery = r.subst(e.Query)
	dctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	conn, resp, err := websocket.DefaultDialer.DialContext(dctx, u.String(), nil)
	if err != nil {
		status := "no answer"
		if resp != nil {
			status = strconv.Itoa(resp.StatusCode)
		}
		r.res.Diffs = append(r.res.Diffs, Difference{Where: where, Field: "open", Recorded: "opened", Now: "refused (" + status + ")"})
		return
	}
	conn.SetReadLimit(maxAnswer)
	s := &socket{conn: conn, frames: make(chan []byte, 4096)}
	r.sockets[e.Socket] = s
	go func() {
		defer close(s.frames)
		for {
			_, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			if !heartbeat(msg) {
				s.frames <- msg
			}
		}
	}()
}

// heartbeat: a frame that only keeps the socket alive, sent when the
// timing says so, never compared.
func heartbeat(msg []byte) bool {
	return bytes.Contains(msg, []byte(`"type":"Heartbeat"`))
}

func (r *run) frame(e proxy.Entry) {
	s := r.sockets[e.Socket]
	if s == nil {
		return // its open already failed, and said so
	}
	if e.From == proxy.FromClient {
		typ, data := websocket.TextMessage, []byte(r.subst(string(e.Body.Bytes())))
		if e.Binary {
			typ = websocket.BinaryMessage
			data, _ = base64.StdEncoding.DecodeString(e.Body.Text)
		}
		_ = s.conn.WriteMessage(typ, data)
		return
	}
	if heartbeat(e.Body.Bytes()) {
		return
	}
	r.res.Frames++
	s.n++
	c := r.comparer("socket " + strconv.Itoa(e.Socket) + " server frame " + strconv.Itoa(s.n) + " (#" + strconv.Itoa(e.Seq) + ")")
	timer := time.NewTimer(r.opts.Timeout)
	defer timer.Stop()
	select {
	case msg, ok := <-s.frames:
		if !ok {
			c.diff("frame", json.RawMessage(orNull(e.Body.Bytes())), "the socket closed")
			break
		}
		c.compareBodies("frame", e.Body, msg)
	case <-timer.C:
		c.diff("frame", json.RawMessage(orNull(e.Body.Bytes())), "nothing within "+r.opts.Timeout.String())
	}
	r.add(c)
}

func (r *run) closeSocket(n int) {
	if s := r.sockets[n]; s != nil {
		_ = s.conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
		s.conn.Close()
		delete(r.sockets, n)
	}
}

func (r *run) closeSockets() {
	for n := range r.sockets {
		r.closeSocket(n)
	}
}
