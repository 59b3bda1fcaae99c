package netsapiens

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/gorilla/mux"
)

// Rule: every fault operation names a route of the table, every route is
// served by the router and named by the fault table as its operation.
// Source: issue 11 (each dialect's operations table repeated its routes,
// and the copies drifted).
func TestEveryOperationMapsToARoute(t *testing.T) {
	routed := map[string]bool{}
	for _, rt := range routeTable {
		routed[rt.op] = true
	}
	for _, o := range operations {
		if !routed[o.Name] {
			t.Errorf("fault operation %q (%s %s) has no route", o.Name, o.Method, o.Path)
		}
	}
	for _, name := range OperationNames() {
		if !routed[name] {
			t.Errorf("OperationNames lists %q, which has no route", name)
		}
	}
	r := (&Dialect{}).routes().(*mux.Router)
	vars := regexp.MustCompile(`\{[^}]+\}`)
	for _, rt := range routeTable {
		path := vars.ReplaceAllString(apiPrefix+rt.path, "x1")
		if got := operations.Name(rt.method, path); got != rt.op {
			t.Errorf("%s %s is operation %q, want %q", rt.method, path, got, rt.op)
		}
		var m mux.RouteMatch
		if !r.Match(httptest.NewRequest(rt.method, path, nil), &m) || m.Route == nil {
			t.Errorf("%s %s: no route matches", rt.method, path)
			continue
		}
		if tmpl, _ := m.Route.GetPathTemplate(); tmpl != apiPrefix+rt.path {
			t.Errorf("%s %s reaches route %s, want %s", rt.method, path, tmpl, apiPrefix+rt.path)
		}
	}
	if got := operations.Name(http.MethodGet, apiPrefix+"/domains/x1/users/x1/calls/count"); got != "count-calls" {
		t.Errorf("GET .../calls/count is %q, want count-calls (not read-call)", got)
	}
}

// Rule: the route list of docs/netsapiens.md is the route table.
// Source: issue 11 (the docs' route list is built from the table);
// regenerate with NS_ROUTES_REWRITE=1 go test -run TestDocsRouteList.
func TestDocsRouteList(t *testing.T) {
	const (
		file  = "../../docs/netsapiens.md"
		begin = "<!-- routes: generated from the route table (simulator/netsapiens/routes.go) -->\n"
		end   = "<!-- end of routes -->"
	)
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, list := string(raw), RouteList()
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no route list between %q and %q", file, strings.TrimSpace(begin), end)
	}
	if doc[i+len(begin):j] == list {
		return
	}
	if os.Getenv("NS_ROUTES_REWRITE") != "" {
		if err := os.WriteFile(file, []byte(doc[:i+len(begin)]+list+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s route list differs from the route table; want:\n%s", file, list)
}

// Rule: every request contract names a route of the table by its
// template's end, so a contract cannot outlive its route.
// Source: issue 11 (one named route table; every list is built from it
// or tested against it).
func TestEveryContractHasARoute(t *testing.T) {
	for _, o := range nsOperations {
		found := false
		for _, rt := range routeTable {
			found = found || rt.method == o.method && strings.HasSuffix(rt.path, o.suffix)
		}
		if !found {
			t.Errorf("contract %q (%s ...%s) has no route", o.op.Name, o.method, o.suffix)
		}
	}
}
