package ringcentral

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

// Rule: the hand-written rendering of a session and its parties is byte
// for byte what encoding/json writes (with SetEscapeHTML(false), as
// writeJSON did), for every optional field present or absent and for
// strings that need escaping. Source: issue 16 item 2 (remove what need
// not be there, change no answer); shapes: reference/ringcentral.md §1.4.
func TestHandWrittenSessionJSONIsWhatEncodingJSONWrites(t *testing.T) {
	missed := true
	full := party{AccountID: "400", ExtensionID: "62", ID: "p-1-2", Direction: "Outbound",
		To:     partyInfo{PhoneNumber: "+1", Name: `Bob "<&>" Ünïcode` + "\u2028\t", ExtensionID: "63", DeviceID: "d"},
		From:   partyInfo{Name: "only name"},
		Status: statusInfo{Code: "Gone", Reason: "AttendedTransfer", MobilePickupData: &mobilePickupData{CCMailboxes: []string{"1", "<2>"}, SID: "s", To: "+1"}, Rcc: true, PeerID: &peerID{TelephonySessionID: "s-2", SessionID: "9", PartyID: "p-2-1"}, ParkData: "*801"},
		Park:   parkInfo{ID: "*801"}, MissedCall: &missed, StandAlone: true, Muted: true,
		Recordings: []recordingJS{{ID: "r1", Active: true}, {ID: "r2"}},
		Owner:      &ownerInfo{AccountID: "400", ExtensionID: "62"}}
	for _, s := range []callSession{
		{ID: "s-1", Origin: originInfo{Type: "Call"}, Parties: []party{full, {ID: "p-1-3", Direction: "Inbound", Status: statusInfo{Code: "Setup"}}}, CreationTime: "2026-01-01T00:00:00Z"},
		{ID: "s-empty", Parties: []party{}},
		{ID: "s-nil"},
	} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if got := s.appendJSON(nil); !bytes.Equal(got, want) {
			t.Errorf("session %s:\n got %s\nwant %s", s.ID, got, want)
		}
	}
}

// Rule: a notification's body, rendered by hand once per event and
// account, is byte for byte what json.Marshal writes (HTML escaped, as
// notifications always were), for every optional field of its party and
// strings that need escaping. Source: issue 16 (the fan-out and the
// notification path); shape: reference/ringcentral.md §2.2.
func TestHandWrittenEventBodyIsWhatEncodingJSONWrites(t *testing.T) {
	missed := false
	full := party{AccountID: "400", ExtensionID: "62", ID: "p-1-2", Direction: "Outbound",
		To:     partyInfo{PhoneNumber: "+1", Name: `Bob "<&>" Ünïcode` + "\u2028\t", ExtensionID: "63", DeviceID: "d"},
		From:   partyInfo{Name: "only <name>"},
		Status: statusInfo{Code: "Gone", Reason: "AttendedTransfer", MobilePickupData: &mobilePickupData{CCMailboxes: []string{"1", "<2>"}, SID: "s&", To: "+1"}, Rcc: true, PeerID: &peerID{TelephonySessionID: "s-2", SessionID: "9", PartyID: "p-2-1"}, ParkData: "*801"},
		Park:   parkInfo{ID: "*801"}, MissedCall: &missed, StandAlone: true, Muted: true,
		Recordings: []recordingJS{{ID: "r1", Active: true}, {ID: "r<2>"}},
		Owner:      &ownerInfo{AccountID: "400", ExtensionID: "62"}}
	for _, e := range []eventBody{
		{Sequence: 7, SessionID: "123", TelephonySessionID: "s-1", ServerID: serverID, EventTime: "2026-01-01T00:00:00.000Z", Parties: []party{full}, Origin: originInfo{Type: "Call"}},
		{Sequence: -1, SessionID: "<&>", Parties: []party{{ID: "p", Status: statusInfo{Code: "Setup"}}, full}},
		{Parties: []party{}},
		{},
	} {
		want, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.appendJSON(nil); !bytes.Equal(got, want) {
			t.Errorf("event body:\n got %s\nwant %s", got, want)
		}
	}
}

// encodeREST is writeJSON's reflective rendering of v (no HTML escaping).
func encodeREST(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// Rule: the answers rendered straight from the core's calls (GET session,
// call-out's {"session": ...}, a party after an action) are byte for byte
// what encoding/json writes of the session and party views, for calls
// ringing, answered, held, bridged (Gone parties with peerIds), ended and
// for a PSTN party no extension owns. Source: issue 16 (change no answer);
// shapes: reference/ringcentral.md §1.2, §1.4.
func TestCallOutAnswerIsWhatEncodingJSONWrites(t *testing.T) {
	w := newWorld(t, nil, Options{})
	check := func(stage string) {
		t.Helper()
		calls := w.sim.Calls()
		if len(calls) == 0 {
			t.Fatalf("%s: no calls", stage)
		}
		for _, c := range calls {
			for _, viewer := range []string{acct, "other"} {
				s := w.d.renderSession(c, viewer)
				if got, want := w.d.appendSession(nil, c, viewer), encodeREST(t, s); !bytes.Equal(got, want) {
					t.Errorf("%s: session %s:\n got %s\nwant %s", stage, s.ID, got, want)
				}
				got := append(w.d.appendSession([]byte(`{"session":`), c, viewer), '}')
				if want := encodeREST(t, map[string]any{"session": s}); !bytes.Equal(got, want) {
					t.Errorf("%s: call-out answer %s:\n got %s\nwant %s", stage, s.ID, got, want)
				}
				for _, l := range c.Legs {
					var owner ownerInfo
					got := w.d.renderPartyOwned(l, viewer, &owner).appendJSON(nil)
					if want := encodeREST(t, w.d.renderParty(l, viewer, true)); !bytes.Equal(got, want) {
						t.Errorf("%s: party %s:\n got %s\nwant %s", stage, l.Attrs[attrParty], got, want)
					}
				}
			}
		}
	}
	wc := setupWarmTransfer(t, w)
	check("before the bridge")
	r := w.call(http.MethodPost, partyPath(wc.sidA, wc.opA)+"/bridge", wc.opTok,
		map[string]string{"telephonySessionId": wc.sidB, "partyId": wc.opB})
	expect(t, "bridge", r, 200, "status.code", "Gone")
	check("after the bridge")
	r = w.call(http.MethodDelete, sessionPath(wc.sidA), wc.consTok, nil)
	expect(t, "hang up", r, 204)
	check("ended")
}
