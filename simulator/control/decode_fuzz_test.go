package control

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// Fuzz targets for what the control API parses: JSON bodies and numeric
// query parameters. Seeds live in testdata/fuzz/<FuzzName>; the CI runs
// each briefly (.ci/run). Rule (issue 7): no input panics, and every
// refusal is a 4xx with the control API's error body.

// FuzzDecodeBody: a body decodes strictly or is answered with a 4xx
// {"error": {"code", "message"}}.
func FuzzDecodeBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, Prefix+"/calls", strings.NewReader(string(body)))
		r.Header.Set("Content-Type", contentType)
		w := httptest.NewRecorder()
		var req createCallRequest
		if decodeBody(w, r, &req) {
			if w.Body.Len() != 0 {
				t.Fatalf("decodeBody accepted %q and wrote %q", body, w.Body.String())
			}
			return
		}
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if w.Code < 400 || w.Code > 499 || json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Fatalf("body %q (%s): %d %q, want a 4xx control error", body, contentType, w.Code, w.Body.String())
		}
	})
}

// FuzzUintParam: ?after= and ?limit= parse as a non-negative integer that
// prints back the same, or are refused.
func FuzzUintParam(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		n, err := uintParam(s)
		if err != nil || s == "" {
			return
		}
		if back, _ := strconv.ParseUint(strconv.FormatUint(n, 10), 10, 64); back != n {
			t.Fatalf("%q -> %d does not round-trip", s, n)
		}
	})
}
