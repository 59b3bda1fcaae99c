package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/steps"
)

// lone is a vendor of this test's own: one step, which reads the target.
type lone struct{}

func (lone) Name() string { return "lone" }
func (lone) Steps(sc *godog.ScenarioContext, w *steps.World) {
	sc.Step(`^lone sees a pbxsim$`, func() error {
		if w.Ctl == nil {
			return godog.ErrPending
		}
		return nil
	})
}
func (lone) Driver(*steps.World) steps.WorldDriver { return nil }
func (lone) Answer(*steps.World, string) error     { return nil }
func (lone) HangUp(*steps.World, string) error     { return nil }

// Rule: a Go test runs a vendor of its own, with a features folder of its
// own, on an embedded pbxsim serving the dialects it gives (Main.Vendors,
// Main.Dialects, --features-only), per scenario and shared.
// Source: issue 11 item 6 (a test-only third vendor plugs in through the
// same interfaces).
func TestMainRunsTheVendorsAndDialectsItIsGiven(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lone.feature"), []byte("@lone\nFeature: lone\n\n  Scenario: lone\n    Then lone sees a pbxsim\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"per-scenario", "shared"} {
		var built atomic.Int32
		var dialects []pbxsim.DialectFactory
		for _, f := range pbxsim.DefaultDialects() {
			next := f.New
			f.New = func(env pbxsim.DialectEnv) (pbxsim.Dialect, error) { built.Add(1); return next(env) }
			dialects = append(dialects, f)
		}
		var out, errOut bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errOut, Vendors: []steps.Vendor{lone{}}, Dialects: dialects}
		if code := m.Run(context.Background(), []string{"--features", dir, "--features-only", "--embedded", mode}); code != ExitPass {
			t.Fatalf("%s: exit %d\n%s\n%s", mode, code, out.String(), errOut.String())
		}
		if built.Load() == 0 {
			t.Fatalf("%s: the embedded pbxsim built none of the given dialects", mode)
		}
	}
}
