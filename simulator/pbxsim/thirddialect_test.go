package pbxsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// zed is a made-up third dialect, built only from pbxsim's, scenario's
// and faults' exported surface: a section of tenants, one route per
// tenant, and a fault spec with an apply phase.
type zedSection struct {
	Tenants []struct {
		ID   string `yaml:"id" json:"id"`
		User string `yaml:"user" json:"user"`
	} `yaml:"tenants" json:"tenants"`
}

func (z *zedSection) Validate(c *scenario.Check) error {
	if len(z.Tenants) == 0 {
		return scenario.Bad("zed", "zed has no tenants")
	}
	return nil
}
func (z *zedSection) Defaults() {}
func (z *zedSection) Apply(sim *simulator.Sim) error {
	for _, t := range z.Tenants {
		if err := sim.AddTenant(simulator.Tenant{ID: t.ID, Kind: "zed"}); err != nil {
			return err
		}
		if err := sim.AddUser(simulator.User{TenantID: t.ID, ID: t.User, Extension: t.User, Name: t.User}); err != nil {
			return err
		}
	}
	return nil
}
func (z *zedSection) TenantIDs() []string {
	var out []string
	for _, t := range z.Tenants {
		out = append(out, t.ID)
	}
	return out
}
func (z *zedSection) Clone() scenario.Section {
	c := *z
	c.Tenants = append(c.Tenants[:0:0], z.Tenants...)
	return &c
}
func (z *zedSection) Fresh() scenario.Section {
	c := z.Clone().(*zedSection)
	for i := range c.Tenants {
		c.Tenants[i].ID = "z" + scenario.RandText(scenario.Decimal, 6)
	}
	return c
}

var zedSpec = faults.DialectSpec{Name: "zed", ApplyPhase: true}

func init() {
	scenario.RegisterSection(scenario.SectionKind{Key: "zed", New: func() scenario.Section { return new(zedSection) }, Faults: &zedSpec})
}

type zedDialect struct {
	mu      sync.Mutex
	tenants map[string]bool
	closed  bool
}

func (d *zedDialect) Mount(r *mux.Router) {
	r.HandleFunc("/zed/v1/{tenant}", func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		ok := d.tenants[mux.Vars(r)["tenant"]]
		d.mu.Unlock()
		if !ok {
			http.Error(w, "no such tenant", http.StatusNotFound)
			return
		}
		fmt.Fprint(w, `{"zed":true}`)
	})
}
func (d *zedDialect) Close() { d.mu.Lock(); d.closed = true; d.mu.Unlock() }
func (d *zedDialect) FaultRoutes() []faults.Route {
	return []faults.Route{{Prefix: "/zed/v1", Dialect: "zed", Vendor: d}}
}
func (d *zedDialect) AddTenants(s scenario.Section) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, id := range s.TenantIDs() {
		d.tenants[id] = true
	}
	return nil
}
func (d *zedDialect) RemoveTenants(s scenario.Section) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, id := range s.TenantIDs() {
		delete(d.tenants, id)
	}
}
func (d *zedDialect) Classify(r *http.Request) (string, string) {
	return strings.TrimPrefix(r.URL.Path, "/zed/v1/"), "get"
}
func (d *zedDialect) WriteFault(w http.ResponseWriter, status int, _ time.Duration, message string) {
	http.Error(w, `{"zedError":"`+message+`"}`, status)
}

// zedFactory is all a third dialect hands pbxsim.
func zedFactory(built **zedDialect) DialectFactory {
	return DialectFactory{Name: "zed", APIPrefix: "/zed/v1", // Faults: the section kind's
		New: func(env DialectEnv) (Dialect, error) {
			d := &zedDialect{tenants: map[string]bool{}}
			for _, id := range env.Scenario.Section("zed").TenantIDs() {
				d.tenants[id] = true
			}
			*built = d
			return d, nil
		}}
}

const zedScenario = `name: zed-world
clock: manual
zed:
  tenants:
    - {id: Z1, user: "100"}
`

// Rule: a third vendor plugs into pbxsim by passing a factory beside the
// defaults: its section loads, its routes serve and pass through the
// fault middleware, its fault spec decides which rules fit it, tenant
// sets of it come and go through the control API, and shutdown closes it.
// Source: issue 11 item 2 (pbxsim takes a list of dialect factories).
func TestThirdDialectPlugsIn(t *testing.T) {
	sc, err := scenario.Parse("zed.yaml", []byte(zedScenario))
	if err != nil {
		t.Fatal(err)
	}
	var zd *zedDialect
	srv := newTestServer(t, Config{Scenario: sc, Dialects: append(DefaultDialects(), zedFactory(&zd))})
	if st, body := tdo(t, srv, http.MethodGet, "/zed/v1/Z1", ""); st != http.StatusOK || !body.Get("zed").Bool() {
		t.Fatalf("GET /zed/v1/Z1: %d %s", st, body.Raw)
	}
	if st, body := tdo(t, srv, http.MethodGet, "/nowhere", ""); st != http.StatusNotFound || !strings.Contains(body.Get("error.message").String(), "/restapi, /ns-api/v2 and /zed/v1") {
		t.Fatalf("404: %d %s", st, body.Raw)
	}
	// A status fault on the zed route answers in zed's shape, before the dialect.
	if st, body := tdo(t, srv, http.MethodPost, "/sim/v1/faults", `{"id":"z503","match":{"dialect":"zed"},"action":{"status":503},"times":"once"}`); st != http.StatusCreated {
		t.Fatalf("POST fault: %d %s", st, body.Raw)
	}
	if st, body := tdo(t, srv, http.MethodGet, "/zed/v1/Z1", ""); st != http.StatusServiceUnavailable || body.Get("zedError").String() == "" {
		t.Fatalf("faulted GET: %d %s", st, body.Raw)
	}
	if st, body := tdo(t, srv, http.MethodPost, "/sim/v1/faults", `{"id":"zsock","on":"notification","match":{"dialect":"zed","transport":"websocket"},"action":{"disconnect":"recoverable"}}`); st != http.StatusBadRequest ||
		!strings.Contains(body.Get("error.message").String(), "action.disconnect needs a dialect with notification sockets (ringcentral), not zed") {
		t.Fatalf("disconnect on zed: %d %s", st, body.Raw)
	}
	if st, body := tdo(t, srv, http.MethodPost, "/sim/v1/faults", `{"id":"zapply","on":"apply","match":{"dialect":"zed"},"action":{"delay":2}}`); st != http.StatusCreated {
		t.Fatalf("apply on zed: %d %s", st, body.Raw)
	}
	st, set := tdo(t, srv, http.MethodPost, "/sim/v1/tenants", `{"zed":{"tenants":[{"id":"x","user":"7"}]}}`)
	if st != http.StatusCreated {
		t.Fatalf("POST tenants: %d %s", st, set.Raw)
	}
	id, tenant := set.Get("id").String(), set.Get("zed.tenants.0.id").String()
	if !zd.tenants[tenant] || tenant == "x" {
		t.Fatalf("tenant %q not added to the dialect: %v", tenant, zd.tenants)
	}
	if _, list := tdo(t, srv, http.MethodGet, "/sim/v1/tenants", ""); list.Get(`tenants.#(id=="`+id+`").tenants.0.kind`).String() != "zed" {
		t.Fatalf("GET tenants: %s", list.Raw)
	}
	if st, _ := tdo(t, srv, http.MethodDelete, "/sim/v1/tenants/"+id, ""); st != http.StatusOK || zd.tenants[tenant] {
		t.Fatalf("DELETE: %d, still %v", st, zd.tenants)
	}
	var got map[string]any
	_, whole := tdo(t, srv, http.MethodGet, "/sim/v1/scenario", "")
	if err := json.Unmarshal([]byte(whole.Raw), &got); err != nil || got["zed"] == nil {
		t.Fatalf("GET scenario: %v %s", err, whole.Raw)
	}
}

// Rule: a scenario section no dialect of the server serves is refused
// at start with its line, instead of being silently ignored.
// Source: docs/scenarios.md (a bad file stops pbxsim with the file, line and reason).
func TestSectionWithoutDialectRefused(t *testing.T) {
	sc, err := scenario.Parse("zed.yaml", []byte(zedScenario+"ringcentrl:\n  clients: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{Scenario: sc}); err == nil || !strings.Contains(err.Error(), `zed.yaml:6: section "ringcentrl" belongs to no dialect of this pbxsim`) {
		t.Fatalf("err = %v", err)
	}
	sc, _ = scenario.Parse("zed.yaml", []byte(zedScenario))
	if _, err := New(Config{Scenario: sc}); err == nil || !strings.Contains(err.Error(), `section "zed" belongs to no dialect`) {
		t.Fatalf("err = %v", err)
	}
}
