package thirdvendor

import (
	"bytes"
	"os"
	"testing"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/target"
	"github.com/xfer-conform/xfer-conform/steps/target/embedded"
	"github.com/xfer-conform/xfer-conform/test/thirdvendor/zed"
	"github.com/xfer-conform/xfer-conform/test/thirdvendor/zedsteps"
)

func zedWorld(t *testing.T) *scenario.Scenario {
	t.Helper()
	b, err := os.ReadFile("testdata/zed-world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse("zed-world.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// run plays features/ with the Zed vendor on the given target.
func run(t *testing.T, newTarget target.New) {
	t.Helper()
	var out bytes.Buffer
	suite := godog.TestSuite{
		ScenarioInitializer: steps.Initializer(steps.Config{NewTarget: newTarget, Vendors: []steps.Vendor{zedsteps.Vendor{}}}),
		Options:             &godog.Options{FS: os.DirFS("features"), Paths: []string{"."}, Strict: true, Format: "pretty", Output: &out, Concurrency: 3},
	}
	if code := suite.Run(); code != 0 {
		t.Fatalf("the Zed features failed (exit %d):\n%s", code, out.String())
	}
}

// Rule: a third vendor plugs in at every layer through the interfaces
// the built-in vendors use, from its own folder alone: its dialect by a
// pbxsim factory, its steps by steps.Vendor, its features by tag, the
// shared world sentences played on it; on a pbxsim of the scenario's own.
// Source: issue 11 item 6 ("a test-only third vendor ... touches no
// other package"); docs/architecture.md.
func TestZedFeaturesOnItsOwnEmbeddedPbxsim(t *testing.T) {
	run(t, embedded.NewWith(embedded.Options{Scenario: zedWorld(t), Dialects: append(pbxsim.DefaultDialects(), zed.Factory())}))
}

// Rule: the same, with scenarios running concurrently on one shared
// pbxsim, each in a tenant set of its own made from Zed's section
// (fresh tenant id and key), which the vendor reads from the set's facts.
// Source: issue 11 item 6; issue 12 items 1 and 3 (tenants on demand).
func TestZedFeaturesOnASharedPbxsim(t *testing.T) {
	newTarget, stop := embedded.SharedWith(embedded.Options{Scenario: zedWorld(t), Dialects: append(pbxsim.DefaultDialects(), zed.Factory())})
	t.Cleanup(func() { _ = stop() })
	run(t, newTarget)
}
