package steps_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/features"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
	"github.com/xfer-conform/xfer-conform/steps"
	nsteps "github.com/xfer-conform/xfer-conform/steps/netsapiens"
	rcsteps "github.com/xfer-conform/xfer-conform/steps/ringcentral"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// startNoControl starts one pbxsim with its control API switched off: it
// then answers only the vendor APIs, like a real tenant, and is shared by
// every scenario of a run, like a real tenant.
func startNoControl(t *testing.T) (func() *steps.PbxsimPhones, *target.TenantConfig) {
	t.Helper()
	sc := scenario.Default()
	// Its control API sits behind a token the harness never learns: only
	// the person at the phones (PbxsimPhones) uses it, as a person would
	// use a phone; the harness sees the vendor APIs alone, like a tenant's.
	token := rand.Text()
	srv, err := pbxsim.New(pbxsim.Config{Scenario: sc, ControlToken: token})
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
	raw, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := target.TenantConfigFor(srv.URL(), raw)
	if err != nil {
		t.Fatal(err)
	}
	phones := func() *steps.PbxsimPhones {
		return &steps.PbxsimPhones{Control: control.New(srv.URL(), nil).WithToken(token)}
	}
	return phones, cfg
}

type tenantRun struct {
	code    int
	out     string
	notices string
}

// runTenant runs the embedded features matching tags against the vendor's
// tenant target, with phones as the person at the phones.
func runTenant(t *testing.T, vendor string, cfg *target.TenantConfig, phones steps.Phones, tags string, paths ...string) tenantRun {
	t.Helper()
	newTarget, err := target.Tenant(vendor, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var out, notices bytes.Buffer
	suite := godog.TestSuite{
		Name: "tenant-" + vendor,
		ScenarioInitializer: steps.Initializer(steps.Config{NewTarget: newTarget, Phones: phones, Notices: &notices,
			PersonTimeout: 10 * time.Second}),
		Options: &godog.Options{Format: "pretty", FS: features.FS, Paths: paths, Tags: tags, Strict: true, NoColors: true, Output: &out},
	}
	code := suite.Run()
	return tenantRun{code: code, out: out.String(), notices: notices.String()}
}

// allPassed checks godog's summary says every one of at least min
// scenarios passed.
func allPassed(t *testing.T, r tenantRun, min int) {
	t.Helper()
	m := regexp.MustCompile(`(?m)^(\d+) scenarios \((\d+) passed\)$`).FindStringSubmatch(r.out)
	if r.code != 0 || m == nil || m[1] != m[2] {
		t.Fatalf("godog exit %d, want every scenario passed:\n%s\nnotices:\n%s", r.code, r.out, r.notices)
	}
	if n, _ := strconv.Atoi(m[1]); n < min {
		t.Fatalf("only %d scenarios ran, want at least %d:\n%s", n, min, r.out)
	}
}

// Issue 5: "A real tenant has no control API: steps then use only the
// vendor API (RingCentral call-out ...)". Every RingCentral scenario not
// tagged @simulator runs against pbxsim --no-control posing as a
// RingCentral account: the customer calls out with their own JWT, the
// consult answers with the party answer action, the consult hangs up by
// deleting their party. No person is needed, and none is asked.
func TestTenantRingCentralOnPbxsimWithoutControl(t *testing.T) {
	srv, cfg := startNoControl(t)
	phones := srv()
	allPassed(t, runTenant(t, "ringcentral", cfg, phones, "@ringcentral && ~@simulator"), 10)
	if tasks := phones.Tasks(); len(tasks) != 0 {
		t.Fatalf("the vendor API alone should play the RingCentral world, but a person was asked: %v", tasks)
	}
}

// Issue 5: NetSapiens make-call from the outside-caller side. Every
// NetSapiens scenario not tagged @simulator runs against pbxsim
// --no-control posing as a NetSapiens server. The outside caller's call
// is a click-to-call through the Office Manager; only hanging up the
// outside phone (no user of the domain) needs a person.
func TestTenantNetSapiensOnPbxsimWithoutControl(t *testing.T) {
	srv, cfg := startNoControl(t)
	phones := srv()
	allPassed(t, runTenant(t, "netsapiens", cfg, phones, "@netsapiens && ~@simulator"), 8)
	var asked []string
	for _, task := range phones.Tasks() {
		asked = append(asked, task.String())
	}
	if len(asked) != 1 || asked[0] != "Hang up the phone of the outside caller (+15555555555) now" {
		t.Fatalf("only the outside caller's hang-up needs a person, got %q", asked)
	}
}

// Issue 5: "Scenarios that need the simulator (...) carry @simulator and
// are reported as skipped with the reason."
func TestTenantSkipsSimulatorScenariosWithTheReason(t *testing.T) {
	srv, cfg := startNoControl(t)
	r := runTenant(t, "netsapiens", cfg, srv(), "", "netsapiens/transfer-traps.feature")
	// godog's summary counts a scenario skipped by its Before hook as
	// passed; its steps show as skipped, and Notices carries the reason.
	if r.code != 0 || !strings.Contains(r.out, "6 scenarios (6 passed)") || !strings.Contains(r.out, "skipped)") {
		t.Fatalf("godog exit %d, want the read-only key scenario passed and the 5 @simulator traps skipped:\n%s", r.code, r.out)
	}
	if n := strings.Count(r.notices, "tagged @simulator: it needs what only pbxsim's control API can do, and target netsapiens has none"); n != 5 {
		t.Fatalf("want the skip reason for each of the 5 @simulator scenarios, got %d:\n%s", n, r.notices)
	}
}

// Without a user to place the click-to-call through, a person dials the
// inbound number from the outside phone: the driver prompts and then finds
// the new call at the operator through the NS API.
func TestTenantNetSapiensPersonDials(t *testing.T) {
	srv, cfg := startNoControl(t)
	cfg.Section("netsapiens").(*nsteps.Tenant).DialVia = ""
	phones := srv()
	r := runTenant(t, "netsapiens", cfg, phones, "", "netsapiens/attended-transfer.feature")
	if r.code != 0 || !strings.Contains(r.out, "2 scenarios (2 passed)") {
		t.Fatalf("godog exit %d:\n%s\nnotices:\n%s", r.code, r.out, r.notices)
	}
	tasks := phones.Tasks()
	if len(tasks) != 2 || tasks[0].String() != "Call +11111111111 (the inbound number) from the phone of the outside caller (+15555555555) now" {
		t.Fatalf("want one dial prompt per scenario, got %v", tasks)
	}
}

// RingCentral without call-out: when the customer's device cannot call
// out, the driver tries RingOut and then asks a person to dial, with the
// reason, and waits for the operator's phone to ring.
func TestTenantRingCentralPersonDialsWhenCallOutIsRefused(t *testing.T) {
	srv, cfg := startNoControl(t)
	cfg.Section("ringcentral").(*rcsteps.Tenant).Customer.DeviceID = "999999999999"
	phones := srv()
	var prompts bytes.Buffer
	r := runTenant(t, "ringcentral", cfg, promptAndDo{out: &prompts, next: phones}, "", "ringcentral/call-control.feature")
	if r.code != 0 || !strings.Contains(r.out, "2 scenarios (2 passed)") {
		t.Fatalf("godog exit %d:\n%s\nnotices:\n%s", r.code, r.out, r.notices)
	}
	p := prompts.String()
	for _, want := range []string{">>> Call ext 102 (Agent J) from the phone of Craig Chan (ext 101) now: waiting up to 10s", "call-out refused", "RingOut refused"} {
		if !strings.Contains(p, want) {
			t.Fatalf("the prompt does not say %q:\n%s", want, p)
		}
	}
}

// promptAndDo prints the prompt a person would see, then acts.
type promptAndDo struct {
	out  *bytes.Buffer
	next steps.Phones
}

func (p promptAndDo) Do(ctx context.Context, t steps.PhoneTask) error {
	if err := (steps.PromptPhones{Out: p.out}).Do(ctx, t); err != nil {
		return err
	}
	return p.next.Do(ctx, t)
}
