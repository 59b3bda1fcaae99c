package scenario

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"gopkg.in/yaml.v3"
)

// Tenants on demand (issue 12 item 1, docs/control-api.md): a tenant set
// is a scenario holding only tenants (dialect sections, and the outside
// numbers its calls use), made from a template by Fresh. Every identifier
// that must be unique on the server and every secret is drawn from
// crypto/rand (each section's Fresh), so tenant sets made from one
// template never meet and no secret can be guessed from another tenant's.

// TenantTemplate returns a copy of the scenario's tenant sections: what
// POST /sim/v1/tenants copies when it is given no description.
func (sc *Scenario) TenantTemplate() *Scenario {
	out := &Scenario{Name: sc.Name, Outside: append([]OutsideNumber(nil), sc.Outside...)}
	for _, k := range sc.sections {
		out.sections = append(out.sections, keyed{k.key, k.s.Clone()})
	}
	return out
}

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
		return nil, &Error{File: name, Reason: fmt.Sprintf("the description must be an object with a tenant section (%s)", kindList())}
	}
	top := root.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		k := top.Content[i].Value
		if _, section := kindOf(k); section || k == "name" || k == "outside" {
			continue
		}
		var held []string
		for _, kind := range SectionKinds() {
			held = append(held, kind.Key)
		}
		return nil, &Error{File: name, Field: k, Reason: fmt.Sprintf("field %q cannot be set per tenant (a tenant description holds name, %s and outside)", k, strings.Join(held, ", "))}
	}
	sc, err := decode(data, top)
	if err != nil {
		return nil, yamlError(name, err)
	}
	if len(sc.sections) == 0 {
		return nil, &Error{File: name, Reason: fmt.Sprintf("the description has no tenant section (one of %s)", kindList())}
	}
	return sc, nil
}

// Fresh returns a tenant set shaped like tpl with every section's
// identifiers and secrets drawn anew (Section.Fresh): names, extension
// numbers, quirks and answer policies are kept. The result is validated;
// an *Error names the field of tpl at fault.
func Fresh(tpl *Scenario) (*Scenario, error) {
	out := &Scenario{Name: tpl.Name, Outside: append([]OutsideNumber(nil), tpl.Outside...)}
	for _, k := range tpl.sections {
		out.sections = append(out.sections, keyed{k.key, k.s.Fresh()})
	}
	if len(out.sections) == 0 {
		return nil, &Error{File: "tenant description", Reason: fmt.Sprintf("the template has no tenant section (one of %s)", kindList())}
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

// Alphabets for RandText.
const (
	Decimal     = "0123456789"
	HexAlphabet = "0123456789abcdef"
	Alnum       = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// FreshNumber is a North American number in the 555 range of a random
// area code: +1 AAA 555 XXXX, 10^7 of them, so a collision among live
// tenants is rare; the server checks and retries (numbers must be unique).
func FreshNumber() string {
	return "+1" + RandText("23456789", 1) + RandText(Decimal, 2) + "555" + RandText(Decimal, 4)
}

// RandText draws n characters of alphabet from crypto/rand.
func RandText(alphabet string, n int) string {
	max := big.NewInt(int64(len(alphabet)))
	b := make([]byte, n)
	for i := range b {
		v, _ := rand.Int(rand.Reader, max) // never fails (crypto/rand, Go 1.24+)
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}

// CloneMap copies a string map (nil stays nil).
func CloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// CheckSection validates a section (or a part of one) posted on its own
// (e.g. PUT /sim/v1/tenants/{id}/ratelimits) with validate; an *Error of
// file names the field at fault.
func CheckSection(file string, validate func() error) error {
	if err := validate(); err != nil {
		var ve *validationError
		if errors.As(err, &ve) {
			return &Error{File: file, Field: strings.TrimPrefix(ve.path, "."), Reason: ve.msg}
		}
		return err
	}
	return nil
}
