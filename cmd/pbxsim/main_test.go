package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

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

// start runs the real program in-process on port 0 and returns its URL.
func start(t *testing.T, args ...string) (string, *syncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	ready := make(chan *pbxsim.Server, 1)
	exit := make(chan int, 1)
	m := &Main{Stdout: out, Stderr: errOut, Ready: func(s *pbxsim.Server) { ready <- s }}
	go func() { exit <- m.Run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...)) }()
	select {
	case srv := <-ready:
		stop := func() int { cancel(); return <-exit }
		t.Cleanup(func() { cancel() })
		return srv.URL(), out, stop
	case code := <-exit:
		cancel()
		t.Fatalf("pbxsim exited with %d before listening; stderr: %s", code, errOut.String())
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatalf("pbxsim did not start within 10s; stdout %q stderr %q", out.String(), errOut.String())
	}
	return "", nil, nil
}

// Issue 2: on start pbxsim prints one line "listening on http://HOST:PORT",
// serves the control API, and shuts down gracefully when signalled.
func TestPbxsimStartsPrintsAddressAndStops(t *testing.T) {
	url, out, stop := start(t)
	if !regexp.MustCompile(`^listening on http://127\.0\.0\.1:\d+\n$`).MatchString(out.String()) {
		t.Fatalf("stdout = %q", out.String())
	}
	resp, err := http.Get(url + "/sim/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("health = %d", resp.StatusCode)
	}
	// A call created with the control API shows up in GET /sim/v1/calls (issue 2, done-when).
	resp, err = http.Post(url+"/sim/v1/calls", "application/json", strings.NewReader(`{"from":"+15555555555","to":"+11111111111"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("create call = %d", resp.StatusCode)
	}
	resp, err = http.Get(url + "/sim/v1/calls")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Calls []struct{ ID string } `json:"calls"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list.Calls) != 1 {
		t.Fatalf("calls = %+v", list.Calls)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d after shutdown", code)
	}
	if _, err := http.Get(url + "/sim/v1/health"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}

// Issue 2: a malformed scenario is refused at start with the file, line and reason.
func TestPbxsimRefusesMalformedScenario(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(p, []byte("netsapiens:\n  domains:\n    - name: TEST\n      users:\n        - id: abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut syncBuffer
	code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), []string{"--addr", "127.0.0.1:0", "--scenario", p})
	if code != exitUsage {
		t.Fatalf("exit = %d, want %d", code, exitUsage)
	}
	if want := p + ":5: user id \"abc\" must be 1 to 8 digits"; !strings.Contains(errOut.String(), want) {
		t.Fatalf("stderr = %q, want it to contain %q", errOut.String(), want)
	}
}

// The control API can be switched off (a pbxsim that looks like a tenant)
// or protected with a token.
func TestPbxsimControlModes(t *testing.T) {
	url, _, _ := start(t, "--no-control")
	resp, err := http.Get(url + "/sim/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("with --no-control, health = %d, want 404", resp.StatusCode)
	}
	url, _, _ = start(t, "--control-token", "s3cret")
	resp, err = http.Get(url + "/sim/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("without token, health = %d, want 401", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", url+"/sim/v1/health", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("with token, health = %d", resp.StatusCode)
	}
}

func TestPbxsimUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--clock", "sundial"}, {"stray"}, {"--nope"}} {
		var out, errOut syncBuffer
		if code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), args); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, exitUsage, errOut.String())
		}
	}
}

// Issue 17 item 6: help goes to stdout and exits 0, --version prints the
// build's version, flags are GNU-style (--addr, -a).
func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"--version"}} {
		var out, errOut bytes.Buffer
		code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), args)
		if code != exitOK || errOut.Len() > 0 || !(strings.Contains(out.String(), "-a, --addr") || strings.HasPrefix(out.String(), "pbxsim ")) {
			t.Errorf("%v: exit %d stdout %q stderr %q", args, code, out.String(), errOut.String())
		}
	}
}

// Rule: a scenario whose fault rule has a pathRegex that fails once
// anchored is refused with FILE:LINE and exit 2, not a panic.
// Source: issue 10 item 12.
func TestPbxsimRefusesBadPathRegexWithLine(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "faults.yaml")
	text := string(scenario.DefaultYAML()) + "\nfaults:\n  - match: {pathRegex: '/restapi/\\Q.'}\n    action: {status: 503}\n"
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut syncBuffer
	code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), []string{"--addr", "127.0.0.1:0", "--scenario", p})
	if code != exitUsage || !regexp.MustCompile(regexp.QuoteMeta(p)+`:\d+: .*match\.pathRegex`).MatchString(errOut.String()) {
		t.Fatalf("exit %d, stderr %q; want %d and %s:LINE naming match.pathRegex", code, errOut.String(), exitUsage, p)
	}
}

// Rule: a non-loopback --addr with the control API on and no control
// token is refused with a clear message and exit 2, unless
// --allow-open-control says so; --no-control or a token make it safe.
// Source: issue 10 item 3.
func TestPbxsimRefusesAnOpenControlAPI(t *testing.T) {
	var out, errOut syncBuffer
	code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), []string{"--addr", "0.0.0.0:0"})
	if code != exitUsage || !strings.Contains(errOut.String(), "--allow-open-control") || !strings.Contains(errOut.String(), "--control-token") {
		t.Fatalf("open control API: exit %d, stderr %q; want %d and a message naming --control-token and --allow-open-control", code, errOut.String(), exitUsage)
	}
	for _, addr := range []string{":0", "[::]:0", "pbxsim.example:0"} {
		if isLoopback(addr) {
			t.Errorf("%s counts as loopback", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0", "127.0.0.2:8080"} {
		if !isLoopback(addr) {
			t.Errorf("%s does not count as loopback", addr)
		}
	}
	for _, args := range [][]string{{"--allow-open-control"}, {"--control-token", "s3cret"}, {"--no-control"}} {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errOut syncBuffer
		m := &Main{Stdout: &out, Stderr: &errOut, Ready: func(*pbxsim.Server) { cancel() }}
		if code := m.Run(ctx, append([]string{"--addr", "0.0.0.0:0"}, args...)); code != exitOK {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut.String())
		}
		cancel()
	}
}

// Rule: --webhook-host (repeatable) adds delivery hosts to the scenario's
// webhookHosts before the dialects are built. Source: issue 10 item 17.
func TestPbxsimWebhookHostFlag(t *testing.T) {
	url, _, _ := start(t, "--webhook-host", "receiver.internal", "--webhook-host", "10.0.0.7,hooks.test")
	resp, err := http.Get(url + "/sim/v1/scenario")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sc struct {
		WebhookHosts []string `json:"webhookHosts"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&sc)
	if strings.Join(sc.WebhookHosts, " ") != "receiver.internal 10.0.0.7 hooks.test" {
		t.Fatalf("webhookHosts = %q", sc.WebhookHosts)
	}
	var out, errOut syncBuffer
	if code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), []string{"--webhook-host", "http://x/"}); code != exitUsage {
		t.Fatalf("a URL as --webhook-host: exit %d, want %d", code, exitUsage)
	}
}
