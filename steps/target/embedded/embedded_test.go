package embedded_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/steps/target"
	"github.com/xfer-conform/xfer-conform/steps/target/embedded"
)

// counting wraps the default dialects so a test sees which ones pbxsim
// built.
func counting(built *atomic.Int32) []pbxsim.DialectFactory {
	var out []pbxsim.DialectFactory
	for _, f := range pbxsim.DefaultDialects() {
		next := f.New
		f.New = func(env pbxsim.DialectEnv) (pbxsim.Dialect, error) {
			built.Add(1)
			return next(env)
		}
		out = append(out, f)
	}
	return out
}

// Rule: the embedded target serves the dialect factories it is given, per
// scenario, shared, on a restart and in a @faults scenario's own pbxsim,
// so a test-only vendor's dialect can run end to end.
// Source: issue 11 item 6 ("a test-only third vendor ... plugs in through
// the same interfaces").
func TestTheEmbeddedTargetServesTheDialectsItIsGiven(t *testing.T) {
	ctx := context.Background()
	var built atomic.Int32
	o := embedded.Options{Dialects: counting(&built)}

	tg, err := embedded.NewWith(o)(ctx, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if got := built.Load(); got != 2 {
		t.Fatalf("per-scenario: pbxsim built %d of the given dialects, want 2", got)
	}
	again, err := tg.(target.Restarter).Restart(ctx, http.DefaultClient, func(map[string]any) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got := built.Load(); got != 4 {
		t.Fatalf("restart: pbxsim built %d of the given dialects, want 4", got)
	}

	newTarget, stop := embedded.SharedWith(o)
	defer stop()
	shared, err := newTarget(ctx, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	defer shared.Close()
	if got := built.Load(); got != 6 {
		t.Fatalf("shared: pbxsim built %d of the given dialects, want 6", got)
	}
	own, err := newTarget(target.WithScenarioTags(ctx, []string{"@faults"}), http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	if got := built.Load(); got != 8 {
		t.Fatalf("@faults: pbxsim built %d of the given dialects, want 8", got)
	}
}
