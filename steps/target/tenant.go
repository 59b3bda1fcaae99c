package target

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/xfer-conform/xfer-conform/client/control"
)

// ErrHarness marks failures of the harness or the target (cannot start the
// simulator, target unreachable) rather than of the behaviour under test.
var ErrHarness = errors.New("harness error")

// Errors of a tenant check; the command exits 4 on either.
var (
	// ErrUnreachable: the target's server did not answer.
	ErrUnreachable = errors.New("target unreachable")
	// ErrCredentialsRefused: the server answered and refused a credential.
	ErrCredentialsRefused = errors.New("credentials refused")
)

// Tenant is a registered vendor's real tenant (vendor is its name), or
// pbxsim started with --no-control posing as one. It has no control API:
// the world is played through the vendor API and, where only a phone can
// act, a person (see WorldDriver).
func Tenant(vendor string, cfg *TenantConfig) (New, error) {
	if err := cfg.Validate(vendor); err != nil {
		return nil, err
	}
	return func(context.Context, *http.Client) (Target, error) {
		return &tenantTarget{name: vendor, facts: cfg.facts(vendor)}, nil
	}, nil
}

type tenantTarget struct {
	name  string
	facts Facts
}

func (t *tenantTarget) Name() string             { return t.name }
func (t *tenantTarget) Facts() Facts             { return t.facts }
func (t *tenantTarget) Control() *control.Client { return nil }
func (t *tenantTarget) Close() error             { return nil }

// facts builds a fresh copy of the vendor's facts for one scenario (steps
// fill in what they learn, such as extension IDs and devices).
func (c *TenantConfig) facts(vendor string) Facts {
	var f Facts
	if s := c.Sections[vendor]; s != nil {
		f.Vendors = map[string]any{vendor: s.Facts()}
	}
	return f
}

// CheckTenant signs in with every credential of the vendor's config, so a
// run fails at once, with exit 4, when the server is unreachable or a
// credential is refused. Errors wrap ErrUnreachable or
// ErrCredentialsRefused and never contain a secret.
func CheckTenant(ctx context.Context, vendor string, cfg *TenantConfig, hc *http.Client) error {
	if hc == nil {
		hc = &http.Client{}
	}
	var err error
	if _, ok := vendorNamed(vendor); !ok {
		err = noTenantTarget(vendor)
	} else if s := cfg.Sections[vendor]; s == nil {
		err = fmt.Errorf("no %s tenant configured", vendor)
	} else {
		err = s.Check(ctx, hc)
	}
	if err != nil {
		return maskedError{err: err, secrets: cfg.Secrets()}
	}
	return nil
}

// maskedError hides every configured secret in an error's text, whatever
// a server or a library put in it.
type maskedError struct {
	err     error
	secrets []string
}

func (e maskedError) Error() string { return MaskSecrets(e.err.Error(), e.secrets) }
func (e maskedError) Unwrap() error { return e.err }

// MaskSecrets replaces each secret in s, then applies Redact.
func MaskSecrets(s string, secrets []string) string {
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return Redact(s)
}
