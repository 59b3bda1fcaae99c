package ringcentral

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/gorilla/mux"
)

// samplePath fills a route's {vars} with plausible IDs.
func samplePath(tmpl string) string {
	return regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(tmpl, "x1")
}

// Rule: every fault operation and every rate-limit group names a route
// of the table, and every route is served by the router and named by the
// fault table as its operation; no operation lives in one list only.
// Source: issue 11 ("conference" was in the fault and rate-limit tables
// with no route; reference/ringcentral.md §1.2 documents POST
// .../telephony/conference, which pbxsim does not serve).
func TestEveryOperationAndGroupMapsToARoute(t *testing.T) {
	routed := map[string]bool{}
	for _, rt := range routeTable {
		routed[rt.op] = true
	}
	for _, o := range operations {
		if !routed[o.Name] {
			t.Errorf("fault operation %q (%s %s) has no route", o.Name, o.Method, o.Path)
		}
	}
	for op, g := range groupOf {
		if !routed[op] {
			t.Errorf("rate-limit group %s names operation %q, which has no route", g, op)
		}
	}
	for _, name := range OperationNames() {
		if !routed[name] {
			t.Errorf("OperationNames lists %q, which has no route", name)
		}
	}
	if routed["conference"] {
		t.Error(`"conference" is routed; docs/ringcentral.md lists conferences as not supported`)
	}

	r := mux.NewRouter()
	(&Dialect{}).routes(r.PathPrefix("/restapi").Subrouter(), func(h http.Handler) http.Handler { return h })
	for _, rt := range routeTable {
		path := samplePath(rt.fullPath())
		if got := operationOf(rt.method, path); got != rt.op {
			t.Errorf("%s %s is operation %q, want %q", rt.method, path, got, rt.op)
		}
		switch g := rt.group; {
		case rt.scope == scopeSocket && g != "":
			t.Errorf("%s: the socket is outside /restapi and never limited, but has group %q", rt.op, g)
		case rt.scope != scopeSocket && g != groupLight && g != groupMedium && g != groupHeavy && g != groupAuth:
			t.Errorf("%s: rate-limit group %q is not one of RingCentral's", rt.op, g)
		}
		if rt.scope == scopeSocket {
			continue
		}
		var m mux.RouteMatch
		req := httptest.NewRequest(rt.method, path, nil)
		if !r.Match(req, &m) || m.Route == nil {
			t.Errorf("%s %s: no route matches", rt.method, path)
			continue
		}
		tmpl, _ := m.Route.GetPathTemplate()
		want := "/restapi" + rt.scope.prefix() + rt.path
		if rt.action {
			want = "/restapi" + rt.scope.prefix() + "/{action}"
		}
		if tmpl != want {
			t.Errorf("%s %s reaches route %s, want %s", rt.method, path, tmpl, want)
		}
	}
	if got := operationOf(http.MethodPost, "/restapi/v1.0/account/~/telephony/conference"); got != "" {
		t.Errorf("POST .../telephony/conference is operation %q; pbxsim serves no conference", got)
	}
}

// Rule: the route list of docs/ringcentral.md is the route table.
// Source: issue 11 (the docs' route list is built from the table);
// regenerate with RC_ROUTES_REWRITE=1 go test -run TestDocsRouteList.
func TestDocsRouteList(t *testing.T) {
	checkDocsRouteList(t, "../../docs/ringcentral.md", RouteList())
}

const (
	routesBegin = "<!-- routes: generated from the route table (simulator/ringcentral/routes.go) -->\n"
	routesEnd   = "<!-- end of routes -->"
)

func checkDocsRouteList(t *testing.T, file, list string) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	i, j := strings.Index(doc, routesBegin), strings.Index(doc, routesEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no route list between %q and %q", file, strings.TrimSpace(routesBegin), routesEnd)
	}
	got := doc[i+len(routesBegin) : j]
	if got == list {
		return
	}
	if os.Getenv("RC_ROUTES_REWRITE") != "" {
		if err := os.WriteFile(file, []byte(doc[:i+len(routesBegin)]+list+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s route list differs from the route table; want:\n%s", file, list)
}

// Rule: every request contract names a route of the table (a party action
// by its last segment, anything else by its template's end), so a
// contract cannot outlive its route.
// Source: issue 11 (one named route table; every list is built from it
// or tested against it).
func TestEveryContractHasARoute(t *testing.T) {
	for _, o := range rcOperations {
		found := false
		for _, rt := range routeTable {
			if rt.method != o.method {
				continue
			}
			if rt.action && rt.path == "/"+o.route || !rt.action && strings.Contains(o.route, "/") && strings.HasSuffix(rt.fullPath(), o.route) {
				found = true
			}
		}
		if !found {
			t.Errorf("contract %q (%s %s) has no route", o.op.Name, o.method, o.route)
		}
	}
}
