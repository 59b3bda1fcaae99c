package target

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// TenantConfig names the real tenants of the registered vendors (one
// section each, by the vendor's name), the credentials the specs use and
// who plays which role. It comes from a YAML file (--config) and
// environment variables, which win over the file. docs/targets.md
// documents every field and variable.
type TenantConfig struct {
	// Sections are the vendors' sections by name; a vendor with neither a
	// section in the file nor a variable set has none.
	Sections map[string]TenantSection
	// PersonTimeout bounds each wait for a person at a phone ("90s").
	PersonTimeout string
	// AllowFindings are the contract findings the integration under test
	// may yield (RULE or RULE@OPERATION, as --allow-finding;
	// docs/contracts.md). Unlike the sections, they apply on every target.
	AllowFindings []string

	personTimeout time.Duration
}

// Section is the vendor's section, nil when none is configured.
func (c *TenantConfig) Section(vendor string) TenantSection { return c.Sections[vendor] }

// fileShape is the YAML file's shape: personTimeout and one field per
// registered vendor, a pointer to its section (nil when the file has
// none), so unknown fields are refused as in any strict decode.
func fileShape(vendors []Vendor) reflect.Type {
	fields := []reflect.StructField{
		{Name: "PersonTimeout", Type: reflect.TypeOf(""), Tag: `yaml:"personTimeout"`},
		{Name: "AllowFindings", Type: reflect.TypeOf([]string(nil)), Tag: `yaml:"allowFindings,omitempty"`},
	}
	for i, v := range vendors {
		fields = append(fields, reflect.StructField{Name: fmt.Sprintf("V%d", i), Type: reflect.TypeOf(v.NewTenant()), Tag: reflect.StructTag(`yaml:"` + v.Name() + `"`)})
	}
	return reflect.StructOf(fields)
}

// sectionField is the index of the first vendor section in fileShape.
const sectionField = 2

// MarshalYAML writes the config in the file's format (LoadTenantConfig
// reads it back).
func (c *TenantConfig) MarshalYAML() (any, error) {
	vendors := registered()
	doc := reflect.New(fileShape(vendors)).Elem()
	doc.Field(0).SetString(c.PersonTimeout)
	doc.Field(1).Set(reflect.ValueOf(c.AllowFindings))
	for i, v := range vendors {
		if s := c.Sections[v.Name()]; s != nil {
			doc.Field(i + sectionField).Set(reflect.ValueOf(s))
		}
	}
	return doc.Interface(), nil
}

// LoadTenantConfig reads path (when not "") and then the XFER_* variables
// through getenv.
func LoadTenantConfig(path string, getenv func(string) string) (*TenantConfig, error) {
	vendors := registered()
	c := &TenantConfig{Sections: map[string]TenantSection{}}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--config: %w", err)
		}
		doc := reflect.New(fileShape(vendors))
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(doc.Interface()); err != nil {
			return nil, fmt.Errorf("--config %s: %v", path, err)
		}
		c.PersonTimeout = doc.Elem().Field(0).String()
		c.AllowFindings = doc.Elem().Field(1).Interface().([]string)
		for i, v := range vendors {
			if f := doc.Elem().Field(i + sectionField); !f.IsNil() {
				c.Sections[v.Name()] = f.Interface().(TenantSection)
			}
		}
	}
	c.fromEnv(vendors, getenv)
	var err error
	if c.personTimeout, err = ParseDuration("personTimeout (XFER_PERSON_TIMEOUT)", c.PersonTimeout); err != nil {
		return nil, err
	}
	for _, v := range vendors {
		if s := c.Sections[v.Name()]; s != nil {
			if err := s.Load(); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// ParseDuration reads a config duration ("" is 0); what names the field
// and its variable in the error.
func ParseDuration(what, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s: %q is not a duration like 90s", what, s)
	}
	return d, nil
}

// PersonTimeoutOr returns the configured wait for a person, or def.
func (c *TenantConfig) PersonTimeoutOr(def time.Duration) time.Duration {
	if c.personTimeout > 0 {
		return c.personTimeout
	}
	return def
}

// fromEnv applies the XFER_* variables: a vendor without a section gets
// one when one of its variables is set.
func (c *TenantConfig) fromEnv(vendors []Vendor, getenv func(string) string) {
	if getenv == nil {
		return
	}
	if v := getenv("XFER_PERSON_TIMEOUT"); v != "" {
		c.PersonTimeout = v
	}
	for _, v := range vendors {
		s, had := c.Sections[v.Name()]
		if !had {
			s = v.NewTenant()
		}
		set := false
		for k, p := range s.Env() {
			if val := getenv(k); val != "" {
				*p, set = val, true
			}
		}
		if had || set {
			c.Sections[v.Name()] = s
		}
	}
}

// Validate says what the vendor's target still lacks, naming each field
// with its variable.
func (c *TenantConfig) Validate(vendor string) error {
	v, ok := vendorNamed(vendor)
	if !ok {
		return noTenantTarget(vendor)
	}
	s := c.Sections[vendor]
	if s == nil {
		return v.Unconfigured()
	}
	if missing := s.Missing(); len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("the %s target needs: %s", vendor, strings.Join(missing, ", "))
	}
	return nil
}

// Secrets lists every credential of the config, to mask in any output.
func (c *TenantConfig) Secrets() []string {
	var out []string
	for _, v := range registered() {
		if s := c.Sections[v.Name()]; s != nil {
			for _, x := range s.Secrets() {
				if x != "" {
					out = append(out, x)
				}
			}
		}
	}
	return out
}
