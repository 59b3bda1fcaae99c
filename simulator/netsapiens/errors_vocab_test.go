package netsapiens

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Rule: every error body is built through the vocabulary: outside
// errors.go no call that writes a response is handed an HTTP status other
// than a success, no apiError is built as a literal, and no body with
// "code" or "message" is written by hand; a refusal names its kind and
// the kind carries the status.
// Source: issue 11 (NetSapiens picked the status by hand at 58 call
// sites); STYLE.md (one error vocabulary per dialect, mapped in one table).
func TestErrorBodiesGoThroughTheVocabulary(t *testing.T) {
	success := map[string]bool{"StatusOK": true, "StatusCreated": true, "StatusAccepted": true, "StatusNoContent": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "errors.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				fn, ok := n.Fun.(*ast.Ident)
				if !ok || !strings.HasPrefix(fn.Name, "write") && fn.Name != "refuse" {
					return true
				}
				for _, arg := range n.Args {
					ast.Inspect(arg, func(a ast.Node) bool {
						switch a := a.(type) {
						case *ast.SelectorExpr:
							if pkg, ok := a.X.(*ast.Ident); ok && pkg.Name == "http" && strings.HasPrefix(a.Sel.Name, "Status") && !success[a.Sel.Name] {
								t.Errorf("%s: %s with http.%s picked by hand; refuse with an errKind of errors.go", fset.Position(a.Pos()), fn.Name, a.Sel.Name)
							}
						case *ast.CompositeLit:
							for _, el := range a.Elts {
								var key ast.Expr
								switch el := el.(type) {
								case *ast.KeyValueExpr:
									key = el.Key
								case *ast.CompositeLit: // object{{"message", ...}}
									if len(el.Elts) == 2 {
										key = el.Elts[0]
									}
								}
								if s := stringLit(key); s == "code" || s == "message" {
									t.Errorf("%s: %s of a body with %q built outside errors.go", fset.Position(a.Pos()), fn.Name, s)
								}
							}
						}
						return true
					})
				}
			case *ast.CompositeLit:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "apiError" {
					t.Errorf("%s: an apiError literal outside errors.go; use refuse", fset.Position(n.Pos()))
				}
			}
			return true
		})
	}
}

func stringLit(e ast.Expr) string {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return ""
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		return ""
	}
	return s
}
