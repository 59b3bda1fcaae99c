package proxy_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/contract"
	"github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/proxy"
	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

const scenarioFile = "testdata/rc-call-out.yaml"

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// upstream starts a pbxsim like `pbxsim --no-control --scenario file`.
func upstream(t *testing.T, file string) *pbxsim.Server {
	t.Helper()
	sc, err := scenario.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := pbxsim.New(pbxsim.Config{Scenario: sc, NoControl: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return srv
}

// recording is a proxy in front of an upstream, recording into a
// temporary directory.
type recording struct {
	proxy    *proxy.Proxy
	server   *httptest.Server
	rec      *proxy.Recorder
	findings *syncBuffer
}

func startProxy(t *testing.T, up string, info proxy.SessionInfo, cfg proxy.Config) *recording {
	t.Helper()
	u, err := url.Parse(up)
	if err != nil {
		t.Fatal(err)
	}
	info.Upstream = up
	rec, err := proxy.NewRecorder(t.TempDir(), info)
	if err != nil {
		t.Fatal(err)
	}
	findings := &syncBuffer{}
	cfg.Upstream, cfg.Recorder, cfg.Findings = u, rec, findings
	if cfg.Matchers == nil {
		cfg.Matchers = []contract.Matcher{ringcentral.MatchContract, netsapiens.MatchContract}
	}
	p, err := proxy.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &recording{proxy: p, server: httptest.NewServer(p), rec: rec, findings: findings}
	t.Cleanup(r.stop)
	return r
}

// stop ends the proxy and closes the recording.
func (r *recording) stop() {
	r.server.Close()
	r.proxy.Close()
	_ = r.rec.Close()
}

func (r *recording) entries(t *testing.T) []proxy.Entry {
	t.Helper()
	r.stop()
	if err := r.rec.Err(); err != nil {
		t.Fatal(err)
	}
	e, err := proxy.ReadSession(r.rec.Path())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// callOutSession drives a RingCentral session through base with vendor
// calls only, as the reference client makes them: Agent J (102) and Agent
// K (103) log in and subscribe over the WebSocket; J reads the extension
// and calls out to 103, whose phone answers by itself; K's notifications
// show the answer; J drops the session and both see it end.
func callOutSession(t *testing.T, base string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	login := func(jwt string) (*rc.Client, *rc.Subscription, *rc.Desk) {
		c, err := rc.New(rc.Config{ServerURL: base, ClientID: "pbxsim-client", ClientSecret: "pbxsim-secret", JWT: jwt})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Login(ctx); err != nil {
			t.Fatal(err)
		}
		sub, err := c.Subscribe(ctx, rc.SubscribeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		desk := rc.NewDesk(c.OwnerID())
		go desk.Follow(sub)
		return c, sub, desk
	}
	j, subJ, deskJ := login("jwt-102")
	_, subK, deskK := login("jwt-103")
	if _, err := j.Extension(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := j.CallOut(ctx, rc.Caller{DeviceID: "801536579005"}, rc.Callee{ExtensionNumber: "103"})
	if err != nil {
		t.Fatal(err)
	}
	await := func(desk *rc.Desk, who, code string) {
		t.Helper()
		err := desk.Wait(ctx, who+"'s party "+code, func() bool {
			p, ok := desk.MyParty(s.ID)
			return ok && p.Status.Code == code
		})
		if err != nil {
			t.Fatalf("%v\n%s", err, desk.Describe())
		}
	}
	await(deskK, "Agent K", "Answered")
	await(deskJ, "Agent J", "Answered")
	if err := j.Drop(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	await(deskJ, "Agent J", "Disconnected")
	await(deskK, "Agent K", "Disconnected")
	_ = subJ.Close()
	_ = subK.Close()
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
