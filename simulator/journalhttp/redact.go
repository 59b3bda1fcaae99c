package journalhttp

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Redacted replaces every secret value the journal would otherwise keep.
const Redacted = "[redacted]"

// secretFields are redacted from recorded queries, request bodies and
// response bodies, compared case-insensitively: the journal is served over
// HTTP and ends up in CI reports (issue 10 item 4). Keys are lower case
// here and compared case-insensitively. "refresh" is the
// NetSapiens /jwt answer's refresh JWT; "token" its JWT.
var secretFields = []string{
	"password", "passcode", "client_secret", "assertion", "client_assertion",
	"access_token", "refresh_token", "id_token", "ws_access_token", "token", "refresh",
	"apikey", "api_key", "jwt", "secret",
	"verificationtoken", // a RingCentral webhook's shared secret (deliveryMode.verificationToken)
}

// formSecretFields are secrets in queries and form bodies only: the OAuth
// authorization code. In JSON, "code" is a status (RingCentral's
// {"status":{"code":"Answered"}}, NetSapiens' {"code":202}).
var formSecretFields = []string{"code"}

var (
	secretSet     = setOf(secretFields)
	formSecretSet = setOf(append(append([]string(nil), secretFields...), formSecretFields...))
)

func setOf(fields []string) map[string]bool {
	m := map[string]bool{}
	for _, f := range fields {
		m[f] = true
	}
	return m
}

func isSecret(key string) bool { return secretSet[strings.ToLower(key)] }

func isFormSecret(key string) bool { return formSecretSet[strings.ToLower(key)] }

// secretRoots are what a body must contain (in any case) to be parsed
// for secrets at all: a cheap test that spares most answers the parse.
var (
	secretRoots     = []string{"token", "pass", "secret", "assertion", "apikey", "api_key", "jwt", "refresh"}
	formSecretRoots = append(append([]string(nil), secretRoots...), "code")
)

// rootSet is a list of roots indexed by their first letter, in both
// cases, for mayHold's one pass over a body.
type rootSet struct {
	roots   []string
	byFirst [256][]string
}

func newRootSet(roots []string) *rootSet {
	s := &rootSet{roots: roots}
	for _, r := range roots {
		s.byFirst[r[0]] = append(s.byFirst[r[0]], r)
		s.byFirst[r[0]-'a'+'A'] = append(s.byFirst[r[0]-'a'+'A'], r)
	}
	return s
}

var (
	secretRootSet     = newRootSet(secretRoots)
	formSecretRootSet = newRootSet(formSecretRoots)
)

// mayHold reports whether b contains one of the roots in any case. Every
// query, request body and answer passes through it (issue 16), so an
// ASCII b is tested in one pass with no copy; a b with any other byte is
// lower-cased as isSecret lower-cases keys (a Kelvin sign lowers to an
// ASCII k), so that both agree on what may be a secret.
func mayHold[T string | []byte](b T, set *rootSet) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= utf8.RuneSelf {
			return mayHoldFolded(strings.ToLower(string(b)), set.roots)
		}
		for _, root := range set.byFirst[c] {
			if len(b)-i >= len(root) && hasFoldASCII(b, i+1, root[1:]) {
				return true
			}
		}
	}
	return false
}

// hasFoldASCII reports whether b holds the lower-case ASCII root at i,
// in any case.
func hasFoldASCII[T string | []byte](b T, i int, root string) bool {
	for j := 0; j < len(root); j++ {
		c := b[i+j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != root[j] {
			return false
		}
	}
	return true
}

func mayHoldFolded(lower string, roots []string) bool {
	for _, root := range roots {
		if strings.Contains(lower, root) {
			return true
		}
	}
	return false
}

func redactQuery(r *http.Request) string {
	if r.URL.RawQuery == "" || !mayHold(r.URL.RawQuery, formSecretRootSet) {
		return r.URL.RawQuery
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "[unparsable query]"
	}
	if !redactValues(q) {
		return r.URL.RawQuery
	}
	return q.Encode()
}

// redactBody redacts a request body by its media type, compared
// case-insensitively as the handlers do (Application/X-WWW-Form-Urlencoded
// is a form too).
func redactBody(r *http.Request, body []byte) []byte {
	if len(body) == 0 || !mayHold(body, formSecretRootSet) {
		return body
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/x-www-form-urlencoded" {
		return []byte(redactForm(string(body)))
	}
	return redactJSONOrText(body)
}

// redactResponse redacts a response body: token answers carry
// access_token, refresh_token, the NetSapiens JWT and its refresh JWT.
func redactResponse(body []byte) []byte {
	if len(body) == 0 || !mayHold(body, secretRootSet) {
		return body
	}
	return redactJSONOrText(body)
}

func redactValues(v url.Values) bool {
	changed := false
	for k := range v {
		if isFormSecret(k) {
			v[k] = []string{Redacted}
			changed = true
		}
	}
	return changed
}

func redactForm(s string) string {
	v, err := url.ParseQuery(s)
	if err != nil {
		return "[unparsable form body]"
	}
	if !redactValues(v) {
		return s
	}
	return v.Encode()
}

// redactJSONOrText blanks secret fields at any depth of a JSON body. A
// body that is not JSON (a form sent without its media type, a response
// cut at MaxRecorded) is redacted textually: "key":"value" and key=value.
func redactJSONOrText(b []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return redactText(b)
	}
	if !redactTree(v) {
		return b
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return redactText(b)
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n"))
}

func redactTree(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		// A secret nested in an object (a JWT's claims, a token inside an
		// envelope) is found too.
		for k, x := range t {
			if isSecret(k) {
				// Secrets are strings; "code": 404 and "refresh": true are not.
				if _, isString := x.(string); isString {
					t[k] = Redacted
					changed = true
				}
				continue
			}
			if redactTree(x) {
				changed = true
			}
		}
	case []any:
		for _, x := range t {
			if redactTree(x) {
				changed = true
			}
		}
	}
	return changed
}

var (
	textJSONField = regexp.MustCompile(`(?i)("(?:` + strings.Join(secretFields, "|") + `)"\s*:\s*)"(?:[^"\\]|\\.)*"?`)
	textFormField = regexp.MustCompile(`(?i)((?:^|[&?\s])(?:` + strings.Join(append(append([]string(nil), secretFields...), formSecretFields...), "|") + `)=)[^&\s]*`)
)

func redactText(b []byte) []byte {
	b = textJSONField.ReplaceAll(b, []byte(`${1}"`+Redacted+`"`))
	return textFormField.ReplaceAll(b, []byte(`${1}`+Redacted))
}
