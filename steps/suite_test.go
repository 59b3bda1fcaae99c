package steps_test

import (
	"testing"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/features"
	"github.com/xfer-conform/xfer-conform/steps"
	_ "github.com/xfer-conform/xfer-conform/steps/netsapiens"  // registers the NetSapiens steps
	_ "github.com/xfer-conform/xfer-conform/steps/ringcentral" // registers the RingCentral steps
	"github.com/xfer-conform/xfer-conform/steps/target/embedded"
)

// TestFeatures runs every feature in features/ against a fresh embedded
// pbxsim per scenario; each scenario is a subtest (go test -run
// 'TestFeatures/<scenario name>').
func TestFeatures(t *testing.T) {
	suite := godog.TestSuite{
		Name:                "xfer-conform",
		ScenarioInitializer: steps.Initializer(steps.Config{NewTarget: embedded.New(nil)}),
		Options: &godog.Options{
			Format:   "pretty",
			FS:       features.FS,
			Paths:    []string{"."},
			Strict:   true,
			TestingT: t,
		},
	}
	if code := suite.Run(); code != 0 {
		t.Fatalf("features failed (godog exit %d)", code)
	}
}
