package faults

import (
	"regexp"
	"strings"
)

// Glob compiles a path glob: * matches within one path segment, **
// across segments; everything else is literal. The whole path must match.
// It is for the dialects' own operation tables and panics on a pattern
// that cannot compile; a user's glob goes through compileGlob.
func Glob(pattern string) *regexp.Regexp {
	re, err := compileGlob(pattern)
	if err != nil {
		panic("faults: operation glob " + pattern + ": " + err.Error())
	}
	return re
}

// compileGlob compiles a glob from user input (a fault rule's match.path).
func compileGlob(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pattern); {
		switch {
		case strings.HasPrefix(pattern[i:], "**"):
			b.WriteString(".*")
			i += 2
		case pattern[i] == '*':
			b.WriteString("[^/]*")
			i++
		default:
			j := i
			for j < len(pattern) && pattern[j] != '*' {
				j++
			}
			b.WriteString(regexp.QuoteMeta(pattern[i:j]))
			i = j
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// Operation names a kind of request by method and path glob; dialects list
// theirs so rules (and a dialect's rate-limit groups) can say "bridge"
// rather than a path.
type Operation struct {
	Method string
	Path   string // glob
	Name   string
	re     *regexp.Regexp
}

// Operations is a dialect's table of operation names, first match wins.
type Operations []Operation

// Compile prepares the globs; call once.
func (ops Operations) Compile() Operations {
	out := make(Operations, len(ops))
	for i, o := range ops {
		o.re = Glob(o.Path)
		out[i] = o
	}
	return out
}

// Name returns the operation of a request, or "".
func (ops Operations) Name(method, path string) string {
	for _, o := range ops {
		if (o.Method == "" || o.Method == method) && o.re.MatchString(path) {
			return o.Name
		}
	}
	return ""
}
