package netsapiens

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// route is one endpoint of the NS API v2 dialect: the one place that
// names it. The router (routes), the fault operations (operations) and
// the route list of docs/netsapiens.md are built from routeTable.
type route struct {
	op     string // operation name: a fault rule's match.operation (and an apply rule's)
	method string
	path   string // mux template below /ns-api/v2
	serve  func(*Dialect, http.ResponseWriter, *http.Request)
}

// apiPrefix is where the NS API v2 is mounted.
const apiPrefix = "/ns-api/v2"

const userCalls = "/domains/{domain}/users/{user}/calls"

// routeTable lists every endpoint in the order the router tries them
// ("count" before "{callid}", which would match it too).
var routeTable = []route{
	{"version", http.MethodGet, "/version", (*Dialect).getVersion},
	{"token", http.MethodPost, "/tokens", (*Dialect).postTokens},
	{"jwt-create", http.MethodPost, "/jwt", (*Dialect).postJWT},
	{"jwt-read", http.MethodGet, "/jwt", (*Dialect).getJWT},
	{"jwt-delete", http.MethodDelete, "/jwt", (*Dialect).deleteJWT},

	{"list-domain-calls", http.MethodGet, "/domains/{domain}/calls", (*Dialect).listDomainCalls},
	{"count-domain-calls", http.MethodGet, "/domains/{domain}/calls/count", (*Dialect).countDomainCalls},
	{"list-calls", http.MethodGet, userCalls, (*Dialect).listUserCalls},
	{"make-call", http.MethodPost, userCalls, (*Dialect).makeCall},
	{"count-calls", http.MethodGet, userCalls + "/count", (*Dialect).countUserCalls},
	{"read-call", http.MethodGet, userCalls + "/{callid}", (*Dialect).readCall},
	{"disconnect", http.MethodDelete, userCalls + "/{callid}", (*Dialect).disconnect},
	{"hold", http.MethodPatch, userCalls + "/{callid}/hold", (*Dialect).hold},
	{"unhold", http.MethodPatch, userCalls + "/{callid}/unhold", (*Dialect).unhold},
	{"answer", http.MethodPatch, userCalls + "/{callid}/answer", (*Dialect).answer},
	{"transfer", http.MethodPatch, userCalls + "/{callid}/transfer", (*Dialect).transfer},
	{"reject", http.MethodDelete, userCalls + "/{callid}/reject", (*Dialect).reject},

	{"list-subscriptions", http.MethodGet, "/subscriptions", (*Dialect).listSubscriptions},
	{"create-subscription", http.MethodPost, "/subscriptions", (*Dialect).createSubscription},
	{"read-subscription", http.MethodGet, "/subscriptions/{id}", (*Dialect).readSubscription},
	{"update-subscription", http.MethodPut, "/subscriptions/{id}", (*Dialect).updateSubscription},
	{"delete-subscription", http.MethodDelete, "/subscriptions/{id}", (*Dialect).deleteSubscription},
	{"list-subscriptions", http.MethodGet, "/domains/{domain}/subscriptions", (*Dialect).listSubscriptions},
	{"create-subscription", http.MethodPost, "/domains/{domain}/subscriptions", (*Dialect).createSubscription},
	{"read-subscription", http.MethodGet, "/domains/{domain}/subscriptions/{id}", (*Dialect).readSubscription},
	{"update-subscription", http.MethodPut, "/domains/{domain}/subscriptions/{id}", (*Dialect).updateSubscription},
	{"delete-subscription", http.MethodDelete, "/domains/{domain}/subscriptions/{id}", (*Dialect).deleteSubscription},
}

// routes builds the router from the route table.
func (d *Dialect) routes() http.Handler {
	// One router with full paths (no subrouter), so a known path with the
	// wrong method reaches MethodNotAllowedHandler.
	// SkipClean: a // or dot-dot path gets the NS 404, not a 301 (test/hostile).
	r := mux.NewRouter().SkipClean(true)
	for _, rt := range routeTable {
		serve := rt.serve
		r.HandleFunc(apiPrefix+rt.path, func(w http.ResponseWriter, r *http.Request) { serve(d, w, r) }).Methods(rt.method)
	}
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		writeError(w, refuse(errNoSuchResource, "No such endpoint: %s %s (pbxsim serves the NS API v2 calls, tokens, jwt and subscriptions endpoints)", req.Method, req.URL.Path))
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		writeError(w, refuse(errMethodNotAllowed, "Method %s is not allowed on %s", req.Method, req.URL.Path))
	})
	return r
}

// operations names the NS API requests for fault rules, built from the
// route table: a route's path with each {var} as a one-segment glob.
// Apply rules use the same names for the change a request asked for.
// Built in init: the handlers of the table use it (apply faults).
var operations faults.Operations

func init() { operations = operationsOf(routeTable) }

func operationsOf(table []route) faults.Operations {
	ops := make(faults.Operations, 0, len(table))
	for _, rt := range table {
		ops = append(ops, faults.Operation{Method: rt.method, Path: faults.TemplateGlob(apiPrefix + rt.path), Name: rt.op})
	}
	return ops.Compile()
}

// OperationNames lists the operation names of the route table, in table
// order without repeats: what a fault rule's match.operation accepts for
// this dialect.
func OperationNames() []string { return operations.Names() }

// RouteList renders the route table as the Markdown table of
// docs/netsapiens.md ("Routes").
func RouteList() string {
	var b strings.Builder
	b.WriteString("| Operation | Method | Path |\n|---|---|---|\n")
	for _, rt := range routeTable {
		b.WriteString("| `" + rt.op + "` | " + rt.method + " | `" + apiPrefix + rt.path + "` |\n")
	}
	return b.String()
}
