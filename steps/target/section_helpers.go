package target

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tidwall/gjson"
)

// Helpers for a vendor's target.Vendor and TenantSection: the parts every
// vendor writes the same way.

// Aliases reads a template scenario and a tenant set made from it, for a
// vendor's ScenarioAliases: pair(path) records the value at path in the
// template as renamed to the set's value there (when both are set and
// differ).
func Aliases(template, set json.RawMessage, out map[string]string) (got gjson.Result, tpl gjson.Result, pair func(path string)) {
	tpl, got = gjson.ParseBytes(template), gjson.ParseBytes(set)
	pair = func(path string) {
		a, b := tpl.Get(path).String(), got.Get(path).String()
		if a != "" && b != "" && a != b {
			out[a] = b
		}
	}
	return got, tpl, pair
}

// Needs collects what a tenant section still lacks, for its Missing.
type Needs []string

// Need adds name when v is blank.
func (n *Needs) Need(v, name string) {
	if strings.TrimSpace(v) == "" {
		*n = append(*n, name)
	}
}

// SignInError classifies a credential check's error for a section's
// Check: refused (the server answered no) wraps ErrCredentialsRefused
// with what was refused, anything else ErrUnreachable.
func SignInError(vendor, server string, refused bool, what string, err error) error {
	if refused {
		return fmt.Errorf("%w: %s at %s refused %s: %v", ErrCredentialsRefused, vendor, server, what, err)
	}
	return fmt.Errorf("%w: %s at %s: %v", ErrUnreachable, vendor, server, err)
}
