package pbxsim

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tidwall/gjson"
)

// Regression (found by test/hostile): a path with "//" or a dot-dot
// segment got a 301 to the "cleaned" path from the router instead of the
// owning API's own 404 body. A client mistake is answered, not redirected.
// Source: issue 7 ("absurd path segments ... each gets the vendor's 4xx").
func TestAbsurdPathsAreNotRedirected(t *testing.T) {
	srv, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.closeDialects)
	for path, field := range map[string]string{
		"/sim/v1//calls":                     "error.code",
		"/sim/v1/calls/%2E%2E/health":        "error.code",
		"/restapi/v1.0/account/~//extension": "errorCode",
		"/restapi/v1.0/account/%2E%2E/~":     "errorCode",
		"/ns-api/v2/domains//calls":          "code",
		"/ns-api/v2/domains/%2E%2E/calls":    "code",
	} {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code < 400 || rec.Code > 499 || !gjson.Get(rec.Body.String(), field).Exists() {
			t.Errorf("GET %s: %d %q (Location %q), want a 4xx with %s", path, rec.Code, rec.Body.String(), rec.Header().Get("Location"), field)
		}
	}
}
