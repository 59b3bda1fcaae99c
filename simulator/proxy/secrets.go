package proxy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/journalhttp"
)

// RefPrefix starts a redacted secret in a recording: [redacted#N]. The
// same secret gets the same N throughout a session, so a replay that
// re-authenticates can put the fresh token everywhere the recorded one
// was used, without the recording ever holding the secret.
const RefPrefix = "[redacted#"

// maxRefs bounds the secrets a session numbers; later ones are
// journalhttp.Redacted.
const maxRefs = 1 << 14

// secrets numbers the secrets of one session.
type secrets struct {
	mu  sync.Mutex
	ids map[string]int
}

// ref is the redacted form of secret s.
func (s *secrets) ref(v string) string {
	if v == "" || v == journalhttp.Redacted || strings.HasPrefix(v, RefPrefix) {
		return v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids == nil {
		s.ids = map[string]int{}
	}
	n, ok := s.ids[v]
	if !ok {
		if len(s.ids) >= maxRefs {
			return journalhttp.Redacted
		}
		n = len(s.ids) + 1
		s.ids[v] = n
	}
	return Ref(n)
}

// Ref is the recorded form of the n-th secret of a session.
func Ref(n int) string { return RefPrefix + strconv.Itoa(n) + "]" }

// authorization redacts an Authorization value: the scheme stays, and
// Basic keeps its user (the client ID, not a secret) so that a replay
// can find the client's secret in its scenario.
func (s *secrets) authorization(v string) string {
	scheme, cred, _ := strings.Cut(v, " ")
	cred = strings.TrimSpace(cred)
	if strings.EqualFold(scheme, "Basic") {
		if raw, err := base64.StdEncoding.DecodeString(cred); err == nil {
			if user, pass, ok := strings.Cut(string(raw), ":"); ok {
				return scheme + " " + user + ":" + s.ref(pass)
			}
		}
	}
	return scheme + " " + s.ref(cred)
}

// values redacts the secret fields of a query or a form.
func (s *secrets) values(raw string) string {
	if raw == "" {
		return raw
	}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return string(journalhttp.RedactText([]byte(raw)))
	}
	changed := false
	for _, k := range sortedKeys(v) {
		vs := v[k]
		for i, x := range vs {
			if journalhttp.IsFormSecretField(k) {
				vs[i] = s.ref(x)
				changed = true
			} else if y := simulator.StripURLUserinfo(x); y != x {
				vs[i] = y
				changed = true
			}
		}
	}
	if !changed {
		return raw
	}
	return v.Encode()
}

// body records a body: JSON with its secret fields numbered, a form with
// its secret fields numbered, anything else redacted textually. max
// bounds what is kept.
func (s *secrets) body(contentType string, b []byte, truncated bool) Body {
	if len(b) == 0 {
		return Body{Truncated: truncated}
	}
	if !truncated {
		if j, ok := s.json(b); ok {
			return Body{JSON: j}
		}
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "application/x-www-form-urlencoded" && !truncated {
		return Body{Text: s.values(string(b))}
	}
	return Body{Text: strings.ToValidUTF8(string(journalhttp.RedactText(b)), "\uFFFD"), Truncated: truncated}
}

// json redacts a JSON text; ok is false when b is not one JSON value.
func (s *secrets) json(b []byte) (json.RawMessage, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	if !s.tree(v) {
		var out bytes.Buffer
		if json.Compact(&out, b) == nil {
			return out.Bytes(), true
		}
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return nil, false
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), true
}

func (s *secrets) tree(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		// In key order, so the same body numbers its secrets the same way.
		for _, k := range sortedKeys(t) {
			x := t[k]
			if str, isString := x.(string); isString {
				switch {
				case journalhttp.IsSecretField(k):
					t[k] = s.ref(str)
					changed = true
				case simulator.StripURLUserinfo(str) != str:
					t[k] = simulator.StripURLUserinfo(str)
					changed = true
				}
				continue
			}
			if s.tree(x) {
				changed = true
			}
		}
	case []any:
		for i, x := range t {
			if str, isString := x.(string); isString {
				if y := simulator.StripURLUserinfo(str); y != str {
					t[i] = y
					changed = true
				}
				continue
			}
			if s.tree(x) {
				changed = true
			}
		}
	}
	return changed
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
