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

// Names lists the table's operation names in order, without repeats:
// what a rule's match.operation may name for the dialect.
func (ops Operations) Names() []string {
	var names []string
	seen := map[string]bool{}
	for _, o := range ops {
		if !seen[o.Name] {
			seen[o.Name] = true
			names = append(names, o.Name)
		}
	}
	return names
}

// TemplateGlob turns a route template into an operation's glob: each
// {var} becomes *, so "/calls/{id}/hold" matches "/calls/abc/hold".
func TemplateGlob(tmpl string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		b.WriteByte('*')
		tmpl = tmpl[i+j+1:]
	}
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
