// Package docs runs the examples of README.md and docs/*.md, so a doc
// that stops working fails CI. Every fenced block is either run or
// explicitly marked as not runnable:
//
//   - sh: run by sh -e against a pbxsim started in-process for the block
//     (the docs' localhost:8080 is rewritten to its address), with the
//     built xfer-conform and pbxsim on PATH (see prelude.go);
//   - js: run by node with the SDK of compat/ringcentral-js;
//   - yaml: loaded as what it is (a pbxsim scenario, an xfer-conform tenant
//     config, a CI workflow), fragments merged into the built-in scenario;
//   - json and gherkin: parsed;
//   - text: output or prose, not run.
//
// A block marks itself not runnable with "no-run" after its language
// (```sh no-run). An HTML comment on the line before a block gives the
// test more: <!-- doc-test: expect TEXT --> (the output must contain
// TEXT), <!-- doc-test: no-errexit --> (a command in it is meant to fail:
// its exit status is not checked, its expectations are), <!-- doc-test: fragment --> (a
// scenario fragment), <!-- doc-test: setup CMD --> (run CMD first, e.g.
// to build the integration a recipe names), <!-- doc-test: file PATH -->
// (the block must leave PATH behind, e.g. the reports a recipe promises).
package docs

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// block is one fenced code block of a doc.
type block struct {
	file  string
	line  int // of the opening fence
	lang  string
	marks []string // info-string words after the language
	body  string
	// from <!-- doc-test: ... --> lines just above the fence
	expect    []string
	noErrexit bool
	fragment  bool
	setup     []string // commands run before the block
	files     []string // files the block must leave behind
}

func (b block) has(mark string) bool {
	for _, m := range b.marks {
		if m == mark {
			return true
		}
	}
	return false
}

func (b block) where() string { return b.file + ":" + strconv.Itoa(b.line) }

var (
	fence     = regexp.MustCompile("^(\\s*)(```+)\\s*(.*)$")
	directive = regexp.MustCompile(`^<!--\s*doc-test:\s*(.*?)\s*-->$`)
)

// docFiles are README.md and docs/*.md, relative to root.
func docFiles(root string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	return append([]string{filepath.Join(root, "README.md")}, files...), nil
}

// readBlocks returns every fenced block of the file.
func readBlocks(root, path string) ([]block, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rel, _ := filepath.Rel(root, path)
	var out []block
	var pending []string // directives seen just above
	var cur *block
	var body []string
	indent, ticks := "", ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if cur != nil {
			if m := fence.FindStringSubmatch(line); m != nil && m[2] == ticks && strings.TrimSpace(m[3]) == "" {
				cur.body = strings.Join(body, "\n") + "\n"
				out = append(out, *cur)
				cur, body = nil, nil
				continue
			}
			body = append(body, strings.TrimPrefix(line, indent))
			continue
		}
		if m := directive.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			pending = append(pending, m[1])
			continue
		}
		if m := fence.FindStringSubmatch(line); m != nil {
			words := strings.Fields(m[3])
			b := block{file: rel, line: n}
			if len(words) > 0 {
				b.lang, b.marks = words[0], words[1:]
			}
			for _, d := range pending {
				switch {
				case strings.HasPrefix(d, "expect "):
					b.expect = append(b.expect, strings.TrimPrefix(d, "expect "))
				case d == "no-errexit":
					b.noErrexit = true
				case d == "fragment":
					b.fragment = true
				case strings.HasPrefix(d, "setup "):
					b.setup = append(b.setup, strings.TrimPrefix(d, "setup "))
				case strings.HasPrefix(d, "file "):
					b.files = append(b.files, strings.TrimPrefix(d, "file "))
				}
			}
			pending = nil
			cur, indent, ticks = &b, m[1], m[2]
			continue
		}
		if strings.TrimSpace(line) != "" {
			pending = nil
		}
	}
	return out, sc.Err()
}
