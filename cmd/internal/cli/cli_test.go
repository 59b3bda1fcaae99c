package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// Rule: help goes to stdout and exits 0; a usage error goes to stderr and
// exits 2; --version prints the name and a version. Source: issue 17,
// "Command line".
func TestHelpVersionAndErrors(t *testing.T) {
	newFlags := func() *Flags {
		f := NewFlags("demo", "usage: demo [flags]")
		f.StringP("target", "t", "x", "where")
		return f
	}
	for _, c := range []struct {
		args      []string
		code      int
		done      bool
		out, errs string
	}{
		{[]string{"-h"}, 0, true, "--target", ""},
		{[]string{"--help"}, 0, true, "-t, --target", ""},
		{[]string{"--version"}, 0, true, "demo ", ""},
		{[]string{"--nope"}, 2, true, "", "unknown flag: --nope"},
		{[]string{"-t", "y"}, 0, false, "", ""},
	} {
		var out, errs bytes.Buffer
		code, done := newFlags().Parse(c.args, &out, &errs)
		if code != c.code || done != c.done || !strings.Contains(out.String(), c.out) || !strings.Contains(errs.String(), c.errs) {
			t.Errorf("%v: code %d done %v stdout %q stderr %q", c.args, code, done, out.String(), errs.String())
		}
		if c.out == "" && out.Len() > 0 {
			t.Errorf("%v wrote to stdout: %q", c.args, out.String())
		}
	}
}

// Rule: colour only on a terminal, never with NO_COLOR set (no-color.org).
// Source: issue 17, "Command line".
func TestColourOnlyOnATerminalWithoutNoColor(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	if Colour(&bytes.Buffer{}, env("")) {
		t.Error("colour to a buffer")
	}
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if Colour(f, env("")) {
		t.Error("colour to a regular file")
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if Colour(tty, env("1")) {
			t.Error("colour with NO_COLOR=1")
		}
	}
}
