package scenario

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"gopkg.in/yaml.v3"
)

// Tenants on demand (issue 12 item 1, docs/control-api.md): a tenant set
// is a scenario holding only tenants (a ringcentral and/or a netsapiens
// section, and the outside numbers its calls use), made from a template
// by Fresh. Every identifier that must be unique on the server and every
// secret is drawn from crypto/rand, so tenant sets made from one template
// never meet and no secret can be guessed from another tenant's.

// TenantTemplate returns a copy of the scenario's tenant sections: what
// POST /sim/v1/tenants copies when it is given no description.
func (sc *Scenario) TenantTemplate() *Scenario {
	return &Scenario{
		Name:        sc.Name,
		RingCentral: cloneRC(sc.RingCentral),
		NetSapiens:  cloneNS(sc.NetSapiens),
		Outside:     append([]OutsideNumber(nil), sc.Outside...),
	}
}

// tenantFields are the top-level fields a tenant description may carry.
var tenantFields = map[string]bool{"name": true, "ringcentral": true, "netsapiens": true, "outside": true}

// ParseTenants decodes a posted tenant description (JSON or YAML shaped
// like a scenario's tenant sections). An error is an *Error whose Field
// names the offending field.
func ParseTenants(data []byte) (*Scenario, error) {
	const name = "tenant description"
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, &Error{File: name, Reason: "the description must be an object with a ringcentral and/or a netsapiens section"}
	}
	top := root.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		if k := top.Content[i].Value; !tenantFields[k] {
			return nil, &Error{File: name, Field: k, Reason: fmt.Sprintf("field %q cannot be set per tenant (a tenant description holds name, ringcentral, netsapiens and outside)", k)}
		}
	}
	var sc Scenario
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&sc); err != nil {
		return nil, yamlError(name, err)
	}
	if sc.RingCentral == nil && sc.NetSapiens == nil {
		return nil, &Error{File: name, Reason: "the description has neither a ringcentral nor a netsapiens section"}
	}
	return &sc, nil
}

// Fresh returns a tenant set shaped like tpl with fresh account, extension
// and device ids, a fresh domain name, fresh phone numbers, OAuth clients,
// JWT assertions, passwords and API keys. Names, extension numbers, user
// ids within a domain, quirks, rate limits and answer policies are kept.
// The result is validated; an *Error names the field of tpl at fault.
func Fresh(tpl *Scenario) (*Scenario, error) {
	out := &Scenario{Name: tpl.Name, Outside: append([]OutsideNumber(nil), tpl.Outside...)}
	if rc := cloneRC(tpl.RingCentral); rc != nil {
		rc.Clients = []RCClient{{ID: "pbxsim-" + randText(hexAlphabet, 16), Secret: randText(alnum, 32)}}
		for i := range rc.Accounts {
			a := &rc.Accounts[i]
			a.ID = "7" + randText(decimal, 9)
			if a.MainNumber != "" {
				a.MainNumber = freshNumber()
			}
			for j := range a.Extensions {
				e := &a.Extensions[j]
				e.ID = "8" + randText(decimal, 11)
				for k := range e.PhoneNumbers {
					e.PhoneNumbers[k] = freshNumber()
				}
				for k := range e.Devices {
					e.Devices[k].ID = "9" + randText(decimal, 11)
				}
				e.JWT = "jwt-" + randText(alnum, 40)
				e.Password = randText(alnum, 20)
			}
		}
		out.RingCentral = rc
	}
	if ns := cloneNS(tpl.NetSapiens); ns != nil {
		ns.Clients = []NSClient{{ID: "pbxsim-ns-" + randText(hexAlphabet, 16), Secret: randText(alnum, 32)}}
		for i := range ns.Domains {
			d := &ns.Domains[i]
			d.Name = "t" + randText(hexAlphabet, 12) + "." + sanitizeDomain(d.Name)
			for j := range d.Users {
				u := &d.Users[j]
				for k := range u.Numbers {
					u.Numbers[k] = freshNumber()
				}
				u.Password = randText(alnum, 20)
			}
			for j := range d.APIKeys {
				k := &d.APIKeys[j]
				prefix := "nsd_"
				if len(k.Key) >= 4 {
					prefix = k.Key[:4]
				}
				k.Key = prefix + randText(alnum, 56)
			}
		}
		out.NetSapiens = ns
	}
	if out.RingCentral == nil && out.NetSapiens == nil {
		return nil, &Error{File: "tenant description", Reason: "the template has neither a ringcentral nor a netsapiens section"}
	}
	if err := out.validate(); err != nil {
		var ve *validationError
		if errors.As(err, &ve) {
			return nil, &Error{File: "tenant description", Field: ve.path, Reason: ve.msg}
		}
		return nil, &Error{File: "tenant description", Reason: err.Error()}
	}
	out.defaults()
	return out, nil
}

func sanitizeDomain(s string) string {
	b := []byte{}
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			b = append(b, c)
		}
	}
	if len(b) == 0 || len(b) > 40 {
		return "tenant"
	}
	return string(b)
}

const (
	decimal     = "0123456789"
	hexAlphabet = "0123456789abcdef"
	alnum       = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// freshNumber is a North American number in the 555 range of a random
// area code: +1 AAA 555 XXXX, 10^7 of them, so a collision among live
// tenants is rare; the server checks and retries (numbers must be unique).
func freshNumber() string {
	return "+1" + randText("23456789", 1) + randText(decimal, 2) + "555" + randText(decimal, 4)
}

// randText draws n characters of alphabet from crypto/rand.
func randText(alphabet string, n int) string {
	max := big.NewInt(int64(len(alphabet)))
	b := make([]byte, n)
	for i := range b {
		v, _ := rand.Int(rand.Reader, max) // never fails (crypto/rand, Go 1.24+)
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}

func cloneRC(rc *RingCentral) *RingCentral {
	if rc == nil {
		return nil
	}
	c := *rc
	c.Clients = append([]RCClient(nil), rc.Clients...)
	c.Accounts = make([]RCAccount, len(rc.Accounts))
	for i, a := range rc.Accounts {
		a.Quirks = cloneMap(a.Quirks)
		if a.RateLimits != nil {
			rl := *a.RateLimits
			a.RateLimits = &rl
		}
		exts := make([]RCExtension, len(a.Extensions))
		for j, e := range a.Extensions {
			e.PhoneNumbers = append([]string(nil), e.PhoneNumbers...)
			e.Devices = append([]Device(nil), e.Devices...)
			exts[j] = e
		}
		a.Extensions = exts
		c.Accounts[i] = a
	}
	return &c
}

func cloneNS(ns *NetSapiens) *NetSapiens {
	if ns == nil {
		return nil
	}
	c := *ns
	c.Clients = append([]NSClient(nil), ns.Clients...)
	c.Domains = make([]NSDomain, len(ns.Domains))
	for i, d := range ns.Domains {
		d.Quirks = cloneMap(d.Quirks)
		users := make([]NSUser, len(d.Users))
		for j, u := range d.Users {
			u.Numbers = append([]string(nil), u.Numbers...)
			u.Devices = append([]Device(nil), u.Devices...)
			users[j] = u
		}
		d.Users = users
		d.APIKeys = append([]NSAPIKey(nil), d.APIKeys...)
		c.Domains[i] = d
	}
	return &c
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// CheckRateLimits validates a rate-limit profile posted on its own (PUT
// /sim/v1/tenants/{id}/ratelimits); an *Error names the field at fault.
func CheckRateLimits(l RCRateLimits) error {
	if err := l.validate(""); err != nil {
		var ve *validationError
		if errors.As(err, &ve) {
			return &Error{File: "rate limits", Field: strings.TrimPrefix(ve.path, "."), Reason: ve.msg}
		}
		return err
	}
	return nil
}
