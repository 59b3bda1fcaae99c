package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/contract"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/proxy"
	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

const replayScenario = "../../simulator/proxy/testdata/rc-call-out.yaml"

// recordCallOut records, through the proxy in front of a pbxsim with no
// control API, Agent J logging in, calling out to 103 and dropping the
// call, and returns the recording directory.
func recordCallOut(t *testing.T) string {
	t.Helper()
	yaml, err := os.ReadFile(replayScenario)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(replayScenario, yaml)
	if err != nil {
		t.Fatal(err)
	}
	up, err := pbxsim.New(pbxsim.Config{Scenario: sc, NoControl: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := up.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = up.Shutdown(context.Background()) }()
	dir := t.TempDir()
	rec, err := proxy.NewRecorder(dir, proxy.SessionInfo{Upstream: up.URL(), ScenarioFile: replayScenario, Scenario: yaml})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(up.URL())
	p, err := proxy.New(proxy.Config{Upstream: u, Recorder: rec, Matchers: []contract.Matcher{ringcentral.MatchContract}})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := rc.New(rc.Config{ServerURL: front.URL, ClientID: "pbxsim-client", ClientSecret: "pbxsim-secret", JWT: "jwt-102"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := c.CallOut(ctx, rc.Caller{DeviceID: "801536579005"}, rc.Callee{ExtensionNumber: "103"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Drop(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	front.Close()
	p.Close()
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runReplay(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), append([]string{"replay"}, args...))
	return code, out.String(), errOut.String()
}

// Rule: xfer-conform replay DIR exits 0 when pbxsim answers a recorded
// session as recorded, and 1 with a readable diff (which exchange, which
// field, recorded vs now) when pbxsim's world changed; 5 when DIR holds no
// session, 2 without an argument.
// Source: issue 15 item 3 (recordings replay as golden flows); docs/ci.md
// exit codes.
func TestReplayCommand(t *testing.T) {
	dir := recordCallOut(t)
	if code, out, errOut := runReplay(t, dir); code != ExitPass || !strings.Contains(out, ": ok") {
		t.Fatalf("replay: exit %d\n%s%s", code, out, errOut)
	}
	yaml, _ := os.ReadFile(replayScenario)
	changed := filepath.Join(t.TempDir(), "renamed.yaml")
	if err := os.WriteFile(changed, bytes.ReplaceAll(yaml, []byte("name: Agent K\n"), []byte("name: Agent Kay\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runReplay(t, "--scenario", changed, dir)
	if code != ExitFailed || !strings.Contains(out, `POST /restapi/v1.0/account/~/telephony/call-out: body.session.parties[0].to.name: recorded "Agent K", now "Agent Kay"`) {
		t.Fatalf("replay against a renamed callee: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, _ := runReplay(t, t.TempDir()); code != ExitNoScenario {
		t.Errorf("an empty directory: exit %d, want %d", code, ExitNoScenario)
	}
	if code, _, _ := runReplay(t); code != ExitUsage {
		t.Errorf("no argument: exit %d, want %d", code, ExitUsage)
	}
}
