package target

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/client/netsapiens"
	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
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

// Tenant is a real RingCentral account or NetSapiens domain (vendor
// "ringcentral" or "netsapiens"), or pbxsim started with --no-control
// posing as one. It has no control API: the world is played through the
// vendor API and, where only a phone can act, a person (see WorldDriver).
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
	if r := c.RingCentral; vendor == "ringcentral" && r != nil {
		person := func(x RCRole) Person {
			return Person{Name: x.Name, Extension: x.Extension, ID: x.ExtensionID, Number: x.PhoneNumber, JWT: x.JWT, DeviceID: x.DeviceID}
		}
		f.RingCentral = &RingCentralFacts{
			ServerURL: strings.TrimRight(r.Server, "/"), ClientID: r.ClientID, ClientSecret: r.ClientSecret, AccountID: r.Account,
			Customer: person(r.Customer), Operator: person(r.Operator), Consult: person(r.Consult),
		}
	}
	if n := c.NetSapiens; vendor == "netsapiens" && n != nil {
		person := func(x NSRole) Person {
			return Person{Name: x.Name, Extension: x.User, ID: x.User, Number: x.Number, Password: x.Password, DeviceID: x.DeviceID}
		}
		nf := &NetSapiensFacts{
			ServerURL: strings.TrimRight(n.Server, "/"), Domain: n.Domain,
			DomainKey: n.APIKey, ReadOnlyKey: n.ReadOnlyKey, ClientID: n.ClientID, ClientSecret: n.ClientSecret,
			Operator: person(n.Operator), Consult: person(n.Consult),
			OutsideCaller: n.OutsideCaller, InboundNumber: n.InboundNumber, DialVia: n.DialVia,
		}
		if nf.InboundNumber == "" {
			nf.InboundNumber = nf.Operator.Number
		}
		nf.ApplyDelay = n.applyDelay
		f.NetSapiens = nf
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
	f := cfg.facts(vendor)
	var err error
	switch vendor {
	case "ringcentral":
		err = checkRingCentral(ctx, f.RingCentral, hc)
	case "netsapiens":
		err = checkNetSapiens(ctx, f.NetSapiens, hc)
	default:
		err = fmt.Errorf("no tenant target %q (ringcentral or netsapiens)", vendor)
	}
	if err != nil {
		return maskedError{err: err, secrets: cfg.Secrets()}
	}
	return nil
}

func checkRingCentral(ctx context.Context, f *RingCentralFacts, hc *http.Client) error {
	for _, role := range []struct {
		name string
		p    Person
	}{{"customer", f.Customer}, {"operator", f.Operator}, {"consult", f.Consult}} {
		c, err := rc.New(rc.Config{ServerURL: f.ServerURL, ClientID: f.ClientID, ClientSecret: f.ClientSecret, JWT: role.p.JWT, HTTPClient: hc, UserAgent: "xfer-conform/check"})
		if err != nil {
			return err
		}
		err = c.Login(ctx)
		var ae *rc.APIError
		switch {
		case errors.As(err, &ae):
			return fmt.Errorf("%w: RingCentral at %s refused the %s's JWT (extension %s): %v", ErrCredentialsRefused, f.ServerURL, role.name, role.p.Extension, err)
		case err != nil:
			return fmt.Errorf("%w: RingCentral at %s: %v", ErrUnreachable, f.ServerURL, err)
		}
	}
	return nil
}

func checkNetSapiens(ctx context.Context, f *NetSapiensFacts, hc *http.Client) error {
	keys := []struct{ what, key string }{{"API key", f.DomainKey}, {"read-only API key", f.ReadOnlyKey}}
	for _, k := range keys {
		if k.key == "" {
			continue
		}
		c, err := netsapiens.New(netsapiens.Config{BaseURL: f.ServerURL, Domain: f.Domain, Auth: netsapiens.APIKey(k.key), HTTPClient: hc})
		if err != nil {
			return err
		}
		_, err = c.Calls(ctx)
		switch status := netsapiens.StatusOf(err); {
		case err == nil:
		case status != 0:
			return fmt.Errorf("%w: NetSapiens at %s refused the %s for domain %s: %v", ErrCredentialsRefused, f.ServerURL, k.what, f.Domain, err)
		default:
			return fmt.Errorf("%w: NetSapiens at %s: %v", ErrUnreachable, f.ServerURL, err)
		}
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
