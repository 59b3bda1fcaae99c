package main

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/bundle"
	"github.com/xfer-conform/xfer-conform/steps/judge"
)

// The example integrations (examples/), built once for these tests.
var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

func examples(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "xfer-examples")
		if buildErr != nil {
			return
		}
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		out, err := exec.Command(goTool, "build", "-o", binDir+string(os.PathSeparator), "../../examples/rc-warm-transfer-go", "../../examples/ns-attended-go").CombinedOutput()
		if err != nil {
			buildErr = err
			binDir = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building the examples: %v\n%s", buildErr, binDir)
	}
	return binDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" && buildErr == nil {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// Issue 5: "Ship a tiny example integration in examples/ that passes, and
// one with a classic bug that fails with a message that names the bug."
func TestExampleIntegrations(t *testing.T) {
	bin := examples(t)
	cases := []struct {
		vendor, program, bug string
		code                 int
		says                 string
	}{
		{"ringcentral", "rc-warm-transfer-go", "", ExitPass, "1 scenarios (1 passed)"},
		{"ringcentral", "rc-warm-transfer-go", "swap-ids", ExitFailed, "the integration bridged with the session and party IDs swapped"},
		{"ringcentral", "rc-warm-transfer-go", "no-hold", ExitFailed, "called the consult without holding the customer first"},
		{"ringcentral", "rc-warm-transfer-go", "relogin", ExitFailed, "needless requests: signed in"},
		{"netsapiens", "ns-attended-go", "", ExitPass, "1 scenarios (1 passed)"},
		{"netsapiens", "ns-attended-go", "term-user", ExitFailed, "sent call-term-user in the attended transfer body: NetSapiens then blind-transfers"},
		{"netsapiens", "ns-attended-go", "hold-orig", ExitFailed, "held by call-orig-call-id instead of call-term-call-id"},
		// Each transfer trap is also a named contract finding with its
		// source (issue 15, "Done when").
		{"ringcentral", "rc-warm-transfer-go", "swap-ids", ExitFailed, "request contracts kept: contract finding rc-party-id-as-session-id on POST .../parties/{partyId}/bridge"},
		{"ringcentral", "rc-warm-transfer-go", "wrong-party", ExitFailed, "request contracts kept: contract finding rc-bridge-wrong-party"},
		{"netsapiens", "ns-attended-go", "term-user", ExitFailed, "request contracts kept: contract finding ns-transfer-call-term-user on PATCH .../calls/{call_id}/transfer"},
		{"netsapiens", "ns-attended-go", "hold-orig", ExitFailed, "request contracts kept: contract finding ns-hold-by-orig-call-id"},
		{"netsapiens", "ns-attended-go", "transfer-term", ExitFailed, "request contracts kept: contract finding ns-transfer-by-term-call-id"},
	}
	for _, c := range cases {
		t.Run(c.program+"/"+c.bug, func(t *testing.T) {
			cmd := filepath.Join(bin, c.program)
			if c.bug != "" {
				cmd += " -bug " + c.bug
			}
			code, out, errOut := run(t, "--vendor", c.vendor, "--integration", cmd, "--integration-timeout", "30s")
			if code != c.code || !strings.Contains(out, c.says) {
				t.Fatalf("exit %d, want %d with %q in the output:\n%s\n%s", code, c.code, c.says, out, errOut)
			}
		})
	}
}

// --out writes the results bundle: reports and, per scenario, its
// transcript, events and journal, with no secret in any of them; JUnit
// keeps an assertion failure a <failure>.
func TestBundleAndJUnitFailure(t *testing.T) {
	bin := examples(t)
	dir := t.TempDir()
	code, out, _ := run(t, "--vendor", "ringcentral", "--integration", filepath.Join(bin, "rc-warm-transfer-go")+" -bug swap-ids", "--out", dir)
	if code != ExitFailed {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	sc := filepath.Join(dir, "scenarios", "ringcentral-warm-transfer-the-integration-warm-transfers-the-customer-to-the-consult")
	transcript := readFile(t, filepath.Join(sc, "transcript.txt"))
	for _, want := range []string{"status:   failed", "== harness: HTTP requests", "== pbxsim journal", "/bridge -> 404", "harness: hands over to the integration"} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript.txt lacks %q:\n%s", want, transcript)
		}
	}
	var events []map[string]any
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(sc, "events.json"))), &events); err != nil || len(events) < 5 {
		t.Errorf("events.json: %d events (%v)", len(events), err)
	}
	var journal []map[string]any
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(sc, "journal.json"))), &journal); err != nil || len(journal) < 5 {
		t.Errorf("journal.json: %d entries (%v)", len(journal), err)
	}
	var index []bundle.Entry
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "scenarios", "index.json"))), &index); err != nil || len(index) != 1 || index[0].Status != "failed" {
		t.Errorf("index.json = %+v (%v)", index, err)
	}
	// The built-in scenario's RingCentral secret and the operator's JWT.
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b := readFile(t, p)
		for _, secret := range []string{"pbxsim-secret", "jwt-102"} {
			if strings.Contains(b, secret) {
				t.Errorf("%s contains the secret %q", p, secret)
			}
		}
		return nil
	})
	j := parseJUnit(t, filepath.Join(dir, "junit.xml"))
	if j.Failures != 1 || j.Errors != 0 || len(j.Suites) != 1 || j.Suites[0].Cases[0].Failure == nil || j.Suites[0].Cases[0].Failure.Type != "assertion" {
		t.Fatalf("junit.xml: %+v", j)
	}
	if !strings.Contains(j.Suites[0].Cases[0].Failure.Text, "IDs swapped") {
		t.Errorf("the JUnit failure does not name the bug: %s", j.Suites[0].Cases[0].Failure.Text)
	}
	// Issue 17 item 7: the headline CI viewers show starts with the
	// failing check's name, not "Step ...".
	msg := j.Suites[0].Cases[0].Failure.Message
	startsWithCheck := false
	for _, name := range judge.Names(steps.Checks(steps.Vendors())) {
		startsWithCheck = startsWithCheck || strings.HasPrefix(msg, name+": ")
	}
	if !startsWithCheck || !strings.Contains(msg, "swapped") {
		t.Errorf("JUnit failure message %q does not start with the failing check", msg)
	}
}

// A harness error is a JUnit <error>, not a <failure>, and a run whose
// only failures are harness errors exits 3, not 1 (docs/ci.md): an
// integration command that does not exist, an endpoint nobody listens on.
func TestHarnessErrorsAreJUnitErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"command not found":    {"--integration", "/no/such/integration"},
		"endpoint unreachable": {"--integration-url", "http://127.0.0.1:1/transfer"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			code, out, _ := run(t, append(args, "--vendor", "netsapiens", "--format", "progress,junit:"+filepath.Join(dir, "j.xml"))...)
			if code != ExitInternal || !strings.Contains(out, "harness error") {
				t.Fatalf("exit %d, want %d:\n%s", code, ExitInternal, out)
			}
			j := parseJUnit(t, filepath.Join(dir, "j.xml"))
			if j.Errors != 1 || j.Failures != 0 || j.Suites[0].Cases[0].Error == nil || j.Suites[0].Cases[0].Error.Type != "harness" {
				t.Fatalf("junit: %+v", j)
			}
		})
	}
}

// --integration-url: the hand-over is POSTed as JSON; a 2xx answer after
// a correct transfer passes, a 500 fails the "integration finished" check.
func TestHTTPIntegration(t *testing.T) {
	var mu sync.Mutex
	var got judge.HandoverRequest
	fail := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req judge.HandoverRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		mu.Lock()
		got = req
		f := fail
		mu.Unlock()
		if f {
			http.Error(w, "my integration broke", 500)
			return
		}
		ref := judge.ReferenceIntegration{}
		for _, v := range steps.Vendors() {
			if in, ok := v.(steps.Integrated); ok && v.Name() == req.Vendor {
				ref.Transfer = in.ReferenceTransfer
			}
		}
		res, err := ref.Run(r.Context(), judge.Handover{Vendor: req.Vendor, Vars: req.Env, Timeout: 20 * time.Second})
		if err != nil || res.Code != 0 {
			http.Error(w, res.Output, 500)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	code, out, errOut := run(t, "--vendor", "netsapiens", "--integration-url", srv.URL)
	if code != ExitPass {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
	}
	if got.Vendor != "netsapiens" || got.Env["NS_API_KEY"] == "" || got.Env["XFER_CONSULT"] != "1010" {
		t.Errorf("hand-over: %+v", got)
	}
	mu.Lock()
	fail = true
	mu.Unlock()
	code, out, _ = run(t, "--vendor", "netsapiens", "--integration-url", srv.URL)
	if code != ExitFailed || !strings.Contains(out, "the integration endpoint answered 500") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// Flags of integration mode are checked before anything runs.
func TestIntegrationUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--integration", "x", "--integration-url", "http://x"}, "not both"},
		{[]string{"--integration-url", "ftp://x"}, "--integration-url must be"},
		{[]string{"--integration", "x", "--integration-timeout", "0s"}, "--integration-timeout must be positive"},
	} {
		code, _, errOut := run(t, c.args...)
		if code != ExitUsage || !strings.Contains(errOut, c.says) {
			t.Errorf("%v: exit %d %q", c.args, code, errOut)
		}
	}
	// Integration mode selects only @integration scenarios.
	code, out, _ := run(t, "--list", "--integration", "x")
	if code != ExitPass || !strings.Contains(out, "2 scenarios") {
		t.Errorf("--list --integration: exit %d\n%s", code, out)
	}
}

type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Suites   []struct {
		Cases []struct {
			Name    string `xml:"name,attr"`
			File    string `xml:"file,attr"`
			Out     string `xml:"system-out"`
			Failure *struct {
				Type    string `xml:"type,attr"`
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			Error *struct {
				Type string `xml:"type,attr"`
			} `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, path string) junitDoc {
	t.Helper()
	var j junitDoc
	if err := xml.Unmarshal([]byte(readFile(t, path)), &j); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return j
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
