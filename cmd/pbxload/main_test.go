package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// A short load run completes transfers of both vendors with zero errors,
// shuts pbxsim down with requests in flight, and leaves no goroutines or
// heap behind (issue 7, "Load and soak"). It asserts outcomes, not
// timings; figures come from `make soak` and go to docs/performance.md.
func TestShortLoadRunIsClean(t *testing.T) {
	if testing.Short() {
		t.Skip("load run skipped in -short mode")
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--duration", "3s", "--workers", "2"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("pbxload exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"ringcentral warm transfer:", "netsapiens attended transfer:", "- errors: 0", "requests in flight: 0 failed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// Bad flags are refused before anything starts.
func TestFlagsAreBounded(t *testing.T) {
	for _, args := range [][]string{{"--duration", "11m"}, {"--workers", "0"}, {"--workers", "257"}, {"--rc-driver", "desk"}, {"--nope"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// Issue 17 item 6: "pbxload -h exits 2": help goes to stdout and exits
// 0; --version too.
func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--version"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 0 || errOut.Len() > 0 || out.Len() == 0 {
			t.Errorf("%v: exit %d stdout %q stderr %q", args, code, out.String(), errOut.String())
		}
	}
}

// --target drives a pbxsim that runs elsewhere (here: started by the test
// from the world --write-scenario wrote), behind a control token, and
// reports transfers of both vendors with zero errors (issue 16 item 3).
func TestTargetModeDrivesARunningPbxsim(t *testing.T) {
	if testing.Short() {
		t.Skip("load run skipped in -short mode")
	}
	path := filepath.Join(t.TempDir(), "world.yaml")
	if code := run(context.Background(), []string{"--workers", "2", "--write-scenario", path}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("--write-scenario: exit %d", code)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(path, b)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := pbxsim.New(pbxsim.Config{Scenario: sc, ControlToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(context.Background())
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--duration", "2s", "--workers", "2", "--target", srv.URL(), "--control-token", "tok"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("pbxload --target: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"ringcentral warm transfer:", "netsapiens attended transfer:", "- errors: 0", "another process"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// --churn creates and drops calls, logins, sockets and subscriptions and
// samples pbxsim's footprint from /sim/v1/metrics: fresh, start, middle,
// end, after the settle time (issue 10, "Done when"). Outcomes only; the
// figures come from `make soak`.
func TestChurnSamplesTheFootprint(t *testing.T) {
	if testing.Short() {
		t.Skip("load run skipped in -short mode")
	}
	var out, errOut bytes.Buffer
	run(context.Background(), []string{"--churn", "--duration", "2s", "--warm-up", "1s", "--settle", "1ms", "--workers", "1"}, &out, &errOut)
	for _, want := range []string{"ringcentral churn iterations:", "netsapiens churn iterations:", "- errors: 0", "| fresh |", "| start |", "| middle |", "| end |", "| after 1ms |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s\n%s", want, out.String(), errOut.String())
		}
	}
}

// routeOf is how the labels were built: split the path, blank each
// segment after an ID's parent, join.
func routeOf(p string) string {
	parts := strings.Split(p, "/")
	for i, x := range parts {
		if i > 0 && idParent(parts[i-1]) {
			if x != "~" && x != "" && x != "count" {
				parts[i] = "*"
			}
		}
	}
	return strings.Join(parts, "/")
}

// Rule: the timing transport's label is the method and routeOf of the
// path, built without splitting it. Source: issue 16 (cheaper stats).
func TestRouteLabelIsMethodAndRouteOf(t *testing.T) {
	for _, p := range []string{"", "/", "//", "/restapi/v1.0/account/~/telephony/sessions/s-1/parties/p-1-2/hold",
		"/ns-api/v2/domains/TEST/users/1000/calls/c-1", "/sessions/", "/sessions//x", "/a/b/", "sessions/x", "/subscription/count",
		"/restapi/v1.0/account/37439510/extension/101/presence"} {
		if got, want := routeLabel("GET", p), "GET "+routeOf(p); got != want {
			t.Errorf("routeLabel(%q) = %q, want %q", p, got, want)
		}
	}
}

// --no-listeners drives the transfers alone: no subscriber that is not a
// worker is opened, and the report says so instead of judging them
// (issue 16 item 3: the transfer rate by itself).
func TestNoListenersDrivesTheTransfersAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("load run skipped in -short mode")
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--duration", "1s", "--workers", "1", "--only", "ringcentral", "--no-listeners"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("pbxload exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"- subscribers: none (--no-listeners", "ringcentral warm transfer:", "- errors: 0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "never reads") {
		t.Errorf("the report judges a stalled subscriber that was never opened:\n%s", out.String())
	}
}
