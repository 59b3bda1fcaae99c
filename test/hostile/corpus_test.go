package hostile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/test/world"
)

// corpus is one file of testdata/hostile.
type corpus struct {
	Comment string `json:"comment"`
	// Shape is the error body every refusal must have unless a case says
	// otherwise: "ringcentral", "ringcentral-oauth", "netsapiens", "control".
	Shape     string     `json:"shape"`
	Endpoints []endpoint `json:"endpoints"`
	// Bodies go to every endpoint that takes a body, Auth to every endpoint
	// that needs credentials, IDs replace each ID an endpoint's path holds.
	Bodies []mutation `json:"bodies"`
	Auth   []mutation `json:"auth"`
	IDs    []mutation `json:"ids"`
	Cases  []tcase    `json:"cases"`
}

// endpoint is a request that would succeed (or at least be a valid
// attempt) as written; mutations break one thing about it.
type endpoint struct {
	Name   string `json:"name"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Auth   string `json:"auth"` // placeholder of the credential, "" for none
	// Body, when set, is a valid body; endpoints with one get Bodies.
	Body        string `json:"body"`
	ContentType string `json:"contentType"`
	// Shape overrides the corpus shape (the OAuth endpoints).
	Shape string `json:"shape"`
	// BodyStatus and AuthStatus override a mutation's expected statuses
	// where the endpoint answers differently by design.
	BodyStatus []int `json:"bodyStatus"`
}

// mutation breaks one part of every endpoint it applies to.
type mutation struct {
	Name        string            `json:"name"`
	Body        string            `json:"body"`
	ContentType string            `json:"contentType"`
	Token       *string           `json:"token"`
	Headers     map[string]string `json:"headers"`
	// Value replaces an ID placeholder of the path.
	Value  string `json:"value"`
	Status []int  `json:"status"` // [lo, hi]
}

// perEndpoint is how many credential and ID mutations an endpoint gets
// in turn when the full matrix is not asked for.
const perEndpoint = 3

// tcase is one hand-written bad request.
type tcase struct {
	Name        string            `json:"name"`
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	Auth        string            `json:"auth"`
	Headers     map[string]string `json:"headers"`
	Body        string            `json:"body"`
	ContentType string            `json:"contentType"`
	Status      []int             `json:"status"`
	Shape       string            `json:"shape"`
	// Message, when set, must occur in the error message.
	Message string `json:"message"`
	// Deferred, for NetSapiens writes the switch judges only when it
	// applies them (202 first, GUIDE-ASYNC): the clock moves past the
	// apply delay and the request's journal note must contain this.
	Deferred string `json:"deferred"`
}

func loadCorpora(t *testing.T) map[string]corpus {
	t.Helper()
	files, err := filepath.Glob("../../testdata/hostile/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus in testdata/hostile: %v", err)
	}
	out := map[string]corpus{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c corpus
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = c
	}
	return out
}

// expand turns a corpus into concrete cases, then the hand-written ones.
// Every endpoint gets every body mutation. With full set, it also gets
// every credential and ID mutation; otherwise the first credential
// mutation (none at all) and `perEndpoint` more in turn, and `perEndpoint`
// ID mutations per ID in turn, so each mutation still meets many
// endpoints and every endpoint meets each kind of mistake, at a fraction
// of the requests (go test -race runs this on every make test).
func (c corpus) expand(full bool) []tcase {
	var out []tcase
	authTurn, idTurn := 0, 0
	pick := func(ms []mutation, turn *int, keepFirst bool) []mutation {
		if full || len(ms) <= perEndpoint+1 {
			return ms
		}
		var sel []mutation
		rest := ms
		if keepFirst {
			sel, rest = append(sel, ms[0]), ms[1:]
		}
		for range perEndpoint {
			sel = append(sel, rest[*turn%len(rest)])
			*turn++
		}
		return sel
	}
	for _, e := range c.Endpoints {
		shape := e.Shape
		if shape == "" {
			shape = c.Shape
		}
		if e.Body != "" {
			for _, m := range c.Bodies {
				st := m.Status
				if e.BodyStatus != nil && m.ContentType != "" && m.ContentType != "application/json" {
					st = e.BodyStatus
				}
				ct := m.ContentType
				if ct == "" {
					ct = e.ContentType
				}
				out = append(out, tcase{Name: e.Name + ": " + m.Name, Method: e.Method, Path: e.Path, Auth: e.Auth,
					Headers: m.Headers, Body: m.Body, ContentType: ct, Status: st, Shape: shape})
			}
		}
		if e.Auth != "" {
			for _, m := range pick(c.Auth, &authTurn, true) {
				h := map[string]string{"Authorization": ""}
				for k, v := range m.Headers {
					h[k] = v
				}
				if m.Token != nil {
					h["Authorization"] = "Bearer " + *m.Token
				}
				out = append(out, tcase{Name: e.Name + ": " + m.Name, Method: e.Method, Path: e.Path,
					Headers: h, Body: e.Body, ContentType: e.ContentType, Status: m.Status, Shape: shape})
			}
		}
		for _, id := range idsIn(e.Path) {
			for _, m := range pick(c.IDs, &idTurn, false) {
				out = append(out, tcase{Name: fmt.Sprintf("%s: %s as %s", e.Name, m.Name, id), Method: e.Method,
					Path: strings.Replace(e.Path, id, m.Value, 1), Auth: e.Auth, Body: e.Body, ContentType: e.ContentType,
					Status: m.Status, Shape: shape})
			}
		}
	}
	for _, tc := range c.Cases {
		if tc.Shape == "" {
			tc.Shape = c.Shape
		}
		out = append(out, tc)
	}
	return out
}

// idsIn lists the placeholders of a path that name IDs (not credentials).
func idsIn(path string) []string {
	var out []string
	for _, p := range placeholder.FindAllString(path, -1) {
		if !strings.HasPrefix(p, "{repeat:") {
			out = append(out, p)
		}
	}
	return out
}

// placeholder matches {name.with.dots} and {repeat:N:text}, never a JSON
// object (those start with a quote or a brace).
var placeholder = regexp.MustCompile(`\{(?:repeat:[0-9]+:[^{}]*|[A-Za-z][A-Za-z0-9.]*)\}`)

// values names the world's IDs and credentials for placeholders, e.g.
// {A.rc.session}, {B.ns.om}, {control.token}.
func values(w *world.World) map[string]string {
	v := map[string]string{"control.token": world.ControlToken, "recording": "7654321", "leg": "2", "action": "hold"}
	for name, rc := range w.RC {
		p := name + ".rc."
		v[p+"account"], v[p+"extension"], v[p+"token"], v[p+"refresh"] = rc.Account, rc.Extension, rc.Token, rc.Refresh
		v[p+"session"], v[p+"customer"], v[p+"operator"], v[p+"subscription"] = rc.Session, rc.CustomerParty, rc.OperatorParty, rc.Subscription
		v[p+"call"] = rc.CallID
	}
	for name, ns := range w.NS {
		p := name + ".ns."
		v[p+"domain"], v[p+"user"], v[p+"consult"] = ns.Domain, ns.User, ns.Consult
		v[p+"om"], v[p+"ro"], v[p+"userkey"], v[p+"token"], v[p+"jwt"] = ns.OMKey, ns.ROKey, ns.UserKey, ns.Token, ns.JWT
		v[p+"session"], v[p+"orig"], v[p+"term"], v[p+"subscription"] = ns.Session, ns.OrigCall, ns.TermCall, ns.Subscription
		v[p+"call"], v[p+"hook"] = ns.CallID, ns.Hook.URL
	}
	return v
}

// fill replaces placeholders; {repeat:N:text} is text N times (huge
// bodies, deep nesting, absurd path segments).
func fill(s string, v map[string]string) (string, error) {
	var err error
	out := placeholder.ReplaceAllStringFunc(s, func(p string) string {
		inner := p[1 : len(p)-1]
		if rest, ok := strings.CutPrefix(inner, "repeat:"); ok {
			n, text, _ := strings.Cut(rest, ":")
			count, e := strconv.Atoi(n)
			if e != nil || count < 0 {
				err = fmt.Errorf("bad placeholder %s", p)
				return p
			}
			return strings.Repeat(text, count)
		}
		if x, ok := v[inner]; ok {
			return x
		}
		err = fmt.Errorf("unknown placeholder %s", p)
		return p
	})
	return out, err
}

// placeholders lists every placeholder name the corpus may use (for the
// README and error messages).
func placeholders(v map[string]string) string {
	var names []string
	for k := range v {
		names = append(names, "{"+k+"}")
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}
