package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// A small run of both benchmarks prints the figures the issue asks for:
// the ratio against bare net/http and the flatness check, and the fan-out
// table against the bare broadcaster (issue 16 items 2 and 4). It checks
// that the figures are printed, never what they are: speed is for the
// benchmark, not for tests.
func TestSmallRunPrintsRatioFlatnessAndFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("benchmark run skipped in -short mode")
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--requests", "300", "--workers", "2", "--subscribers", "3", "--rounds", "2", "--calls", "1"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("pbxbench: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"ratio pbxsim / bare:", "flatness, pbxsim's last 30 requests against its first 30", "| pbxsim |", "| bare net/http |",
		"## Fan-out: 3 WebSocket subscribers", "p99 pbxsim / bare over all rounds:", "| 2 |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// -h is an answer: usage on stdout, exit 0.
func TestHelpExitsZero(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "-requests") {
		t.Errorf("pbxbench -h: exit %d, stdout %q", code, out.String())
	}
}
