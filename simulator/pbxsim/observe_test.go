package pbxsim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Rule: /sim/v1/metrics and /debug/pprof/ are part of the control
// surface: behind the control token when one is set (one Authorization
// header, Bearer scheme), absent with NoControl. Source: issue 16 item 5.
func TestMetricsAndPprofSitBehindTheControlToken(t *testing.T) {
	srv, err := New(Config{ControlToken: "sekret"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.closeDialects()
	for _, path := range []string{"/sim/v1/metrics", "/debug/pprof/", "/debug/pprof/goroutine?debug=1"} {
		for _, c := range []struct {
			auth []string
			want int
		}{{nil, 401}, {[]string{"Bearer wrong"}, 401}, {[]string{"sekret"}, 401}, {[]string{"Bearer sekret", "Bearer sekret"}, 401}, {[]string{"Bearer sekret"}, 200}} {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("GET", path, nil)
			req.Header["Authorization"] = c.auth
			srv.Handler().ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Errorf("GET %s with Authorization %q: %d, want %d", path, c.auth, rec.Code, c.want)
			}
		}
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/sim/v1/metrics", nil)
	req.Header.Set("Authorization", "Bearer sekret")
	srv.Handler().ServeHTTP(rec, req)
	if body := rec.Body.String(); !strings.Contains(body, `pbxsim_http_requests_total{method="GET",route="/sim/v1/metrics",status="401"}`) || !strings.Contains(body, "pbxsim_tenants ") ||
		!strings.Contains(body, "pbxsim_ringcentral_websockets ") || !strings.Contains(body, "pbxsim_netsapiens_subscriptions ") {
		t.Errorf("metrics lack the refused scrapes or the tenant gauge:\n%s", body)
	}

	off, err := New(Config{NoControl: true})
	if err != nil {
		t.Fatal(err)
	}
	defer off.closeDialects()
	for _, path := range []string{"/sim/v1/metrics", "/debug/pprof/"} {
		rec := httptest.NewRecorder()
		off.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("NoControl: GET %s answered %d, want 404", path, rec.Code)
		}
	}
}
