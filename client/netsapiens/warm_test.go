package netsapiens

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Source: seeds/netsapiens-attended-transfer.txt steps 2-6: hold by
// call-term-call-id, consult by POST .../users/1000/calls, transfer by
// call-orig-call-id with hostname and call-destination-session-id.
func TestAttendedTransferFollowsTheGuide(t *testing.T) {
	f := newFakeNS(t)
	f.consultAnswersAfter = 2
	c := f.client(t)

	wt, err := c.AttendedTransfer(testCtx(t), "1000", "1010")
	if err != nil {
		t.Fatalf("AttendedTransfer: %v\nfake: %s", err, f)
	}
	writes := f.writes()
	if len(writes) != 3 {
		t.Fatalf("want 3 writes (hold, make call, transfer), got %v", writes)
	}
	if want := "PATCH /ns-api/v2/domains/TEST/users/1000/calls/" + fakeTermID + "/hold"; writes[0] != want {
		t.Errorf("step 3 must hold by call-term-call-id:\n got %s\nwant %s", writes[0], want)
	}
	if want := "POST /ns-api/v2/domains/TEST/users/1000/calls"; writes[1] != want {
		t.Errorf("step 4 must make the consult call as the user:\n got %s\nwant %s", writes[1], want)
	}
	mk := f.body("POST", "/ns-api/v2/domains/TEST/users/1000/calls")
	if mk["call-term-user"] != "1010" || mk["call-id"] != wt.ConsultCallID || wt.ConsultCallID == "" {
		t.Errorf("consult call body = %v, want call-term-user 1010 and call-id %q", mk, wt.ConsultCallID)
	}
	xfer := "PATCH /ns-api/v2/domains/TEST/users/1000/calls/" + fakeOrigID + "/transfer"
	if writes[2] != xfer {
		t.Errorf("step 6 must transfer by call-orig-call-id:\n got %s\nwant %s", writes[2], xfer)
	}
	body := f.body("PATCH", "/ns-api/v2/domains/TEST/users/1000/calls/"+fakeOrigID+"/transfer")
	want := map[string]any{"hostname": "core1.example.test", "call-destination-session-id": "20260101000100100002"}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("transfer body = %v, want exactly %v (no call-term-user)", body, want)
	}
	if string(wt.Merged.TermUser) != "1010" || string(wt.Merged.CallerIDNumber) != "15555555555" {
		t.Errorf("merged call = %s, want the outside caller connected to 1010", wt.Merged)
	}
}

// Source: seed "API Documentation Correction": do NOT include
// call-term-user in the attended transfer. The type that carries the body
// must make it impossible.
func TestAttendedTransferBodyCannotCarryCallTermUser(t *testing.T) {
	typ := reflect.TypeOf(AttendedTransferBody{})
	for i := range typ.NumField() {
		tag := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]
		if tag == "call-term-user" || tag == "destination" {
			t.Errorf("AttendedTransferBody.%s is sent as %q, which breaks attended transfers", typ.Field(i).Name, tag)
		}
	}
	b, _ := json.Marshal(AttendedTransferBody{Hostname: "h", DestinationSessionID: "s"})
	if strings.Contains(string(b), "call-term-user") || strings.Contains(string(b), "destination\"") {
		t.Errorf("marshalled body %s carries a transfer destination", b)
	}
}

// Source: reference/netsapiens.md §8.2: writes answer 202 before the state
// changes, so the client must read until the change shows.
func TestEveryStepWaitsOutThe202(t *testing.T) {
	f := newFakeNS(t)
	f.staleReads = 3 // three stale reads after each write
	f.consultAnswersAfter = 0
	c := f.client(t)
	if _, err := c.AttendedTransfer(testCtx(t), "1000", "1010"); err != nil {
		t.Fatalf("AttendedTransfer with a slow switch: %v\nfake: %s", err, f)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) != 1 || string(f.calls[0].TermUser) != "1010" {
		t.Errorf("want the merge applied, calls = %s", Summarize(f.calls))
	}
}

// Source: seed "Error Handling": check the consultation call is
// established before attempting the transfer. A consult that never answers
// must stop the flow before any transfer is sent, with what was seen.
func TestNoTransferBeforeTheConsultAnswers(t *testing.T) {
	f := newFakeNS(t)
	f.consultAnswersAfter = -1
	c, _ := New(Config{BaseURL: f.srv.URL, Domain: "TEST", Auth: APIKey(f.key),
		Poll: PollPolicy{Initial: time.Millisecond, Max: time.Millisecond, Timeout: 50 * time.Millisecond}})
	_, err := c.AttendedTransfer(testCtx(t), "1000", "1010")
	var step *StepError
	var timeout *TimeoutError
	if !errors.As(err, &step) || step.Step != "read the consultation call" || !errors.As(err, &timeout) {
		t.Fatalf("want a time-out in step 'read the consultation call', got %v", err)
	}
	if len(timeout.Observed) == 0 || !strings.Contains(timeout.Error(), "alerting") {
		t.Errorf("time-out should list the reads showing the consult alerting, got:\n%v", timeout)
	}
	for _, w := range f.writes() {
		if strings.HasSuffix(w, "/transfer") {
			t.Errorf("a transfer was sent before the consult answered: %v", f.writes())
		}
	}
}

// Source: seed step 6 and the 202 contract: a transfer that is accepted but
// never merges is a time-out naming the calls seen, not a success.
func TestTransferThatNeverMergesTimesOut(t *testing.T) {
	f := newFakeNS(t)
	f.mergeOnTransfer = false
	c, _ := New(Config{BaseURL: f.srv.URL, Domain: "TEST", Auth: APIKey(f.key),
		Poll: PollPolicy{Initial: time.Millisecond, Max: time.Millisecond, Timeout: 50 * time.Millisecond}})
	_, err := c.AttendedTransfer(testCtx(t), "1000", "1010")
	var timeout *TimeoutError
	if !errors.As(err, &timeout) || !strings.Contains(err.Error(), "transfer") {
		t.Fatalf("want a transfer time-out, got %v", err)
	}
	if !strings.Contains(timeout.Error(), "term=1000") {
		t.Errorf("time-out should show 1000 still in the call, got:\n%v", timeout)
	}
}

// Source: seed step 2 ("call-term-user": 1000 is a JSON number there).
func TestActiveCallAcceptsNumericUsers(t *testing.T) {
	var call ActiveCall
	err := json.Unmarshal([]byte(`{"call-session-id":"1010101010101010101","call-term-user":1000,"call-term-domain":"TEST","call-orig-info":"active","call-term-info":"active"}`), &call)
	if err != nil {
		t.Fatal(err)
	}
	if call.TermUser != "1000" || !call.BothActive() || !call.IsTerm("test", "1000") {
		t.Errorf("decoded %s; want term user 1000 and both sides active", call)
	}
}

// Source: SPEC45 ActiveCall spells the term info term-orig-info; the guide
// shows call-term-info. Either spelling counts.
func TestTermInfoReadsBothSpellings(t *testing.T) {
	for _, body := range []string{`{"term-orig-info":"held"}`, `{"call-term-info":"held"}`} {
		var call ActiveCall
		if err := json.Unmarshal([]byte(body), &call); err != nil {
			t.Fatal(err)
		}
		if call.TermInfo() != InfoHeld {
			t.Errorf("%s: TermInfo() = %q, want held", body, call.TermInfo())
		}
	}
}

// The two documented holds: the id is the user's own leg.
func TestHoldCallIDIsTheUsersOwnLeg(t *testing.T) {
	c, _ := New(Config{BaseURL: "http://x", Domain: "TEST", Auth: APIKey("k")})
	in := c.NewWarmTransfer("1000", "1010")
	in.UseOriginal(ActiveCall{OrigCallID: "o", TermCallID: "t", TermUser: "1000", TermDomain: "TEST"})
	out := c.NewWarmTransfer("1000", "1010")
	out.UseOriginal(ActiveCall{OrigCallID: "o", TermCallID: "t", OrigUser: "1000", OrigDomain: "TEST"})
	if got := []string{in.HoldCallID(), out.HoldCallID()}; !slices.Equal(got, []string{"t", "o"}) {
		t.Errorf("hold ids (received, placed) = %v, want [t o]", got)
	}
}
