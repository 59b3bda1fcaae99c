package steps_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// vendorWord is a vendor's name in any case.
var vendorWord = regexp.MustCompile(`(?i)ringcentral|netsapiens`)

// Rule: the harness's own packages (steps, steps/target and its embedded
// target, steps/judge, steps/bundle) name no vendor in code: no
// identifier, string or import path; only their docs may, as examples.
// Each vendor's steps, facts, tenant config, hand-over, reference
// integration and checks live in its own package, so a third vendor
// plugs in without editing them.
// Source: issue 11 ("steps has one Vendor interface, implemented by one
// package per vendor"; "a test-only third vendor ... touches no other
// package").
func TestTheHarnessNamesNoVendor(t *testing.T) {
	var bad []string
	for _, dir := range []string{".", "target", "target/embedded", "judge", "bundle"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution) // comments dropped
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				var word string
				switch x := n.(type) {
				case *ast.Ident:
					word = x.Name
				case *ast.BasicLit:
					if x.Kind == token.STRING {
						word = x.Value
					}
				default:
					return true
				}
				if vendorWord.MatchString(word) {
					bad = append(bad, fset.Position(n.Pos()).String()+": "+word)
				}
				return true
			})
		}
	}
	if len(bad) > 0 {
		t.Errorf("the harness names a vendor; move it into the vendor's package:\n  %s", strings.Join(bad, "\n  "))
	}
}
