package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/proxy"
)

// Difference is one way pbxsim's answer differs from the recording.
type Difference struct {
	// Where names the exchange or frame: `exchange #4 POST /restapi/...`.
	Where string
	// Field is the JSON path of the value (status, body.session.id, ...).
	Field    string
	Recorded string
	Now      string
}

func (d Difference) String() string {
	return d.Where + ": " + d.Field + ": recorded " + d.Recorded + ", now " + d.Now
}

// ids re-maps recorded volatile values to live ones, both ways, so the
// mapping stays one-to-one.
type ids struct {
	fwd, rev map[string]string
}

func newIDs() *ids { return &ids{fwd: map[string]string{}, rev: map[string]string{}} }

// bind maps recorded to live; false if either is already bound to
// another value.
func (m *ids) bind(recorded, live string) bool {
	if l, ok := m.fwd[recorded]; ok {
		return l == live
	}
	if r, ok := m.rev[live]; ok {
		return r == recorded
	}
	m.fwd[recorded], m.rev[live] = live, recorded
	return true
}

// replacer substitutes every re-mapped value that changed, longest first.
func (m *ids) replacer(extra map[string]string) *strings.Replacer {
	var keys []string
	all := map[string]string{}
	for k, v := range m.fwd {
		if k != v && len(k) >= 3 {
			all[k] = v
		}
	}
	for k, v := range extra {
		all[k] = v
	}
	for k := range all {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) > len(keys[j])
		}
		return keys[i] < keys[j]
	})
	var pairs []string
	for _, k := range keys {
		pairs = append(pairs, k, all[k])
		// In a query or a form the value is escaped: [redacted#1] is
		// %5Bredacted%231%5D there.
		if q := url.QueryEscape(k); q != k {
			pairs = append(pairs, q, url.QueryEscape(all[k]))
		}
	}
	return strings.NewReplacer(pairs...)
}

// comparer compares recorded JSON with live JSON.
type comparer struct {
	where   string
	ids     *ids
	secrets map[string]string   // [redacted#N] → live value
	norm    func(string) string // the live host and webhook receiver, in recorded strings
	diffs   []Difference
}

func (c *comparer) diff(field string, recorded, now any) {
	c.diffs = append(c.diffs, Difference{Where: c.where, Field: field, Recorded: show(recorded), Now: show(now)})
}

func show(v any) string {
	if v == nil {
		return "nothing"
	}
	if _, isMissing := v.(missing); isMissing {
		return "nothing"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const max = 120
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

type missing struct{}

// compareBodies compares a recorded body with a live one.
func (c *comparer) compareBodies(field string, rec proxy.Body, live []byte) {
	if rec.Truncated {
		return // only a prefix was kept: nothing to compare it with
	}
	if rec.JSON != nil {
		lv, ok := decode(live)
		if !ok {
			c.diff(field, json.RawMessage(rec.JSON), string(cut(live)))
			return
		}
		rv, _ := decode(rec.JSON)
		c.value(field, "", rv, lv)
		return
	}
	if (rec.Text == "") != (len(bytes.TrimSpace(live)) == 0) {
		c.diff(field, rec.Text, string(cut(live)))
	}
}

func cut(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}

func decode(b []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	return v, true
}

// value compares one recorded value with the live one at path; key is
// the name of the field holding them.
func (c *comparer) value(path, key string, rec, live any) {
	if s, ok := rec.(string); ok && strings.HasPrefix(s, proxy.RefPrefix) {
		if l, ok := live.(string); ok {
			c.secrets[s] = l
			return
		}
		c.diff(path, "a secret string", live)
		return
	}
	if volatile(key, rec) {
		return
	}
	switch r := rec.(type) {
	case map[string]any:
		l, ok := live.(map[string]any)
		if !ok {
			c.diff(path, rec, live)
			return
		}
		keys := make([]string, 0, len(r)+len(l))
		for k := range r {
			keys = append(keys, k)
		}
		for k := range l {
			if _, dup := r[k]; !dup {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			rv, rok := r[k]
			lv, lok := l[k]
			p := join(path, k)
			switch {
			case !rok:
				if !volatile(k, lv) {
					c.diff(p, missing{}, lv)
				}
			case !lok:
				if !volatile(k, rv) {
					c.diff(p, rv, missing{})
				}
			default:
				c.value(p, k, rv, lv)
			}
		}
	case []any:
		l, ok := live.([]any)
		if !ok {
			c.diff(path, rec, live)
			return
		}
		for i := 0; i < max(len(r), len(l)); i++ {
			p := path + "[" + strconv.Itoa(i) + "]"
			switch {
			case i >= len(r):
				c.diff(p, missing{}, l[i])
			case i >= len(l):
				c.diff(p, r[i], missing{})
			default:
				c.value(p, key, r[i], l[i])
			}
		}
	case string:
		l, ok := live.(string)
		if !ok {
			c.diff(path, rec, live)
			return
		}
		r = c.norm(r)
		if r == l {
			if idLike(key) {
				c.ids.bind(r, l)
			}
			return
		}
		if idLike(key) && c.ids.bind(r, l) {
			return
		}
		c.diff(path, rec, live)
	default:
		if fmt.Sprint(rec) != fmt.Sprint(live) {
			c.diff(path, rec, live)
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// idLike: a field whose value pbxsim (or the vendor) mints, so a replay
// sees another one: id, *Id, *_id, uri, uuid.
func idLike(key string) bool {
	k := strings.ToLower(key)
	return k == "id" || strings.HasSuffix(k, "id") || strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "-id") ||
		strings.HasSuffix(k, "uri") || k == "uuid" || k == "href"
}

// volatile: a time or an expiry, which a replay never repeats.
func volatile(key string, v any) bool {
	k := strings.ToLower(key)
	if strings.Contains(k, "time") || strings.Contains(k, "expire") || strings.Contains(k, "date") ||
		k == "age" || strings.HasSuffix(k, "-at") || strings.HasSuffix(k, "_at") {
		return true
	}
	if s, ok := v.(string); ok && len(s) >= 19 && len(s) <= 40 {
		if _, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return true
		}
	}
	return false
}
