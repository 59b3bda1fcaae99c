package proxy

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xfer-conform/xfer-conform/simulator/contract"
)

// DefaultMaxBody bounds the bytes of one body the proxy holds to judge
// and record it; a longer body is still forwarded whole, recorded cut and
// not judged.
const DefaultMaxBody = 1 << 20

// Config configures a Proxy.
type Config struct {
	// Upstream is the tenant's or pbxsim's base URL (http or https).
	Upstream *url.URL
	// Matchers find a request's contract, tried in order (one per
	// dialect: ringcentral.MatchContract, netsapiens.MatchContract).
	Matchers []contract.Matcher
	// Findings receives one line per contract finding (Finding.Note);
	// nil: findings are only recorded.
	Findings io.Writer
	// Recorder, when set, records every exchange and frame.
	Recorder *Recorder
	// MaxBody bounds each body held for the check and the record
	// (default DefaultMaxBody).
	MaxBody int64
	// Transport sends the forwarded requests (default
	// http.DefaultTransport).
	Transport http.RoundTripper
	// WebhookRelay, when set, is the integration's own webhook receiver:
	// webhooks the vendor delivers to PROXY/.pbxsim-proxy/webhook[/REST]
	// are forwarded to WebhookRelay[/REST] and recorded (the integration
	// registers the proxy's address instead of its own).
	WebhookRelay *url.URL
	// Dialer opens the upstream WebSockets (default: websocket.DefaultDialer
	// with a 10s handshake timeout).
	Dialer *websocket.Dialer
}

// Proxy forwards HTTP and WebSocket traffic to one upstream.
type Proxy struct {
	cfg     Config
	rp      *httputil.ReverseProxy
	relay   *httputil.ReverseProxy // webhooks, with WebhookRelay
	secrets secrets

	mu      sync.Mutex
	wsHosts map[string]bool // hosts a rewritten wstoken uri named
	conns   sync.WaitGroup
	closing chan struct{}
	closed  bool
}

type exchangeKey struct{}

// exchange is one request in flight.
type exchange struct {
	kind     string // KindExchange or KindWebhook
	seq      int
	start    time.Time
	req      Request
	findings []string
	proxyURL *url.URL // the proxy as the client reached it (wstoken rewrite)
	recorded bool
}

// New checks the config and returns a proxy.
func New(cfg Config) (*Proxy, error) {
	u := cfg.Upstream
	if u == nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("proxy: the upstream must be an http:// or https:// URL")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Dialer == nil {
		cfg.Dialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second, Proxy: http.ProxyFromEnvironment}
	}
	p := &Proxy{cfg: cfg, wsHosts: map[string]bool{u.Host: true}, closing: make(chan struct{})}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = u.Host
		},
		Transport:      cfg.Transport,
		ModifyResponse: p.modifyResponse,
		ErrorHandler:   p.upstreamError,
		// stderr is for findings; a client that leaves mid-answer is not one.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	if wr := cfg.WebhookRelay; wr != nil {
		if (wr.Scheme != "http" && wr.Scheme != "https") || wr.Host == "" {
			return nil, errors.New("proxy: the webhook relay must be an http:// or https:// URL")
		}
		p.relay = &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.Out.URL.Path = strings.TrimPrefix(pr.In.URL.Path, WebhookPath)
				pr.Out.URL.RawPath = ""
				pr.SetURL(wr)
				pr.Out.Host = wr.Host
			},
			Transport: cfg.Transport, ModifyResponse: p.modifyResponse, ErrorHandler: p.upstreamError,
			ErrorLog: log.New(io.Discard, "", 0),
		}
	}
	return p, nil
}

// WebhookPath is where the proxy takes webhooks for its WebhookRelay.
const WebhookPath = "/.pbxsim-proxy/webhook"

// isWebhook: a delivery for the webhook relay.
func (p *Proxy) isWebhook(r *http.Request) bool {
	return p.relay != nil && (r.URL.Path == WebhookPath || strings.HasPrefix(r.URL.Path, WebhookPath+"/"))
}

// ServeHTTP forwards one request (or WebSocket) to the upstream.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		// A bug in the proxy must not take the process (and the
		// integration's traffic) down; net/http's abort is passed on.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			http.Error(w, fmt.Sprintf("pbxsim proxy: internal error: %v", v), http.StatusBadGateway)
		}
	}()
	if websocket.IsWebSocketUpgrade(r) {
		p.serveWebSocket(w, r)
		return
	}
	ex := &exchange{kind: KindExchange, start: time.Now(), proxyURL: &url.URL{Scheme: "http", Host: r.Host}}
	if r.TLS != nil {
		ex.proxyURL.Scheme = "https"
	}
	if rec := p.cfg.Recorder; rec != nil {
		ex.seq = rec.next()
	}
	body, truncated, err := p.readBody(r)
	if err != nil {
		http.Error(w, "pbxsim proxy: reading the request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	forward := p.rp
	if p.isWebhook(r) {
		// From the vendor to the integration: no request contract.
		ex.kind, forward = KindWebhook, p.relay
	} else {
		ex.findings = p.check(r, body, truncated)
	}
	ex.req = Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: p.secrets.values(r.URL.RawQuery),
		Header: p.headers(r.Header), Body: p.secrets.body(r.Header.Get("Content-Type"), body, truncated)}
	forward.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), exchangeKey{}, ex)))
}

// readBody reads up to MaxBody of the body and puts it back in front of
// the rest, so the upstream gets it whole.
func (p *Proxy) readBody(r *http.Request) ([]byte, bool, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, false, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, p.cfg.MaxBody+1))
	if err != nil {
		return nil, false, err
	}
	truncated := int64(len(b)) > p.cfg.MaxBody
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), r.Body), r.Body}
	if truncated {
		b = b[:p.cfg.MaxBody]
	}
	return b, truncated, nil
}

// check judges a request body against its operation's contract.
func (p *Proxy) check(r *http.Request, body []byte, truncated bool) []string {
	if len(body) == 0 || truncated {
		return nil
	}
	for _, match := range p.cfg.Matchers {
		op, params, ok := match(r.Method, r.URL.Path)
		if !ok {
			continue
		}
		raw := body
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
			raw = formAsJSON(body)
		}
		var notes []string
		for _, f := range op.Check(raw, params) {
			n := f.Note()
			notes = append(notes, n)
			if p.cfg.Findings != nil {
				fmt.Fprintln(p.cfg.Findings, n)
			}
		}
		return notes
	}
	return nil
}

// formAsJSON is a form body as the JSON object of its first values, as
// the NetSapiens dialect judges forms.
func formAsJSON(b []byte) []byte {
	v, err := url.ParseQuery(string(b))
	if err != nil {
		return b
	}
	m := map[string]string{}
	for k := range v {
		m[k] = v.Get(k)
	}
	out, _ := json.Marshal(m)
	return out
}

// recordedHeaders are the headers a recording keeps (Authorization
// redacted); the rest are transport detail.
var recordedHeaders = []string{"Content-Type", "Accept", "Authorization", "X-User-Agent", "Location",
	"Retry-After", "WWW-Authenticate", "RCRequestId", "X-Rate-Limit-Group", "X-Rate-Limit-Limit",
	"X-Rate-Limit-Remaining", "X-Rate-Limit-Window", "Validation-Token", "Verification-Token"}

func (p *Proxy) headers(h http.Header) map[string]string {
	var out map[string]string
	for _, k := range recordedHeaders {
		v := h.Get(k)
		if v == "" {
			continue
		}
		switch {
		case k == "Authorization" || k == "WWW-Authenticate" && strings.Contains(strings.ToLower(v), "token"):
			v = p.secrets.authorization(v)
		case k == "Verification-Token": // a RingCentral webhook's shared secret
			v = p.secrets.ref(v)
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out
}

// modifyResponse holds the answer's body (up to MaxBody) to record it and
// rewrites a wstoken uri.
func (p *Proxy) modifyResponse(resp *http.Response) error {
	ex, _ := resp.Request.Context().Value(exchangeKey{}).(*exchange)
	if ex == nil {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, p.cfg.MaxBody+1))
	if err != nil {
		return err
	}
	truncated := int64(len(b)) > p.cfg.MaxBody
	rest := resp.Body
	recorded := b
	gzipped := strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip")
	switch {
	case truncated:
		recorded = b[:p.cfg.MaxBody]
	case gzipped:
		// The client asked for gzip and gets it; the recording (and the
		// wstoken rewrite) read the plain text.
		if plain, ok := p.gunzip(b); ok {
			recorded = plain
			if rewritten, ok := p.rewriteWSToken(resp, plain, ex.proxyURL); ok {
				b = rewritten
				resp.Header.Del("Content-Encoding")
				resp.ContentLength = int64(len(b))
				resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
			}
		}
	default:
		if rewritten, ok := p.rewriteWSToken(resp, b, ex.proxyURL); ok {
			b = rewritten
			resp.ContentLength = int64(len(b))
			resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
		}
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), rest), rest}
	p.record(ex, &Response{Status: resp.StatusCode, Header: p.headers(resp.Header),
		Body: p.secrets.body(resp.Header.Get("Content-Type"), recorded, truncated)}, "")
	return nil
}

// gunzip inflates a gzip body of at most MaxBody plain bytes.
func (p *Proxy) gunzip(b []byte) ([]byte, bool) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, false
	}
	plain, err := io.ReadAll(io.LimitReader(zr, p.cfg.MaxBody+1))
	if err != nil || int64(len(plain)) > p.cfg.MaxBody {
		return nil, false
	}
	return plain, true
}

// upstreamError answers 502 when the upstream could not be reached or
// its answer could not be read.
func (p *Proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	if ex, _ := r.Context().Value(exchangeKey{}).(*exchange); ex != nil {
		p.record(ex, nil, err.Error())
	}
	if errors.Is(err, context.Canceled) {
		return // the client left
	}
	http.Error(w, "pbxsim proxy: upstream: "+err.Error(), http.StatusBadGateway)
}

func (p *Proxy) record(ex *exchange, resp *Response, errText string) {
	rec := p.cfg.Recorder
	if rec == nil || ex.recorded {
		return
	}
	ex.recorded = true
	req := ex.req
	rec.write(Entry{Kind: ex.kind, Seq: ex.seq, T: rec.since(ex.start), Request: &req, Response: resp,
		Findings: ex.findings, Error: errText})
}

// Close ends the proxied WebSockets and waits for them.
func (p *Proxy) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.closing)
	}
	p.mu.Unlock()
	p.conns.Wait()
}
