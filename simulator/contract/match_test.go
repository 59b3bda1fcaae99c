package contract

import "testing"

// Rule: a route template matches segment by segment; {name} takes one
// non-empty segment; nothing else matches.
// Source: issue 15 item 3 (the proxy finds contracts without the router).
func TestMatchTemplate(t *testing.T) {
	const tmpl = "/a/{x}/b/{y}"
	for _, tc := range []struct {
		path string
		ok   bool
		x, y string
	}{
		{"/a/1/b/2", true, "1", "2"},
		{"/a//b/2", false, "", ""},
		{"/a/1/b/2/", false, "", ""},
		{"/a/1/b", false, "", ""},
		{"/a/1/c/2", false, "", ""},
		{"a/1/b/2", false, "", ""},
		{"", false, "", ""},
	} {
		params, ok := MatchTemplate(tmpl, tc.path)
		if ok != tc.ok || params["x"] != tc.x || params["y"] != tc.y {
			t.Errorf("MatchTemplate(%q, %q) = %v, %v", tmpl, tc.path, params, ok)
		}
	}
}

// Rule: matching a hostile path never panics.
// Source: DESIGN.md (every input is hostile until checked).
func FuzzMatchTemplate(f *testing.F) {
	f.Add("/a/{x}/b", "/a/1/b")
	f.Add("{", "//")
	f.Add("/{}", "/")
	f.Fuzz(func(t *testing.T, tmpl, path string) {
		_, _ = MatchTemplate(tmpl, path)
	})
}
