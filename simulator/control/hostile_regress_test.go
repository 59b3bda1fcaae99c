package control_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator/control"
)

// Regression (found by test/hostile): with a control token set, a bare
// token without the Bearer scheme was accepted; the header must be
// "Authorization: Bearer <token>".
// Source: issue 7 ("the control API can be protected with a token").
func TestControlTokenNeedsTheBearerScheme(t *testing.T) {
	srv, _ := newServer(t, control.Options{Token: "t0ken"})
	for h, want := range map[string]int{"t0ken": 401, "Basic t0ken": 401, "Bearer t0ken": 200, "bearer t0ken": 200, "Bearer t0ken2": 401} {
		req, _ := http.NewRequest("GET", srv.URL+"/sim/v1/health", nil)
		req.Header.Set("Authorization", h)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Authorization: %s -> %d, want %d", h, resp.StatusCode, want)
		}
	}
}

// Regression (found by test/hostile): "tenant" narrows how from/to
// resolve; a tenant that does not exist placed the call anyway. It is a
// 404 and no call is made.
// Source: docs/control-api.md (POST /sim/v1/calls).
func TestCreateCallInAnUnknownTenantIsRefused(t *testing.T) {
	srv, sim := newServer(t, control.Options{})
	st, body := do(t, "POST", srv.URL+"/sim/v1/calls", `{"from":"+15555555555","to":"1000","tenant":"NOPE"}`)
	if st != 404 || body.Get("error.code").String() != "not_found" || !strings.Contains(body.Get("error.message").String(), "NOPE") {
		t.Fatalf("unknown tenant: %d %s", st, body.Raw)
	}
	if n := len(sim.Calls()); n != 0 {
		t.Fatalf("a refused call was placed: %d calls", n)
	}
}
