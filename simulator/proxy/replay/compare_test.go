package replay

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator/proxy"
)

func compare(t *testing.T, c *comparer, rec, live string) []Difference {
	t.Helper()
	c.diffs = nil
	c.compareBodies("body", proxy.Body{JSON: []byte(rec)}, []byte(live))
	return c.diffs
}

func newComparer() *comparer {
	return &comparer{where: "x", ids: newIDs(), secrets: map[string]string{}, norm: strings.NewReplacer("up:1", "live:2").Replace}
}

// Rule: a replay re-maps IDs consistently (first sight binds, both ways),
// ignores times and expiries, binds [redacted#N] to the live secret, puts
// the live host for the upstream's, and reports every other difference
// with its JSON path.
// Source: issue 15 item 3 ("volatile fields normalised: ids re-mapped
// consistently, times, tokens").
func TestCompareNormalisesVolatileFields(t *testing.T) {
	c := newComparer()
	if d := compare(t, c, `{"id":"s-1","uri":"http://up:1/s-1","creationTime":"2026-01-01T00:00:00Z","expires_in":3600,"access_token":"[redacted#1]"}`,
		`{"id":"s-9","uri":"http://live:2/s-9","creationTime":"2027-05-05T10:00:00Z","expires_in":3599,"access_token":"fresh"}`); len(d) != 0 {
		t.Fatalf("volatile fields differ: %v", d)
	}
	if c.secrets["[redacted#1]"] != "fresh" || c.ids.fwd["s-1"] != "s-9" {
		t.Fatalf("bindings: secrets %v ids %v", c.secrets, c.ids.fwd)
	}
	// The same recorded ID must stay the same live one, and a live ID may
	// not stand for two recorded ones.
	if d := compare(t, c, `{"sessionId":"s-1"}`, `{"sessionId":"s-8"}`); len(d) != 1 || d[0].Field != "body.sessionId" {
		t.Fatalf("an inconsistent re-map: %v", d)
	}
	if d := compare(t, c, `{"partyId":"s-2"}`, `{"partyId":"s-9"}`); len(d) != 1 {
		t.Fatalf("two recorded IDs mapped to one live: %v", d)
	}
	d := compare(t, c, `{"status":{"code":"Answered"},"parties":[{"name":"K"}],"gone":1}`, `{"status":{"code":"Setup"},"parties":[{"name":"K"},{"name":"L"}],"new":true}`)
	var got []string
	for _, x := range d {
		got = append(got, x.String())
	}
	want := []string{
		`x: body.gone: recorded 1, now nothing`,
		`x: body.new: recorded nothing, now true`,
		`x: body.parties[1]: recorded nothing, now {"name":"L"}`,
		`x: body.status.code: recorded "Answered", now "Setup"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("diffs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Rule: later requests carry the live IDs and secrets, also where a query
// or a form escapes them.
// Source: issue 15 item 3 ("re-authenticate during replay and substitute
// tokens").
func TestSubstitutionUsesLiveValues(t *testing.T) {
	ids := newIDs()
	ids.bind("s-1", "s-9")
	r := ids.replacer(map[string]string{"[redacted#1]": "fresh"})
	if got := r.Replace("/sessions/s-1?access_token=%5Bredacted%231%5D Bearer [redacted#1]"); got != "/sessions/s-9?access_token=fresh Bearer fresh" {
		t.Fatalf("substituted: %s", got)
	}
}

// Rule: comparing hostile recorded and live bodies never panics.
// Source: DESIGN.md (every input is hostile until checked).
func FuzzCompare(f *testing.F) {
	f.Add([]byte(`{"id":"s-1","a":[1,{"b":"[redacted#1]"}]}`), []byte(`{"id":"s-2","a":[1,{"b":null}]}`))
	f.Add([]byte(`[]`), []byte(`{`))
	f.Fuzz(func(t *testing.T, rec, live []byte) {
		c := newComparer()
		body := proxy.Body{Text: string(rec)}
		if json.Valid(rec) {
			body = proxy.Body{JSON: rec}
		}
		c.compareBodies("body", body, live)
		_ = c.ids.replacer(c.secrets).Replace(string(rec))
	})
}

// Rule: a hostile recording is refused with an error, never a panic.
// Source: DESIGN.md (every input is hostile until checked).
func FuzzParseSession(f *testing.F) {
	f.Add([]byte(`{"kind":"session","seq":1,"version":1}` + "\n" + `{"kind":"exchange","seq":2}`))
	f.Add([]byte("{}\n\n{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = proxy.ParseSession(data)
	})
}
