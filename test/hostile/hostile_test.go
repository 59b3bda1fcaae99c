package hostile

import (
	"fmt"
	"mime"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/test/world"
)

// Rule (issue 7, "Hostile input"): a bad request to any endpoint of either
// dialect or the control API gets the vendor's 4xx error body, never a 5xx
// or a panic, and leaves the state as it was: calls, events, every
// tenant's subscriptions and sessions, the journal (apart from the refused
// request's own entry) and the webhook receivers.
func TestCorpus(t *testing.T) {
	corpora := loadCorpora(t)
	names := make([]string, 0, len(corpora))
	for name := range corpora {
		names = append(names, name)
	}
	sort.Strings(names)
	full := os.Getenv("HOSTILE_FULL") != ""
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := world.New(t)
			v := values(w)
			before := w.Snapshot()
			cases := corpora[name].expand(full)
			for _, tc := range cases {
				after, ok := runCase(t, w, v, tc, before)
				if !ok {
					// The world may be changed and still changing (webhook
					// posts in flight): judge the next case in a new one.
					w = world.New(t)
					v = values(w)
					after = w.Snapshot()
				}
				before = after
			}
			if d := w.CheckJournal(); d != "" {
				t.Error(d)
			}
			t.Logf("%s: %d requests refused", name, len(cases))
		})
	}
}

// runCase sends one bad request and judges the answer and the state.
func runCase(t *testing.T, w *world.World, v map[string]string, tc tcase, before world.Snapshot) (world.Snapshot, bool) {
	t.Helper()
	fail := func(format string, args ...any) (world.Snapshot, bool) {
		t.Errorf("%s (%s %s): %s", tc.Name, tc.Method, clip(tc.Path), fmt.Sprintf(format, args...))
		return world.Snapshot{}, false
	}
	req, err := tc.request(v)
	if err != nil {
		return fail("%v (placeholders: %s)", err, placeholders(v))
	}
	resp, err := w.Do(req)
	if err != nil {
		return fail("no answer (a panic closes the connection): %v", err)
	}
	lo, hi := 400, 499
	if len(tc.Status) == 2 {
		lo, hi = tc.Status[0], tc.Status[1]
	}
	if resp.Status < lo || resp.Status > hi {
		return fail("status %s, want %d..%d", resp, lo, hi)
	}
	if tc.Shape != "none" {
		if why := checkShape(tc.Shape, resp); why != "" {
			return fail("not the %s error shape: %s\n%s", tc.Shape, why, resp)
		}
	}
	if tc.Message != "" && !strings.Contains(string(resp.Body), tc.Message) {
		return fail("the error does not say %q: %s", tc.Message, resp)
	}
	for _, s := range w.Secrets {
		if strings.Contains(string(resp.Body), s) && !req.Carries(s) {
			return fail("the answer reveals a credential the request did not carry (%.8s…)", s)
		}
	}
	if tc.Deferred != "" {
		w.Advance(time.Second) // past the NS apply delay (300ms in the scenario)
	}
	after := w.Snapshot()
	if d := before.Diff(after, world.Sent{Method: req.Method, Path: req.Path, Note: tc.Deferred}); d != "" {
		return fail("the state changed:\n%s", d)
	}
	return after, true
}

func (tc tcase) request(v map[string]string) (world.Request, error) {
	path, err := fill(tc.Path, v)
	if err != nil {
		return world.Request{}, err
	}
	r := world.Request{Method: tc.Method, Path: path, Header: map[string]string{}}
	if tc.Auth != "" {
		if r.Token, err = fill(tc.Auth, v); err != nil {
			return r, err
		}
	}
	if tc.ContentType != "" {
		r.Header["Content-Type"] = tc.ContentType
	}
	for k, h := range tc.Headers {
		if r.Header[k], err = fill(h, v); err != nil {
			return r, err
		}
	}
	if tc.Body != "" {
		b, err := fill(tc.Body, v)
		if err != nil {
			return r, err
		}
		r.Body = []byte(b)
	}
	return r, nil
}

// checkShape says what is wrong with an error body, "" when nothing.
// Shapes: reference/ringcentral.md §3.1 (REST errors and the OAuth
// variant), reference/netsapiens.md (code and message), docs/control-api.md.
func checkShape(shape string, resp world.Response) string {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "application/json" {
		return fmt.Sprintf("Content-Type %q, want application/json", resp.Header.Get("Content-Type"))
	}
	if !gjson.ValidBytes(resp.Body) {
		return "the body is not JSON"
	}
	j := resp.JSON()
	nonEmpty := func(paths ...string) string {
		for _, p := range paths {
			if j.Get(p).String() == "" {
				return "no " + p
			}
		}
		return ""
	}
	switch shape {
	case "ringcentral":
		if why := nonEmpty("errorCode", "message", "errors.0.errorCode", "errors.0.message"); why != "" {
			return why
		}
		if resp.Status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
			return "a 401 without WWW-Authenticate"
		}
	case "ringcentral-oauth":
		return nonEmpty("error", "error_description", "errors.0.errorCode")
	case "netsapiens":
		if resp.Status == 409 { // SPEC45: the duplicate-subscription body has no code
			return nonEmpty("message")
		}
		if j.Get("code").Int() != int64(resp.Status) {
			return fmt.Sprintf("code %s, want %d", j.Get("code").Raw, resp.Status)
		}
		return nonEmpty("message")
	case "control":
		return nonEmpty("error.code", "error.message")
	default:
		return "unknown shape " + shape
	}
	return ""
}

func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
