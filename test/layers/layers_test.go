package layers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/xfer-conform/xfer-conform"

// dialects are the vendor dialect packages (each with its subpackages).
var dialects = []string{"simulator/ringcentral", "simulator/netsapiens"}

// neutral are the layers that must name no vendor: the core (the
// simulator package itself, not its subfolders), the fault engine, the
// scenario loader, the shared notification pipeline, the control API and
// the other shared services a dialect builds on.
var neutral = []struct {
	dir     string
	subdirs bool
}{
	{"simulator", false},
	{"simulator/faults", true},
	{"simulator/scenario", true},
	{"simulator/notify", true},
	{"simulator/control", true},
	{"simulator/tenancy", true},
	{"simulator/duration", true},
	{"simulator/contract", true},
	{"simulator/egress", true},
	{"simulator/board", true},
	{"simulator/metrics", true},
}

// embeddedTarget is the one package under steps/ that starts pbxsim in
// process; it may import only these simulator packages.
const embeddedTarget = "steps/target/embedded"

var embeddedMay = map[string]bool{
	module + "/simulator/pbxsim":   true,
	module + "/simulator/scenario": true,
}

// vendorWord matches a vendor's name as it appears in identifiers,
// strings and comments.
var vendorWord = regexp.MustCompile(`(?i:ring[ _-]?central|net[ _-]?sapiens)|\bRC[A-Z]|\bNS[A-Z]`)

// goFile is one parsed non-test Go file of the module.
type goFile struct {
	rel     string // path from the module root, slash-separated
	dir     string // its folder, slash-separated
	imports []string
	ast     *ast.File
	fset    *token.FileSet
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

func loadFiles(t *testing.T) []goFile {
	t.Helper()
	root := moduleRoot(t)
	var out []goFile
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		g := goFile{rel: rel, dir: filepath.ToSlash(filepath.Dir(rel)), ast: f, fset: fset}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			g.imports = append(g.imports, p)
		}
		out = append(out, g)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("found only %d Go files under %s: the walk is broken", len(out), root)
	}
	return out
}

// under reports whether dir is pkg or inside it.
func under(dir, pkg string) bool { return dir == pkg || strings.HasPrefix(dir, pkg+"/") }

func importsUnder(imp, pkg string) bool { return under(imp, module+"/"+pkg) }

func report(t *testing.T, rule string, bad []string) {
	t.Helper()
	if len(bad) == 0 {
		return
	}
	sort.Strings(bad)
	t.Errorf("%s:\n  %s", rule, strings.Join(bad, "\n  "))
}

// Rule: client/ never imports simulator/: a reference client must work
// unchanged against a real tenant.
// Source: ../shared/DESIGN.md, "Rules that keep the house simple".
func TestClientNeverImportsSimulator(t *testing.T) {
	var bad []string
	for _, f := range loadFiles(t) {
		if !under(f.dir, "client") {
			continue
		}
		for _, imp := range f.imports {
			if importsUnder(imp, "simulator") {
				bad = append(bad, f.rel+" imports "+imp)
			}
		}
	}
	report(t, "client/ imports simulator/", bad)
}

// Rule: a dialect knows one vendor and the core, never another dialect.
// Source: ../shared/DESIGN.md, "Rules that keep the house simple".
func TestDialectNeverImportsAnotherDialect(t *testing.T) {
	var bad []string
	for _, f := range loadFiles(t) {
		for _, own := range dialects {
			if !under(f.dir, own) {
				continue
			}
			for _, imp := range f.imports {
				for _, other := range dialects {
					if other != own && importsUnder(imp, other) {
						bad = append(bad, f.rel+" imports "+imp)
					}
				}
			}
		}
	}
	report(t, "a dialect imports another dialect", bad)
}

// Rule: the core, faults, scenario and the notification pipeline name no
// vendor: they import no dialect and no vendor's name appears in their
// identifiers, strings or comments.
// Source: ../shared/DESIGN.md ("The core knows no vendor"); issue 11.
func TestNeutralLayersNameNoVendor(t *testing.T) {
	var bad []string
	for _, f := range loadFiles(t) {
		in := false
		for _, n := range neutral {
			if f.dir == n.dir || (n.subdirs && under(f.dir, n.dir)) {
				in = true
			}
		}
		if !in {
			continue
		}
		for _, imp := range f.imports {
			for _, d := range dialects {
				if importsUnder(imp, d) {
					bad = append(bad, f.rel+" imports "+imp)
				}
			}
		}
		check := func(pos token.Pos, what, text string) {
			if m := vendorWord.FindString(text); m != "" {
				bad = append(bad, f.fset.Position(pos).String()+": "+what+" names a vendor ("+m+")")
			}
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Ident:
				check(n.Pos(), "identifier "+n.Name, n.Name)
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					check(n.Pos(), "string", n.Value)
				}
			}
			return true
		})
		for _, cg := range f.ast.Comments {
			check(cg.Pos(), "comment", cg.Text())
		}
	}
	report(t, "a vendor-neutral layer names a vendor", bad)
}

// Rule: steps/ reaches the PBX only through client/ and a Target; only the
// embedded target starts pbxsim in process, through pbxsim's and the
// scenario loader's public API.
// Source: ../shared/DESIGN.md, "Rules that keep the house simple"; issue 11.
func TestStepsReachThePBXOnlyThroughClientAndATarget(t *testing.T) {
	var bad []string
	sawEmbedded := false
	for _, f := range loadFiles(t) {
		if !under(f.dir, "steps") {
			continue
		}
		if f.dir == embeddedTarget {
			sawEmbedded = true
		}
		for _, imp := range f.imports {
			if !importsUnder(imp, "simulator") {
				continue
			}
			if f.dir == embeddedTarget && embeddedMay[imp] {
				continue
			}
			bad = append(bad, f.rel+" imports "+imp)
		}
	}
	if !sawEmbedded {
		t.Errorf("no package %s: the rule's one exception has moved; update this test", embeddedTarget)
	}
	report(t, "steps/ reaches the simulator around client/ and a Target", bad)
}
