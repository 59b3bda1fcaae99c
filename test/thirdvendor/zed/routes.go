package zed

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// apiPrefix is where Zed's API lives.
const apiPrefix = "/zed/v1"

// route is one endpoint: the router and the fault operations are built
// from routeTable.
type route struct {
	op     string
	method string
	path   string // mux template below apiPrefix
	serve  func(*Dialect, http.ResponseWriter, *http.Request, string)
}

const userCalls = "/tenants/{tenant}/users/{user}/calls"

var routeTable = []route{
	{"list-calls", http.MethodGet, userCalls, (*Dialect).listCalls},
	{"answer", http.MethodPost, userCalls + "/{leg}/answer", (*Dialect).answer},
	{"hang-up", http.MethodDelete, userCalls + "/{leg}", (*Dialect).hangUp},
}

// operations names the requests for fault rules (match.operation).
var operations = func() faults.Operations {
	var ops faults.Operations
	for _, rt := range routeTable {
		ops = append(ops, faults.Operation{Method: rt.method, Path: glob(apiPrefix + rt.path), Name: rt.op})
	}
	return ops.Compile()
}()

// glob turns a mux template into a fault glob: {var} becomes *.
func glob(tmpl string) string {
	var b strings.Builder
	for _, seg := range strings.Split(tmpl, "/") {
		if b.Len() > 0 || seg != "" {
			b.WriteString("/")
		}
		if strings.HasPrefix(seg, "{") {
			seg = "*"
		}
		b.WriteString(seg)
	}
	return b.String()
}

// router builds the API's router from the table.
func (d *Dialect) router() http.Handler {
	r := mux.NewRouter().SkipClean(true)
	for _, rt := range routeTable {
		rt := rt
		r.HandleFunc(apiPrefix+rt.path, func(w http.ResponseWriter, req *http.Request) {
			tenant, err := d.authorize(req)
			if err != nil {
				writeError(w, err.(zedError))
				return
			}
			rt.serve(d, w, req, tenant)
		}).Methods(rt.method)
	}
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		writeError(w, refuse(errNotFound, "no Zed endpoint %s %s", req.Method, req.URL.Path))
	})
	r.MethodNotAllowedHandler = r.NotFoundHandler
	return r
}
