package main

import (
	"context"
	"strings"
	"testing"
)

// Rule (issue 7, "Isolation and auth"): pbxsim listens on loopback unless
// told otherwise, so a simulator with well-known credentials is not
// reachable from the network by default. The default of --addr is what
// --help shows.
func TestPbxsimListensOnLoopbackByDefault(t *testing.T) {
	var out, errOut syncBuffer
	if code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), []string{"--help"}); code != exitOK {
		t.Fatalf("--help exited %d: %s", code, errOut.String())
	}
	help := errOut.String() + out.String()
	i := strings.Index(help, "-addr")
	if i < 0 {
		t.Fatalf("--help does not list --addr:\n%s", help)
	}
	line := help[i:]
	if j := strings.Index(line, "\n  -"); j >= 0 {
		line = line[:j]
	}
	if !strings.Contains(line, `(default "127.0.0.1:8080")`) {
		t.Fatalf("the default listen address is not loopback 127.0.0.1:8080:\n%s", line)
	}
}
