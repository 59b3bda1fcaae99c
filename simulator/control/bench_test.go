package control_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/control"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// BenchmarkCreateHangupCall is the control API's part of every transfer
// of the load: POST /sim/v1/calls, then DELETE /sim/v1/calls/{id},
// through the router, with a control token.
func BenchmarkCreateHangupCall(b *testing.B) {
	sim := simulator.New(simulator.Options{Clock: simulator.RealClock{}, Seed: 1})
	sc := scenario.Default()
	if err := sc.Apply(sim); err != nil {
		b.Fatal(err)
	}
	r := mux.NewRouter()
	control.New(sim, control.Options{Scenario: sc, Token: "t0ken"}).Mount(r)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/sim/v1/calls", strings.NewReader(`{"from":"+15555555555","to":"+11111111111"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer t0ken")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		var c struct{ ID string }
		if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &c) != nil {
			b.Fatalf("create = %d %s", rec.Code, rec.Body)
		}
		req = httptest.NewRequest("DELETE", "/sim/v1/calls/"+c.ID, nil)
		req.Header.Set("Authorization", "Bearer t0ken")
		rec = httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("hang-up = %d %s", rec.Code, rec.Body)
		}
	}
}
