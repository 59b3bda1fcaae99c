// Package cli holds the command-line conventions every command of this
// module follows (pbxsim, pbxload, xfer-conform, stepdoc): GNU-style flags
// from spf13/pflag, help on stdout with exit 0, usage errors on stderr
// with exit 2, --version from the binary's build information, and colour
// only on a terminal and never with NO_COLOR set.
//
//	fs := cli.NewFlags("pbxsim", "usage: pbxsim [flags]\n\nA stateful fake PBX.")
//	addr := fs.StringP("addr", "a", "127.0.0.1:8080", "listen address")
//	if code, done := fs.Parse(args, stdout, stderr); done {
//		return code
//	}
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/pflag"
)

// Exit codes shared by the commands.
const (
	ExitOK    = 0
	ExitUsage = 2
)

// Flags is a pflag set with the conventions of this module: --help (-h)
// and --version are always defined.
type Flags struct {
	*pflag.FlagSet
	name, about string
	version     *bool
}

// NewFlags returns the flag set of command name; about heads its help.
func NewFlags(name, about string) *Flags {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard) // help and errors are written by Parse
	f := &Flags{FlagSet: fs, name: name, about: about}
	f.version = fs.Bool("version", false, "print the version and exit")
	fs.BoolP("help", "h", false, "print this help and exit")
	return f
}

// Help renders the help text: about, then every flag.
func (f *Flags) Help() string {
	return strings.TrimRight(f.about, "\n") + "\n\nFlags:\n" + f.FlagUsages()
}

// Parse parses args. done says the command should return code now: after
// --help (stdout, 0), --version (stdout, 0) or a usage error (stderr, 2).
func (f *Flags) Parse(args []string, stdout, stderr io.Writer) (code int, done bool) {
	err := f.FlagSet.Parse(args)
	switch {
	case errors.Is(err, pflag.ErrHelp):
		fmt.Fprint(stdout, f.Help())
		return ExitOK, true
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n%s --help lists the flags\n", f.name, err, f.name)
		return ExitUsage, true
	}
	if h, _ := f.GetBool("help"); h {
		fmt.Fprint(stdout, f.Help())
		return ExitOK, true
	}
	if *f.version {
		fmt.Fprintln(stdout, Version(f.name))
		return ExitOK, true
	}
	return ExitOK, false
}

// Version is "NAME VERSION" from the binary's build information: the
// module version when installed with go install, "(devel)" when built
// from a checkout, with the VCS revision and Go version when known.
func Version(name string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return name + " (no build information)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty, at string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
			if len(rev) > 12 {
				rev = rev[:12]
			}
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		case "vcs.time":
			at = " " + s.Value
		}
	}
	out := name + " " + v
	if rev != "" {
		out += " (" + rev + dirty + at + ")"
	}
	return out + " " + bi.GoVersion
}

// Colour says whether output to w may carry ANSI colour: only when w is a
// terminal and NO_COLOR is unset or empty (no-color.org). getenv nil
// means os.Getenv.
func Colour(w io.Writer, getenv func(string) string) bool {
	if getenv == nil {
		getenv = os.Getenv
	}
	if getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
