package ringcentral

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// FuzzSocketMessage: whatever frame a logged-in client sends over the
// notification WebSocket, from behind whatever X-Forwarded-Host, the
// server answers with exactly one frame, a JSON array [meta, body?] of
// type Heartbeat, ClientRequest or Error, and never with a 5xx or a panic.
// It calls the frame handler without the panic guard the read loop puts
// around it, so a panic is a finding. Seeds: testdata/fuzz/FuzzSocketMessage.
// Source: issue 10 item 1; reference/ringcentral.md §4.4 (frames).
func FuzzSocketMessage(f *testing.F) {
	sc := scenario.Default()
	sim := simulator.New(simulator.Options{Clock: simulator.NewManualClock(sc.StartAt()), Seed: sc.Seed})
	if err := sc.Apply(sim); err != nil {
		f.Fatal(err)
	}
	d, err := New(sim, sc, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(d.Close)
	r := mux.NewRouter()
	d.Mount(r)
	grant := grantInfo{AccountID: "684349005", ExtensionID: "684351005", ClientID: "pbxsim-client", SessionID: "1", EndpointID: "e"}
	f.Fuzz(func(t *testing.T, forwardedHost string, msg []byte) {
		up := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080/ws", nil)
		up.Header.Set("X-Forwarded-Host", forwardedHost)
		s := &wsSession{d: d, id: "fuzz", grant: grant, base: httpBase(up), seq: 1}
		out := d.answerFrame(s, msg)
		var parts []json.RawMessage
		if err := json.Unmarshal(out, &parts); err != nil || len(parts) < 1 || len(parts) > 2 {
			t.Fatalf("frame %q: answer %s is not [meta, body?]", msg, out)
		}
		var meta frameMeta
		if err := json.Unmarshal(parts[0], &meta); err != nil {
			t.Fatalf("frame %q: answer meta %s: %v", msg, parts[0], err)
		}
		switch meta.Type {
		case "Heartbeat", "ClientRequest", "Error":
		default:
			t.Fatalf("frame %q: answer of type %q", msg, meta.Type)
		}
		if meta.Status >= 500 {
			t.Fatalf("frame %q (X-Forwarded-Host %q): answer %s, a 5xx for a client's frame", msg, forwardedHost, out)
		}
		if meta.Type != "Heartbeat" && meta.Status >= 400 && len(parts) == 2 {
			var e errorBody
			if json.Unmarshal(parts[1], &e) != nil || e.ErrorCode == "" || e.Message == "" || len(e.Errors) == 0 {
				t.Fatalf("frame %q: error answer %s is not in RingCentral's shape", msg, out)
			}
		}
		d.subs.mu.Lock()
		if s.sub != nil {
			d.removeLocked(s.sub)
		}
		d.subs.mu.Unlock()
	})
}
