package zed_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
	"github.com/xfer-conform/xfer-conform/test/thirdvendor/zed"
)

func server(t *testing.T) *pbxsim.Server {
	t.Helper()
	b, err := os.ReadFile("../testdata/zed-world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse("zed-world.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := pbxsim.New(pbxsim.Config{Scenario: sc, Dialects: append(pbxsim.DefaultDialects(), zed.Factory())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(t.Context()) })
	return srv
}

func do(t *testing.T, srv *pbxsim.Server, method, path, key, body string) (int, gjson.Result) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Zed "+key)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	return rec.Code, gjson.Parse(rec.Body.String())
}

const calls = "/zed/v1/tenants/Z1/users/100/calls"

// Rule: a third dialect plugs into pbxsim through a factory alone: its
// section loads beside the others, the control API plays its world (a
// customer dials in), its own API answers and hangs up on the core, and
// its journal entries carry its name and tenant.
// Source: issue 11 item 6 (a test-only third vendor through the same interfaces).
func TestZedServesItsWorld(t *testing.T) {
	srv := server(t)
	if st, c := do(t, srv, http.MethodPost, "/sim/v1/calls", "", `{"from":"+12025550199","to":"+12025550100"}`); st != http.StatusCreated {
		t.Fatalf("dial in: %d %s", st, c.Raw)
	}
	st, list := do(t, srv, http.MethodGet, calls, "zk_test_key", "")
	leg := list.Get("calls.0.leg").String()
	if st != http.StatusOK || list.Get("calls.#").Int() != 1 || list.Get("calls.0.from").String() != "+12025550199" || leg == "" {
		t.Fatalf("list: %d %s", st, list.Raw)
	}
	if st, b := do(t, srv, http.MethodPost, calls+"/"+leg+"/answer", "zk_test_key", ""); st != http.StatusNoContent {
		t.Fatalf("answer: %d %s", st, b.Raw)
	}
	if _, list = do(t, srv, http.MethodGet, calls, "zk_test_key", ""); list.Get("calls.0.state").String() != "answered" {
		t.Fatalf("after answer: %s", list.Raw)
	}
	if st, b := do(t, srv, http.MethodDelete, calls+"/"+leg, "zk_test_key", ""); st != http.StatusNoContent {
		t.Fatalf("hang up: %d %s", st, b.Raw)
	}
	if _, list = do(t, srv, http.MethodGet, calls, "zk_test_key", ""); list.Get("calls.#").Int() != 0 {
		t.Fatalf("after hang-up: %s", list.Raw)
	}
	_, j := do(t, srv, http.MethodGet, "/sim/v1/journal?dialect=zed", "", "")
	if j.Get(`entries.#(tenant=="Z1")#`).Get("#").Int() < 4 {
		t.Fatalf("journal lacks Zed's entries: %s", j.Raw)
	}
}

// Rule: Zed's errors come from its own vocabulary: a missing or wrong
// key is 401, another tenant's path or an unknown leg 404, each as
// {"zedError": {kind, message}}; nothing changes.
// Source: test/thirdvendor/zed/doc.go (Zed's made-up API).
func TestZedRefusesInItsOwnShape(t *testing.T) {
	srv := server(t)
	for _, c := range []struct {
		method, path, key string
		status            int
		kind              string
	}{
		{http.MethodGet, calls, "", 401, "unauthorized"},
		{http.MethodGet, calls, "zk_wrong", 401, "unauthorized"},
		{http.MethodGet, "/zed/v1/tenants/Z2/users/100/calls", "zk_test_key", 404, "not-found"},
		{http.MethodGet, "/zed/v1/tenants/Z1/users/999/calls", "zk_test_key", 404, "not-found"},
		{http.MethodPost, calls + "/L99/answer", "zk_test_key", 404, "not-found"},
		{http.MethodGet, "/zed/v1/nowhere", "zk_test_key", 404, "not-found"},
	} {
		st, b := do(t, srv, c.method, c.path, c.key, "")
		if st != c.status || b.Get("zedError.kind").String() != c.kind || b.Get("zedError.message").String() == "" {
			t.Errorf("%s %s (key %q): %d %s, want %d %s", c.method, c.path, c.key, st, b.Raw, c.status, c.kind)
		}
	}
}

// Rule: fault rules reach Zed through its declared spec and named
// operations: a status fault on "answer" answers in Zed's shape, and a
// rule asking what Zed cannot do (a socket disconnect) is refused.
// Source: issue 11 item 2 (fault operations from the route table; faults names no vendor).
func TestZedFaultsUseItsOperations(t *testing.T) {
	srv := server(t)
	if st, b := do(t, srv, http.MethodPost, "/sim/v1/faults", "", `{"id":"z503","match":{"dialect":"zed","operation":"answer"},"action":{"status":503},"times":"once"}`); st != http.StatusCreated {
		t.Fatalf("add fault: %d %s", st, b.Raw)
	}
	if st, b := do(t, srv, http.MethodGet, calls, "zk_test_key", ""); st != http.StatusOK {
		t.Fatalf("list is not answer: %d %s", st, b.Raw)
	}
	st, b := do(t, srv, http.MethodPost, calls+"/L1/answer", "zk_test_key", "")
	if st != http.StatusServiceUnavailable || b.Get("zedError.kind").String() != "unavailable" {
		t.Fatalf("faulted answer: %d %s", st, b.Raw)
	}
	if st, b := do(t, srv, http.MethodPost, "/sim/v1/faults", "", `{"id":"zop","match":{"dialect":"zed","operation":"transfer"},"action":{"status":500}}`); st != http.StatusBadRequest {
		t.Fatalf("unknown Zed operation accepted: %d %s", st, b.Raw)
	}
}

// Rule: a tenant set of Zed comes from the control API with a fresh id
// and key that work at once, and is gone when deleted.
// Source: issue 12 item 1 (tenants on demand), through issue 11's factory.
func TestZedTenantSets(t *testing.T) {
	srv := server(t)
	st, set := do(t, srv, http.MethodPost, "/sim/v1/tenants", "", "")
	if st != http.StatusCreated {
		t.Fatalf("POST tenants: %d %s", st, set.Raw)
	}
	id, key := set.Get("zed.tenants.0.id").String(), set.Get("zed.tenants.0.key").String()
	if id == "" || id == "Z1" || key == "" || key == "zk_test_key" {
		t.Fatalf("set not fresh: %s", set.Raw)
	}
	path := "/zed/v1/tenants/" + id + "/users/100/calls"
	if st, b := do(t, srv, http.MethodGet, path, key, ""); st != http.StatusOK {
		t.Fatalf("the new tenant's key: %d %s", st, b.Raw)
	}
	if st, b := do(t, srv, http.MethodGet, path, "zk_test_key", ""); st != http.StatusNotFound {
		t.Fatalf("Z1's key on the new tenant: %d %s", st, b.Raw)
	}
	if st, b := do(t, srv, http.MethodDelete, "/sim/v1/tenants/"+set.Get("id").String(), "", ""); st != http.StatusOK {
		t.Fatalf("DELETE: %d %s", st, b.Raw)
	}
	if st, b := do(t, srv, http.MethodGet, path, key, ""); st != http.StatusUnauthorized {
		t.Fatalf("deleted tenant's key still works: %d %s", st, b.Raw)
	}
}
