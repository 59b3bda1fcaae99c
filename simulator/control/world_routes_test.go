package control_test

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/control"
)

// adminRoutes change pbxsim itself, not the world around the PBX: they
// run no core command. A route that changes state and is in neither this
// list nor control.WorldRoutes fails TestEveryWorldRouteRunsATableCommand.
var adminRoutes = map[string]string{
	"POST /sim/v1/reset":                       "ends every call without events: a reset of the simulator, not a call operation",
	"POST /sim/v1/faults":                      "fault injection (simulator/faults)",
	"DELETE /sim/v1/faults":                    "fault injection",
	"PUT /sim/v1/faults/seed":                  "fault injection",
	"POST /sim/v1/faults/websocket/disconnect": "fault injection",
	"DELETE /sim/v1/faults/{id}":               "fault injection",
	"POST /sim/v1/tenants":                     "tenant provisioning",
	"DELETE /sim/v1/tenants/{id}":              "tenant provisioning",
	"PUT /sim/v1/tenants/{id}/ratelimits":      "tenant provisioning",
}

// Rule: every control route that plays the world runs a command of the
// core's one table, so the control API, the golden transcripts and the
// model test cannot drift apart.
// Source: issue 11 item 5 ("one table of core commands, shared by the
// control API, the golden runner and the model test").
func TestEveryWorldRouteRunsATableCommand(t *testing.T) {
	world := map[string]control.WorldRoute{}
	for _, rt := range control.WorldRoutes() {
		world[rt.Method+" "+control.Prefix+rt.Path] = rt
		if len(rt.Commands) == 0 {
			t.Errorf("%s %s runs no command", rt.Method, rt.Path)
		}
		for _, name := range rt.Commands {
			if _, ok := simulator.LookupCommand(name); !ok {
				t.Errorf("%s %s runs %q, which the core's table does not have", rt.Method, rt.Path, name)
			}
		}
	}
	r := mux.NewRouter()
	control.New(simulator.New(simulator.Options{}), control.Options{}).Mount(r)
	seen := 0
	err := r.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		path, err := route.GetPathTemplate()
		if err != nil {
			return nil
		}
		methods, err := route.GetMethods()
		if err != nil {
			return nil // the 405 catch-alls
		}
		for _, m := range methods {
			if m == http.MethodGet {
				continue
			}
			key := m + " " + path
			if _, ok := world[key]; ok {
				seen++
				continue
			}
			if _, ok := adminRoutes[key]; !ok {
				t.Errorf("%s changes state but is neither a world route (control.WorldRoutes, running a core command) nor an admin route", key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(world) {
		t.Errorf("mounted %d of the %d world routes", seen, len(world))
	}
}

// Rule: the leg actions are exactly the table's commands that take one
// leg; each is served, and docs/control-api.md names each.
// Source: issue 11 item 5; docs/control-api.md, POST /sim/v1/calls/{id}/legs/{leg}/{action}.
func TestLegActionsAreTheTableLegCommands(t *testing.T) {
	doc, err := os.ReadFile("../../docs/control-api.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(doc), "### `POST /sim/v1/calls/{id}/legs/{leg}/{action}`")
	section, _, _ = strings.Cut(section, "\n### ")
	srv, _ := newServer(t, control.Options{})
	var actions []string
	for _, rt := range control.WorldRoutes() {
		if strings.HasSuffix(rt.Path, "/{action}") {
			actions = rt.Commands
		}
	}
	want := 0
	for _, c := range simulator.Commands() {
		if c.LegOnly() {
			want++
		}
	}
	if len(actions) != want || want == 0 {
		t.Fatalf("leg actions %v, want the table's %d one-leg commands", actions, want)
	}
	for _, a := range actions {
		if !strings.Contains(section, "`"+a+"`") {
			t.Errorf("docs/control-api.md does not name leg action `%s`", a)
		}
		st, c := do(t, "POST", srv.URL+"/sim/v1/calls", `{"from":"101","to":"102"}`)
		if st != 201 {
			t.Fatalf("create = %d %s", st, c.Raw)
		}
		st, body := do(t, "POST", srv.URL+"/sim/v1/calls/"+c.Get("id").String()+"/legs/2/"+a, "")
		if st == http.StatusNotFound {
			t.Errorf("leg action %s: %d %s", a, st, body.Raw)
		}
	}
}
