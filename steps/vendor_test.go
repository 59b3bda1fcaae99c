package steps_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/target/embedded"
)

// heard is the test vendor's per-world state: what the world asked of it.
type heard struct{ acts []string }

// echoVendor is a vendor of this test's own: it only records what the
// shared world sentences ask of it.
type echoVendor struct{}

func (echoVendor) Name() string { return "echo" }

func (echoVendor) Steps(sc *godog.ScenarioContext, w *steps.World) {
	sc.Step(`^echo heard "([^"]*)"$`, func(want string) error {
		h, err := stateOf(w)
		if err != nil {
			return err
		}
		if got := strings.Join(h.acts, ", "); got != want {
			return fmt.Errorf("echo heard %q, want %q", got, want)
		}
		return nil
	})
}

func (echoVendor) Driver(*steps.World) steps.WorldDriver { return nil }

func (echoVendor) Answer(w *steps.World, role string) error { return record(w, "answer "+role) }

func (echoVendor) HangUp(w *steps.World, role string) error { return record(w, "hang up "+role) }

func stateOf(w *steps.World) (*heard, error) {
	return steps.State(w, "echo", func() (*heard, error) { return &heard{}, nil })
}

func record(w *steps.World, act string) error {
	h, err := stateOf(w)
	if err != nil {
		return err
	}
	h.acts = append(h.acts, act)
	return nil
}

// Rule: a vendor plugs in through the Vendor interface alone: listed in
// Config.Vendors, its steps are registered, a feature tagged with its
// name picks it, and the world sentences every vendor shares ("the
// consult picks up", "the outside caller hangs up") are played on it.
// Source: issue 11 ("Features pick the vendor by tag, so world sentences
// can be shared"); docs/writing-features.md.
func TestAThirdVendorPlugsInThroughTheVendorInterface(t *testing.T) {
	fsys := fstest.MapFS{"echo/world.feature": {Data: []byte(`@echo
Feature: a vendor of the test's own

  Scenario: the shared world sentences reach the scenario's vendor
    When the consult picks up
    And the outside caller hangs up
    Then echo heard "answer consult, hang up customer"
`)}}
	suite := godog.TestSuite{
		ScenarioInitializer: steps.Initializer(steps.Config{NewTarget: embedded.New(nil), Vendors: []steps.Vendor{echoVendor{}}}),
		Options:             &godog.Options{FS: fsys, Paths: []string{"echo"}, Strict: true, Format: "progress", Output: discard{}},
	}
	if code := suite.Run(); code != 0 {
		t.Fatalf("the echo vendor's feature failed (exit %d)", code)
	}
}

// Rule: a scenario whose tags name no vendor cannot play a shared world
// sentence, and says how to fix it. Source: issue 11.
func TestAWorldSentenceNeedsTheScenariosVendor(t *testing.T) {
	w := &steps.World{}
	_, err := w.Vendor()
	if err == nil || !strings.Contains(err.Error(), "names no vendor") {
		t.Fatalf("World.Vendor() = %v, want an error naming the missing vendor tag", err)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
