package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
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
	for _, args := range [][]string{{"--duration", "11m"}, {"--workers", "0"}, {"--workers", "65"}, {"--nope"}} {
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
