package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// startProxy runs "pbxsim proxy" in-process on port 0.
func startProxy(t *testing.T, args ...string) (string, *syncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	ready := make(chan string, 1)
	exit := make(chan int, 1)
	m := &Main{Stdout: out, Stderr: errOut, ProxyReady: func(u string) { ready <- u }}
	go func() { exit <- m.Run(ctx, append([]string{"proxy", "--addr", "127.0.0.1:0"}, args...)) }()
	select {
	case u := <-ready:
		t.Cleanup(cancel)
		return u, errOut, func() int { cancel(); return <-exit }
	case code := <-exit:
		cancel()
		t.Fatalf("pbxsim proxy exited with %d before listening; stderr: %s", code, errOut.String())
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatalf("pbxsim proxy did not start within 10s; stderr %q", errOut.String())
	}
	return "", nil, nil
}

// Rule: pbxsim proxy forwards to a pbxsim started with --no-control,
// prints each contract finding of the live traffic on stderr, and with
// --record writes a session file with the secrets redacted and the
// scenario embedded.
// Source: issue 15 item 3.
func TestProxyCommandForwardsJudgesAndRecords(t *testing.T) {
	up, _, stopUp := start(t, "--no-control")
	defer stopUp()
	dir := t.TempDir()
	scenarioFile := filepath.Join(dir, "world.yaml")
	if err := os.WriteFile(scenarioFile, scenario.DefaultYAML(), 0o600); err != nil {
		t.Fatal(err)
	}
	recDir := filepath.Join(dir, "rec")
	u, errOut, stop := startProxy(t, "--upstream", up, "--record", recDir, "--scenario", scenarioFile)

	resp, err := http.Post(u+"/ns-api/v2/tokens", "application/x-www-form-urlencoded",
		strings.NewReader("grant_type=password&client_id=pbxsim-ns-client&client_secret=pbxsim-ns-secret&username=1000@TEST&password=pbxsim"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "access_token") {
		t.Fatalf("token through the proxy: %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodPatch, u+"/ns-api/v2/domains/TEST/users/1000/calls/x/transfer",
		strings.NewReader(`{"hostname":"core1-pbxsim.netsapiens.test","call-destination-session-id":"y","call-term-user":"1010"}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code := stop(); code != exitOK {
		t.Fatalf("proxy exit %d; stderr %s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "contract finding ns-transfer-call-term-user on PATCH .../calls/{call_id}/transfer") {
		t.Fatalf("stderr lacks the finding:\n%s", errOut.String())
	}
	files, _ := filepath.Glob(filepath.Join(recDir, "*.jsonl"))
	if len(files) != 1 {
		t.Fatalf("recording files: %v", files)
	}
	rec, _ := os.ReadFile(files[0])
	token := strings.Split(strings.Split(string(body), `"access_token":"`)[1], `"`)[0]
	// The session line embeds the scenario (that world's credentials);
	// the exchanges hold no secret.
	for _, line := range strings.Split(string(rec), "\n") {
		if !strings.Contains(line, `"kind":"exchange"`) {
			continue
		}
		for _, secret := range []string{"pbxsim-ns-secret", "password=pbxsim", token} {
			if strings.Contains(line, secret) {
				t.Errorf("a recorded exchange holds the secret %q:\n%s", secret, line)
			}
		}
	}
	if !strings.Contains(string(rec), `"scenarioFile":"`+scenarioFile) || !strings.Contains(string(rec), "ns-transfer-call-term-user") {
		t.Errorf("the recording lacks the scenario or the finding")
	}
}

// Rule: pbxsim proxy without a usable --upstream is a usage error (2).
// Source: docs/ci.md conventions (usage errors exit 2).
func TestProxyCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"proxy"}, {"proxy", "--upstream", "ftp://x"}, {"proxy", "--upstream", "http://x", "--scenario", "a.yaml"}, {"proxy", "--upstream", "http://x", "extra"}, {"proxy", "--upstream", "http://x", "--webhook-relay", "x"}} {
		m := &Main{Stdout: io.Discard, Stderr: io.Discard}
		if code := m.Run(context.Background(), args); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
