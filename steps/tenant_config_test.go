package steps_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	rcsteps "github.com/xfer-conform/xfer-conform/steps/ringcentral"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// Rule: a tenant comes from a YAML file and XFER_* variables,
// the variables winning; unknown YAML fields are refused (a typo must not
// silently drop a credential). Source: docs/targets.md.
func TestTenantConfigFileAndEnvironment(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tenant.yaml")
	yaml := "personTimeout: 90s\nringcentral:\n  server: https://platform.ringcentral.com\n  clientId: app\n  clientSecret: from-file\n  operator: {extension: \"102\", jwt: op-jwt}\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"XFER_RC_CLIENT_SECRET": "from-env", "XFER_RC_JWT_CUSTOMER": "cu-jwt", "XFER_RC_EXT_CUSTOMER": "101",
		"XFER_RC_JWT_CONSULT": "co-jwt", "XFER_RC_EXT_CONSULT": "103",
	}
	c, err := target.LoadTenantConfig(file, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate("ringcentral"); err != nil {
		t.Fatal(err)
	}
	r := c.Section("ringcentral").(*rcsteps.Tenant)
	if r.ClientSecret != "from-env" || r.Operator.JWT != "op-jwt" || r.Customer.Extension != "101" {
		t.Fatalf("file and environment not merged: %+v", r)
	}
	if n := c.Section("netsapiens"); n != nil {
		t.Fatalf("no XFER_NS_* variable and no netsapiens section should leave NetSapiens unset: %+v", n)
	}
	if got := c.PersonTimeoutOr(time.Minute); got != 90*time.Second {
		t.Fatalf("person timeout %s, want 90s", got)
	}
	if err := c.Validate("netsapiens"); err == nil || !strings.Contains(err.Error(), "no NetSapiens server configured") {
		t.Fatalf("Validate(netsapiens) = %v", err)
	}
	newTarget, err := target.Tenant("ringcentral", c)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := newTarget(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	f := tg.Facts().Of("ringcentral").(*rcsteps.Facts)
	if f.Operator.JWT != "op-jwt" || f.Consult.Extension != "103" || f.ServerURL != "https://platform.ringcentral.com" {
		t.Fatalf("facts %+v", f)
	}

	if err := os.WriteFile(file, []byte("ringcentral:\n  clientSecrett: typo\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := target.LoadTenantConfig(file, nil); err == nil || !strings.Contains(err.Error(), "clientSecrett") {
		t.Fatalf("a misspelt field should be refused, got %v", err)
	}
}
