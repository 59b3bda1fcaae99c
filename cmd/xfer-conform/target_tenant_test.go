package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// secretScenario is the default scenario with every credential replaced by
// a value that appears nowhere else, so a leak cannot hide behind a common
// word such as "pbxsim".
func secretScenario() *scenario.Scenario {
	sc := scenario.Default()
	ringcentral.SectionOf(sc).Clients[0].Secret = "rcClientSecretQ7v2Lw"
	for i := range ringcentral.SectionOf(sc).Accounts[0].Extensions {
		x := &ringcentral.SectionOf(sc).Accounts[0].Extensions[i]
		x.JWT = fmt.Sprintf("rcJwtAssertion%dXk93Zt", i)
		x.Password = fmt.Sprintf("rcPassword%dHh2", i)
	}
	netsapiens.SectionOf(sc).Clients[0].Secret = "nsClientSecretP4mR8s"
	d := &netsapiens.SectionOf(sc).Domains[0]
	for i := range d.Users {
		d.Users[i].Password = fmt.Sprintf("nsPassword%dJq7", i)
	}
	for i := range d.APIKeys {
		k := &d.APIKeys[i]
		k.Key = k.Key[:4] + fmt.Sprintf("%056d", 7391+i)
	}
	return sc
}

// tenantOnPbxsim starts pbxsim --no-control on sc and writes the tenant
// config that points at it; it returns the server, the config file and
// the config's secrets.
func tenantOnPbxsim(t *testing.T, sc *scenario.Scenario) (func() *steps.PbxsimPhones, string, []string) {
	t.Helper()
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
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "tenant.yaml")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	phones := func() *steps.PbxsimPhones {
		return &steps.PbxsimPhones{Control: control.New(srv.URL(), nil).WithToken(token)}
	}
	return phones, file, cfg.Secrets()
}

func runTenant(t *testing.T, phones steps.Phones, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut, Phones: phones, Getenv: func(string) string { return "" }}
	code := m.Run(context.Background(), append([]string{"--no-colors"}, args...))
	return code, out.String(), errOut.String()
}

// Issue 5: "Secrets never appear in any output or report." A full run
// against each tenant target, with reports and the results bundle, shows
// none of the config's credentials in stdout, stderr or any file written.
func TestTenantRunsKeepSecretsOutOfOutputAndReports(t *testing.T) {
	srv, file, secrets := tenantOnPbxsim(t, secretScenario())
	if len(secrets) < 8 {
		t.Fatalf("the config should carry every kind of credential, has %d", len(secrets))
	}
	for _, vendor := range []string{"ringcentral", "netsapiens"} {
		dir := t.TempDir()
		code, out, errOut := runTenant(t, srv(), "--target", vendor, "--config", file, "--out", dir)
		if code != ExitPass {
			t.Fatalf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", vendor, code, out, errOut)
		}
		texts := map[string]string{"stdout": out, "stderr": errOut}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			texts[p] = string(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(texts) < 4 {
			t.Fatalf("%s: expected reports in %s, found %d outputs", vendor, dir, len(texts))
		}
		for where, text := range texts {
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("%s: %s contains the secret %q", vendor, where, s)
				}
			}
		}
	}
}

// Issue 5: "Exit code 4: target unreachable or credentials refused." A JWT
// the platform refuses at login stops the run before any scenario, with a
// message naming the role and not the JWT.
func TestTenantRefusedCredentialsExit4(t *testing.T) {
	_, file, _ := tenantOnPbxsim(t, secretScenario())
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(b), "rcJwtAssertion1Xk93Zt", "rcJwtWrongAssertionYy55", 1)
	badKey := strings.Replace(bad, "nsd_"+fmt.Sprintf("%056d", 7391), "nsd_"+fmt.Sprintf("%056d", 1), 1)
	if err := os.WriteFile(file, []byte(badKey), 0o600); err != nil {
		t.Fatal(err)
	}
	for vendor, says := range map[string]string{
		"ringcentral": "credentials refused: RingCentral at",
		"netsapiens":  "credentials refused: NetSapiens at",
	} {
		code, out, errOut := runTenant(t, nil, "--target", vendor, "--config", file)
		if code != ExitUnreachable || !strings.Contains(errOut, says) {
			t.Errorf("%s: exit %d, stderr %q; want %d saying %q", vendor, code, errOut, ExitUnreachable, says)
		}
		for _, s := range []string{"rcJwtWrongAssertionYy55", fmt.Sprintf("%056d", 1)} {
			if strings.Contains(out+errOut, s) {
				t.Errorf("%s: the refused credential %q is in the output: %s", vendor, s, errOut)
			}
		}
	}
	if !strings.Contains(func() string { _, _, e := runTenant(t, nil, "--target", "ringcentral", "--config", file); return e }(), "the operator's JWT") {
		t.Errorf("the message should name whose JWT was refused")
	}
}

// An unreachable tenant exits 4; a tenant target without its config is a
// usage error naming every missing field and its variable.
func TestTenantTargetErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tenant.yaml")
	conf := "netsapiens:\n  server: http://127.0.0.1:1\n  domain: TEST\n  apiKey: nsd_" + strings.Repeat("a", 56) + "\n  operator: {user: \"1000\", number: \"+11111111111\"}\n  consult: {user: \"1010\"}\n  outsideCaller: \"+15555555555\"\n"
	if err := os.WriteFile(file, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	partial := filepath.Join(t.TempDir(), "partial.yaml")
	if err := os.WriteFile(partial, []byte("netsapiens:\n  server: https://ns.example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--target", "netsapiens", "--config", file}, ExitUnreachable, "target unreachable: NetSapiens at http://127.0.0.1:1"},
		{[]string{"--target", "ringcentral", "--config", file}, ExitUsage, "no RingCentral tenant configured"},
		{[]string{"--target", "embedded", "--config", file}, ExitUsage, "--config's tenant sections configure --target netsapiens or ringcentral"},
		{[]string{"--target", "netsapiens"}, ExitUsage, "no NetSapiens server configured: set XFER_NS_* variables"},
		{[]string{"--target", "netsapiens", "--config", partial}, ExitUsage, "netsapiens.apiKey (XFER_NS_API_KEY), netsapiens.consult.user (XFER_NS_CONSULT)"},
		{[]string{"--target", "netsapiens", "--config", "/does/not/exist.yaml"}, ExitUsage, "--config"},
	}
	for _, c := range cases {
		code, _, errOut := runTenant(t, nil, c.args...)
		if code != c.code || !strings.Contains(errOut, c.says) {
			t.Errorf("%v: exit %d stderr %q; want %d saying %q", c.args, code, errOut, c.code, c.says)
		}
		if strings.Contains(errOut, strings.Repeat("a", 56)) {
			t.Errorf("%v: the API key is in the output", c.args)
		}
	}
}
