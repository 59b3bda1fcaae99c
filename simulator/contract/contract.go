// Package contract judges a request body against a written contract: the
// fields an operation takes, their types, enums and formats, which fields
// are required and which are unknown, and named traps (a field that is
// valid JSON but means something else to the vendor). It knows no vendor:
// each dialect writes its operations as data (contracts.go in the dialect)
// and decides, by the tenant's strictness, whether a finding is only
// noted in the journal or refused.
//
//	op := contract.Operation{Name: "transfer", Source: "SPEC45 CallActions",
//		Fields: []contract.Field{{Name: "hostname", Kind: contract.String}}}
//	for _, f := range op.Check(raw, nil) {
//		journalhttp.Note(r, f.Note())
//	}
//
// A finding never changes the outcome unless the strictness is Refuse.
package contract

import (
	"sort"
	"strings"
)

// Confidence says how sure a rule is: documented by the vendor, or
// inferred from several sources.
type Confidence string

// Confidences of a rule.
const (
	Documented Confidence = "documented"
	Inferred   Confidence = "inferred"
)

// Rule is one named check with where it comes from.
type Rule struct {
	Name       string
	Source     string
	Confidence Confidence
	// Doc says in one sentence what the rule catches.
	Doc string
	// VendorRefuses says the vendor itself refuses such a request, with an
	// error of its own (a 404 for IDs swapped in a body): the dialect
	// answers that, whatever the strictness, and the finding is noted.
	VendorRefuses bool
}

// Engine rules: shared by every dialect; an operation's own source is
// added to each finding.
var (
	RuleDuplicateKey = Rule{Name: "duplicate-key", Confidence: Inferred,
		Source: "RFC 8259 §4 (names SHOULD be unique; which one a parser keeps is unspecified)",
		Doc:    "A JSON object names the same field twice; pbxsim keeps the last, another parser may keep the first."}
	RuleInvalidUTF8 = Rule{Name: "invalid-utf8", Confidence: Inferred,
		Source: "RFC 8259 §8.1 (JSON text exchanged between systems MUST be UTF-8)",
		Doc:    "The body is not valid UTF-8; pbxsim replaces the bad bytes, a vendor may refuse the body."}
	RuleNumberAsString = Rule{Name: "number-as-string", Confidence: Inferred,
		Doc: "A field the contract types as a number (or boolean) is sent as a JSON string."}
	RuleWrongType = Rule{Name: "wrong-type", Confidence: Documented,
		Doc: "A field has another JSON type than the contract says."}
	RuleMissingRequired = Rule{Name: "missing-required", Confidence: Documented,
		Doc: "A required field is absent, null or empty."}
	RuleEnum = Rule{Name: "enum", Confidence: Documented,
		Doc: "A field's value is not one the contract lists."}
	RuleFormat = Rule{Name: "format", Confidence: Documented,
		Doc: "A field's value does not have the contract's format."}
	RuleUnknownField = Rule{Name: "unknown-field", Confidence: Inferred,
		Doc: "A field the operation does not take: the vendor ignores it at best, or acts on it."}
)

// EngineRules lists the engine's rules, for docs and allow-lists.
func EngineRules() []Rule {
	return []Rule{RuleDuplicateKey, RuleInvalidUTF8, RuleNumberAsString, RuleWrongType,
		RuleMissingRequired, RuleEnum, RuleFormat, RuleUnknownField}
}

// Kind is a field's JSON type.
type Kind int

// Kinds of a field.
const (
	Any Kind = iota
	String
	Number
	Boolean
	Object
	Array
	null // a value's kind only: JSON null
)

func (k Kind) String() string {
	if k < Any || k > null {
		return "unknown"
	}
	return [...]string{"any", "string", "number", "boolean", "object", "array", "null"}[k]
}

// Format checks a string field's value.
type Format struct {
	Name  string
	Valid func(string) bool
}

// Field is one field of an operation's body.
type Field struct {
	Name     string
	Kind     Kind
	Required bool
	// Enum lists the values a string field may take (empty: any).
	Enum []string
	// Format, if set, checks a string field's value.
	Format *Format
	// NumberOK lets a String field be sent as a JSON number too (the
	// vendor's own examples do so).
	NumberOK bool
	// Fields describes an Object field's members (nil: not checked).
	Fields []Field
}

// Trap is a named mistake the types cannot see: valid JSON the vendor
// takes differently from what the client meant. Match gets the decoded
// top-level body and the request's path parameters and returns the
// finding's detail when the trap is sprung.
type Trap struct {
	Rule  Rule
	Match func(b Body, path map[string]string) (detail string, sprung bool)
}

// Operation is one request the vendor serves, as the contract sees it.
type Operation struct {
	Name   string
	Source string
	Fields []Field
	// AllowUnknown: fields outside Fields are not findings.
	AllowUnknown bool
	Traps        []Trap
}

// Finding is one violation of a contract.
type Finding struct {
	Rule      Rule
	Operation string
	Field     string
	Detail    string
	// Source is where the rule comes from for this operation.
	Source string
}

// NotePrefix starts every finding's journal note; the integration judge
// finds findings by it.
const NotePrefix = "contract finding "

// Note renders the finding as a journal note:
//
//	contract finding <rule> on <operation>: <detail> (source: <source>; confidence: <confidence>)
func (f Finding) Note() string {
	return NotePrefix + f.Rule.Name + " on " + f.Operation + ": " + f.Detail +
		" (source: " + f.Source + "; confidence: " + string(f.Rule.Confidence) + ")"
}

// Check judges raw, a request body, against the operation. path holds the
// request's path parameters (for traps). An empty body is an empty
// object; a body that is not a JSON object yields no findings (the
// dialect refuses it with the vendor's error).
func (op Operation) Check(raw []byte, path map[string]string) []Finding {
	f, _ := op.Judge(raw, path)
	return f
}

// Judge is Check that also returns the decoded body (nil when raw is not
// a JSON object), for a dialect's own checks that read it: the body is
// decoded once per request.
func (op Operation) Judge(raw []byte, path map[string]string) ([]Finding, Body) {
	c := checker{op: op}
	b, ok := decodeValid(raw, c.lexical(raw))
	if !ok {
		return c.out, nil
	}
	c.fields("", op.Fields, b, !op.AllowUnknown)
	for _, t := range op.Traps {
		if detail, sprung := t.Match(b, path); sprung {
			c.add(t.Rule, "", detail)
		}
	}
	sort.SliceStable(c.out, func(i, j int) bool { return c.out[i].Rule.Name < c.out[j].Rule.Name })
	return c.out, b
}

type checker struct {
	op  Operation
	out []Finding
}

func (c *checker) add(r Rule, field, detail string) {
	src := r.Source
	if src == "" {
		src = c.op.Source
	}
	c.out = append(c.out, Finding{Rule: r, Operation: c.op.Name, Field: field, Detail: detail, Source: src})
}

func (c *checker) fields(prefix string, fields []Field, b Body, unknown bool) {
	known := make(map[string]bool, len(fields))
	for _, f := range fields {
		known[f.Name] = true
		c.field(prefix+f.Name, f, b)
	}
	if !unknown {
		return
	}
	names := make([]string, 0, len(b))
	for k := range b {
		if !known[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		c.add(RuleUnknownField, prefix+k, "field "+quote(prefix+k)+" is not part of "+c.op.Name)
	}
}

func (c *checker) field(name string, f Field, b Body) {
	v, present := b[name[strings.LastIndexByte(name, '.')+1:]]
	if !present || v.Kind == null {
		if f.Required {
			c.add(RuleMissingRequired, name, "field "+quote(name)+" is required")
		}
		return
	}
	switch {
	case f.Kind == Any:
	case f.Kind == String && v.Kind == Number && f.NumberOK:
	case (f.Kind == Number || f.Kind == Boolean) && v.Kind == String && v.looksLike(f.Kind):
		c.add(RuleNumberAsString, name, "field "+quote(name)+" is a "+f.Kind.String()+", sent as the string "+quote(v.Text))
		return
	case v.Kind != f.Kind:
		c.add(RuleWrongType, name, "field "+quote(name)+" must be a "+f.Kind.String()+", not a "+v.Kind.String())
		return
	}
	if f.Required && v.Kind == String && strings.TrimSpace(v.Text) == "" {
		c.add(RuleMissingRequired, name, "field "+quote(name)+" is required and is empty")
		return
	}
	if v.Kind == String && len(f.Enum) > 0 && !contains(f.Enum, v.Text) {
		c.add(RuleEnum, name, "field "+quote(name)+" is "+quote(v.Text)+"; one of "+strings.Join(f.Enum, ", ")+" is expected")
	}
	if v.Kind == String && f.Format != nil && !f.Format.Valid(v.Text) {
		c.add(RuleFormat, name, "field "+quote(name)+" is "+quote(v.Text)+", not a "+f.Format.Name)
	}
	if v.Kind == Object && f.Fields != nil {
		c.fields(name+".", f.Fields, v.Members, true)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// quote quotes s for a note, cut to a readable length.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "…"
	}
	return `"` + strings.ToValidUTF8(s, "\uFFFD") + `"`
}
