package proxy_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/proxy"
	"github.com/xfer-conform/xfer-conform/simulator/proxy/replay"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Rule: a session recorded through the proxy replays green against a fresh
// pbxsim with the same scenario, and a changed pbxsim behaviour shows up as
// a diff naming the exchange or frame, the field, the recorded and the
// current value.
// Source: issue 15 item 3 ("the proxy test shows a recorded session
// replayed green, and a changed pbxsim behaviour showing up as a diff").
func TestRecordedSessionReplaysGreenAndShowsAChange(t *testing.T) {
	up := upstream(t, scenarioFile)
	yaml := readFile(t, scenarioFile)
	r := startProxy(t, up.URL(), proxy.SessionInfo{ScenarioFile: scenarioFile, Scenario: yaml}, proxy.Config{})
	callOutSession(t, r.server.URL)
	entries := r.entries(t)

	kinds := map[string]int{}
	for _, e := range entries {
		kinds[e.Kind]++
	}
	if kinds[proxy.KindExchange] < 5 || kinds[proxy.KindWSOpen] != 2 || kinds[proxy.KindWSFrame] < 10 {
		t.Fatalf("recording has %v; want the REST exchanges, one socket and its frames", kinds)
	}
	if strings.TrimSpace(r.findings.String()) != "" {
		t.Errorf("the reference client's requests yielded findings:\n%s", r.findings.String())
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := replay.Session(ctx, entries, replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("replay against the same scenario differs:\n%s", diffs(res))
	}
	if res.Exchanges < 7 || res.Frames < 10 {
		t.Fatalf("replay compared %d exchanges and %d frames", res.Exchanges, res.Frames)
	}

	// The same recording against a pbxsim whose world changed: Agent K is
	// renamed, so every answer and notification naming the callee differs.
	changed, err := scenario.Parse("renamed", bytes.ReplaceAll(yaml, []byte("name: Agent K\n"), []byte("name: Agent Kay\n")))
	if err != nil {
		t.Fatal(err)
	}
	res, err = replay.Session(ctx, entries, replay.Options{Scenario: changed, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() {
		t.Fatal("replay against the renamed callee matched the recording")
	}
	t.Logf("replay against the renamed callee (%d exchanges, %d frames):\n%s", res.Exchanges, res.Frames, diffs(res))
	var exchange, frame bool
	for _, d := range res.Diffs {
		if d.Recorded == `"Agent K"` && d.Now == `"Agent Kay"` {
			exchange = exchange || strings.HasPrefix(d.Where, "exchange #")
			frame = frame || strings.HasPrefix(d.Where, "socket ")
		}
	}
	if !exchange || !frame {
		t.Fatalf("want diffs showing Agent K renamed in an answer and in a notification, got:\n%s", diffs(res))
	}
}

// Rule: a changed behaviour, not only a changed name, shows up: when the
// callee's phone rejects instead of answering, the replay names the frame
// whose party status was Answered.
// Source: issue 15 item 3 (a changed pbxsim behaviour shows up as a diff).
func TestReplayShowsAChangedAnswerPolicy(t *testing.T) {
	up := upstream(t, scenarioFile)
	yaml := readFile(t, scenarioFile)
	r := startProxy(t, up.URL(), proxy.SessionInfo{ScenarioFile: scenarioFile, Scenario: yaml}, proxy.Config{})
	callOutSession(t, r.server.URL)
	entries := r.entries(t)
	rejects, err := scenario.Parse("rejects", bytes.ReplaceAll(yaml, []byte("mode: answer"), []byte("mode: reject")))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := replay.Session(ctx, entries, replay.Options{Scenario: rejects, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Diffs {
		if strings.HasPrefix(d.Where, "socket 2 server frame") && strings.HasSuffix(d.Field, ".status.code") && d.Recorded == `"Answered"` {
			return
		}
	}
	t.Fatalf("no diff shows Agent K's party no longer Answered:\n%s", diffs(res))
}

func diffs(res replay.Result) string {
	var b strings.Builder
	for _, d := range res.Diffs {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}
