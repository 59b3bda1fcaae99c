package docs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
	"gopkg.in/yaml.v3"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
	_ "github.com/xfer-conform/xfer-conform/steps/netsapiens"  // reads the netsapiens tenant section
	_ "github.com/xfer-conform/xfer-conform/steps/ringcentral" // reads the ringcentral tenant section
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// root is the repository, two levels up.
var root, _ = filepath.Abs(filepath.Join("..", ".."))

// runs are the languages the docs test executes or checks.
var runs = map[string]bool{"sh": true, "js": true, "yaml": true, "json": true, "gherkin": true}

func allBlocks(t *testing.T) []block {
	t.Helper()
	files, err := docFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	var out []block
	for _, f := range files {
		bs, err := readBlocks(root, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, bs...)
	}
	if len(out) < 20 {
		t.Fatalf("found only %d blocks in %d docs", len(out), len(files))
	}
	return out
}

// Issue 17 "Docs as tests": every block of README.md and docs/ is run or
// checked, or marked explicitly as not runnable.
func TestEveryBlockRunsOrIsMarked(t *testing.T) {
	for _, b := range allBlocks(t) {
		if runs[b.lang] || b.lang == "text" || b.has("no-run") {
			continue
		}
		t.Errorf("%s: a ```%s block: give it a language the docs test runs (sh, js, yaml, json, gherkin), mark it ```%s no-run, or make it ```text", b.where(), b.lang, b.lang)
	}
}

var bin string // the built xfer-conform (narrowing), pbxsim, and real/

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "docs-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		real := filepath.Join(dir, "real")
		cmd := exec.Command("go", "build", "-o", real+string(os.PathSeparator), "./cmd/xfer-conform", "./cmd/pbxsim")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building the commands: %v\n%s", err, out)
			return 1
		}
		if err := os.WriteFile(filepath.Join(dir, "xfer-conform"), []byte(narrowing), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		gopath := filepath.Join(dir, "gopath")
		if err := os.MkdirAll(gopath, 0o755); err != nil {
			return 1
		}
		if err := os.Symlink(filepath.Join(real, "pbxsim"), filepath.Join(dir, "pbxsim")); err != nil {
			return 1
		}
		if err := os.Symlink(dir, filepath.Join(gopath, "bin")); err != nil {
			return 1
		}
		bin = dir
		return m.Run()
	}()
	os.Exit(code)
}

// startPbxsim starts a fresh pbxsim for one block and returns its
// host:port.
func startPbxsim(t *testing.T) string {
	t.Helper()
	srv, err := pbxsim.New(pbxsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return strings.TrimPrefix(srv.URL(), "http://")
}

// rewrite points a doc's localhost:8080 at the block's pbxsim.
func rewrite(body, addr string) string {
	return strings.NewReplacer("localhost:8080", addr, "127.0.0.1:8080", addr).Replace(body)
}

func blockEnv(addr string) []string {
	return append(os.Environ(),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"DOCS_BIN="+bin, "DOCS_REPO="+root, "DOCS_GOPATH="+filepath.Join(bin, "gopath"),
		"PBXSIM_URL=http://"+addr, "NO_COLOR=1")
}

// Issue 17 "Docs as tests": every sh example runs as written against a
// pbxsim (and docs/ci.md's shell recipe writes the reports it promises,
// by its file directives).
func TestShellExamples(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("the shell examples need curl")
	}
	if _, err := exec.LookPath("jq"); err != nil {
		t.Fatal("the shell examples need jq (apt-get install jq)")
	}
	byFile := map[string][]block{}
	var files []string
	for _, b := range allBlocks(t) {
		if b.lang != "sh" || b.has("no-run") {
			continue
		}
		if byFile[b.file] == nil {
			files = append(files, b.file)
		}
		byFile[b.file] = append(byFile[b.file], b)
	}
	// A doc is one session: its blocks run in order against one pbxsim in
	// one directory, as a reader following it would run them.
	for _, f := range files {
		blocks := byFile[f]
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			addr := startPbxsim(t)
			dir := t.TempDir()
			for _, b := range blocks {
				if !runShellBlock(t, b, addr, dir) {
					return
				}
			}
		})
	}
}

func runShellBlock(t *testing.T, b block, addr, dir string) bool {
	t.Helper()
	script := prelude
	for _, s := range b.setup {
		script += rewrite(s, addr) + "\n"
	}
	if !b.noErrexit {
		script += "set -e\n"
	}
	script += rewrite(b.body, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", script)
	cmd.Dir, cmd.Env = dir, blockEnv(addr)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil && (!b.noErrexit || ctx.Err() != nil) {
		t.Errorf("%s does not run as written: %v\n%s", b.where(), err, out.String())
		return false
	}
	for _, want := range b.expect {
		if !strings.Contains(out.String(), want) {
			t.Errorf("%s: the output lacks %q:\n%s", b.where(), want, out.String())
		}
	}
	for _, f := range b.files {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s promises %s: %v\n%s", b.where(), f, err, out.String())
		}
	}
	return true
}

// Issue 17 item 9: the JavaScript examples run with the SDK packages
// compat/ringcentral-js installs.
func TestJavaScriptExamples(t *testing.T) {
	modules := filepath.Join(root, "compat", "ringcentral-js", "node_modules")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	if _, err := os.Stat(filepath.Join(modules, "@ringcentral", "sdk")); err != nil {
		t.Skip("the RingCentral SDK is not installed: run npm ci in compat/ringcentral-js (.ci/run does)")
	}
	for _, b := range allBlocks(t) {
		if b.lang != "js" || b.has("no-run") {
			continue
		}
		b := b
		t.Run(b.where(), func(t *testing.T) {
			addr := startPbxsim(t)
			file := filepath.Join(t.TempDir(), "example.cjs")
			if err := os.WriteFile(file, []byte(rewrite(b.body, addr)), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, file)
			cmd.Env = append(blockEnv(addr), "NODE_PATH="+modules)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s does not run as written: %v\n%s", b.where(), err, out)
			}
			for _, want := range b.expect {
				if !strings.Contains(string(out), want) {
					t.Errorf("%s: the output lacks %q:\n%s", b.where(), want, out)
				}
			}
		})
	}
}

// Issue 17 item 9: every YAML example loads as what it is: a pbxsim
// scenario (a fragment merged into the built-in one), an xfer-conform
// tenant config, or a CI workflow.
func TestYAMLExamples(t *testing.T) {
	for _, b := range allBlocks(t) {
		if b.lang != "yaml" || b.has("no-run") {
			continue
		}
		var doc map[string]any
		if err := yaml.Unmarshal([]byte(b.body), &doc); err != nil {
			t.Errorf("%s: not YAML: %v", b.where(), err)
			continue
		}
		switch {
		case doc["jobs"] != nil:
			if _, ok := doc["jobs"].(map[string]any); !ok {
				t.Errorf("%s: a workflow without jobs", b.where())
			}
		case isTenantConfig(doc):
			p := filepath.Join(t.TempDir(), "tenant.yaml")
			if err := os.WriteFile(p, []byte(b.body), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := target.LoadTenantConfig(p, func(string) string { return "" }); err != nil {
				t.Errorf("%s: the tenant config does not load: %v", b.where(), err)
			}
		default:
			data := []byte(b.body)
			if b.fragment {
				var err error
				if data, err = mergeIntoDefault(data); err != nil {
					t.Errorf("%s: %v", b.where(), err)
					continue
				}
			}
			if _, err := scenario.Parse(b.where(), data); err != nil {
				t.Errorf("%s: the scenario does not load: %v", b.where(), err)
			}
		}
	}
}

func isTenantConfig(doc map[string]any) bool {
	for _, top := range []string{"personTimeout", "allowFindings"} {
		if _, ok := doc[top]; ok {
			return true
		}
	}
	for _, v := range []string{"ringcentral", "netsapiens"} {
		if m, ok := doc[v].(map[string]any); ok && m["server"] != nil {
			return true
		}
	}
	return false
}

// mergeIntoDefault lays a scenario fragment over the built-in scenario:
// maps merge key by key; list items with the same id or name merge.
func mergeIntoDefault(fragment []byte) ([]byte, error) {
	var base, frag any
	if err := yaml.Unmarshal(scenario.DefaultYAML(), &base); err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(fragment, &frag); err != nil {
		return nil, err
	}
	return yaml.Marshal(merge(base, frag))
}

func merge(base, over any) any {
	switch o := over.(type) {
	case map[string]any:
		b, ok := base.(map[string]any)
		if !ok {
			return o
		}
		for k, v := range o {
			b[k] = merge(b[k], v)
		}
		return b
	case []any:
		b, ok := base.([]any)
		if !ok {
			return o
		}
		for _, item := range o {
			matched := false
			for i, bi := range b {
				if key, ok := sameKey(bi, item); ok && key {
					b[i] = merge(bi, item)
					matched = true
				}
			}
			if !matched {
				b = append(b, item)
			}
		}
		return b
	}
	return over
}

func sameKey(a, b any) (bool, bool) {
	am, ok1 := a.(map[string]any)
	bm, ok2 := b.(map[string]any)
	if !ok1 || !ok2 {
		return false, false
	}
	for _, k := range []string{"id", "name", "number"} {
		if bm[k] != nil {
			return fmt.Sprint(am[k]) == fmt.Sprint(bm[k]), true
		}
	}
	return false, false
}

// JSON examples parse; Gherkin examples parse.
func TestJSONAndGherkinExamples(t *testing.T) {
	for _, b := range allBlocks(t) {
		if b.has("no-run") {
			continue
		}
		switch b.lang {
		case "json":
			if !json.Valid([]byte(b.body)) {
				t.Errorf("%s: not JSON", b.where())
			}
		case "gherkin":
			body := b.body
			if !strings.Contains(body, "Feature:") {
				body = "Feature: example\n" + body
			}
			if _, err := gherkin.ParseGherkinDocument(strings.NewReader(body), (&messages.Incrementing{}).NewId); err != nil {
				t.Errorf("%s: not Gherkin: %v", b.where(), err)
			}
		}
	}
}

// Issue 17 item 8: "no sample tenant config": docs/tenant.sample.yaml
// loads, describes both vendors' tenants completely, and (as shipped)
// passes the tenant check against a pbxsim without its control API.
func TestSampleTenantConfig(t *testing.T) {
	path := filepath.Join(root, "docs", "tenant.sample.yaml")
	if _, err := target.LoadTenantConfig(path, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	srv, err := pbxsim.New(pbxsim.Config{NoControl: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	local := filepath.Join(t.TempDir(), "tenant.yaml")
	if err := os.WriteFile(local, []byte(strings.ReplaceAll(string(b), "http://127.0.0.1:8080", srv.URL())), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := target.LoadTenantConfig(local, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	for _, vendor := range []string{"ringcentral", "netsapiens"} {
		if _, err := target.Tenant(vendor, cfg); err != nil {
			t.Errorf("%s: %v", vendor, err)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := target.CheckTenant(ctx, vendor, cfg, nil)
		cancel()
		if err != nil {
			t.Errorf("%s: the sample's credentials are refused: %v", vendor, err)
		}
	}
}

// Issue 17 item 8: "make help, built from the Makefile's ## comments":
// every target in .PHONY has a ## line, and make help lists it.
func TestMakeHelpListsEveryTarget(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	var phony []string
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, ".PHONY:"); ok {
			phony = strings.Fields(rest)
		}
	}
	if len(phony) < 5 {
		t.Fatalf(".PHONY lists %v", phony)
	}
	makeTool, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make is not installed")
	}
	cmd := exec.Command(makeTool, "--no-print-directory", "help")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range phony {
		found := false
		for _, l := range strings.Split(string(out), "\n") {
			if f := strings.Fields(l); len(f) > 1 && f[0] == target {
				found = true
			}
		}
		if !found {
			t.Errorf("make help does not describe %q (add a \"## %s: ...\" line above it):\n%s", target, target, out)
		}
	}
}

// Issue 17 item 9: docs/ringcentral.md listed rate limiting as
// unsupported while docs/faults.md documents it (and it works): the "Not
// supported" list names none of what faults.md documents.
func TestRingCentralUnsupportedListAgreesWithFaults(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "docs", "ringcentral.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "Not supported (yet):")
	if !ok {
		t.Fatal(`docs/ringcentral.md has no "Not supported (yet):" list`)
	}
	unsupported, _, _ := strings.Cut(rest, "\n\n")
	for _, documented := range []string{"rate limit", "fault"} {
		if strings.Contains(strings.ToLower(unsupported), documented) {
			t.Errorf("docs/ringcentral.md lists %q as unsupported; docs/faults.md documents it", documented)
		}
	}
}
