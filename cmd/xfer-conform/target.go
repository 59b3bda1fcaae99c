package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/target"
	"github.com/xfer-conform/xfer-conform/steps/target/embedded"
)

// configAllowList is the --config file's allowFindings (none without a
// file); a file that cannot be read is reported by selectTarget.
func configAllowList(o options) []string {
	if o.config == "" {
		return nil
	}
	cfg, err := target.LoadTenantConfig(o.config, func(string) string { return "" })
	if err != nil {
		return nil
	}
	return cfg.AllowFindings
}

// isTenant says --target names a real tenant (a registered vendor)
// rather than a pbxsim.
func isTenant(target string) bool { return slices.Contains(steps.VendorNames(), target) }

// selectTarget turns --target into the scenarios' target: "embedded", the
// URL of a running pbxsim, or a real tenant ("ringcentral", "netsapiens")
// configured by --config and XFER_* variables (docs/targets.md). A URL or
// a tenant is checked first: unreachable, or a credential refused, exits 4
// with a message that names no secret.
func (m *Main) selectTarget(ctx context.Context, o options) (target.New, *target.TenantConfig, int) {
	if o.config != "" && !isTenant(o.target) {
		// On a pbxsim the file may carry allowFindings (configAllowList),
		// but a tenant section means the user meant a tenant target.
		cfg, err := target.LoadTenantConfig(o.config, func(string) string { return "" })
		if err != nil {
			fmt.Fprintf(m.Stderr, "xfer-conform: %v\n", err)
			return nil, nil, ExitUsage
		}
		if len(cfg.Sections) > 0 {
			fmt.Fprintf(m.Stderr, "xfer-conform: --config's tenant sections configure --target %s, not %q\n", vendorList(false), o.target)
			return nil, nil, ExitUsage
		}
	}
	switch {
	case o.target == "embedded":
		return embedded.NewWith(embedded.Options{Dialects: m.Dialects}), nil, ExitPass
	case strings.HasPrefix(o.target, "http://") || strings.HasPrefix(o.target, "https://"):
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		ctl := control.New(o.target, nil).WithToken(o.controlToken)
		_, err := ctl.Health(cctx)
		cancel()
		if err != nil {
			fmt.Fprintf(m.Stderr, "xfer-conform: target %s unreachable or refused: %v\n", o.target, target.Redact(err.Error()))
			return nil, nil, ExitUnreachable
		}
		return target.URL(o.target, o.controlToken, embedded.OwnWith(m.Dialects)), nil, ExitPass
	case isTenant(o.target):
		getenv := m.Getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		cfg, err := target.LoadTenantConfig(o.config, getenv)
		if err != nil {
			fmt.Fprintf(m.Stderr, "xfer-conform: %v\n", err)
			return nil, nil, ExitUsage
		}
		newTarget, err := target.Tenant(o.target, cfg)
		if err != nil {
			fmt.Fprintf(m.Stderr, "xfer-conform: %v (docs/targets.md)\n", err)
			return nil, nil, ExitUsage
		}
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = target.CheckTenant(cctx, o.target, cfg, nil)
		cancel()
		if err != nil {
			fmt.Fprintf(m.Stderr, "xfer-conform: target %s: %v\n", o.target, err)
			return nil, nil, ExitUnreachable
		}
		return newTarget, cfg, ExitPass
	}
	fmt.Fprintf(m.Stderr, "xfer-conform: --target must be \"embedded\", a pbxsim URL like http://127.0.0.1:8080, %s, not %q\n", vendorList(true), o.target)
	return nil, nil, ExitUsage
}

// withPeople adds who answers for the world on a target without a control
// API: a person prompted on Stderr (or m.Phones), with the tenant's wait;
// and where skip reasons go.
func (m *Main) withPeople(cfg steps.Config, tenant *target.TenantConfig) steps.Config {
	cfg.Notices = m.Stderr
	cfg.Phones = m.Phones
	if tenant != nil {
		cfg.PersonTimeout = tenant.PersonTimeoutOr(0)
	}
	return cfg
}
