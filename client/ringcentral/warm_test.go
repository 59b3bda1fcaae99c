package ringcentral

import (
	"context"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// Source: seeds/ringcentral-warm-transfer.md, the whole flow: the operator's
// party is found by extensionId in the cust-to-oper event (Inbound,
// Answered) and the oper-to-cust event (Outbound, Answered); the bridge is
// POST .../sessions/{A}/parties/{opInA}/bridge with {telephonySessionId: B,
// partyId: opInB}.
func TestWarmTransferFollowsTheGuide(t *testing.T) {
	const (
		sA, pA = "s-a39d666edaab42fdaa476135027819bc", "p-a39d666edaab42fdaa476135027819bc-2"
		sB, pB = "s-9d11ac1bba524888bffaaef0488557c3", "p-9d11ac1bba524888bffaaef0488557c3-1"
	)
	f := newFakePlatform(t)
	c, sub := loginAndSubscribe(t, f, SubscribeOptions{})
	desk := NewDesk(c.OwnerID())
	go desk.Follow(sub)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn := awaitConn(t, f.wsConns)

	var held, bridged string
	var callOut string
	f.handle(http.MethodPost, "/restapi/v1.0/account/~/telephony/sessions/"+sA+"/parties/"+pA+"/hold", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		held = pA
		writeJSON(w, 200, map[string]any{"id": pA, "status": map[string]any{"code": "Hold"}, "owner": map[string]string{"extensionId": "684351005"}})
	})
	f.handle(http.MethodPost, "/restapi/v1.0/account/~/telephony/call-out", func(w http.ResponseWriter, r *http.Request, body []byte) {
		callOut = string(body)
		writeJSON(w, 201, map[string]any{"session": map[string]any{"id": sB, "origin": map[string]string{"type": "CallOut"},
			"parties": []any{map[string]any{"id": pB, "direction": "Outbound", "status": map[string]any{"code": "Setup"},
				"owner": map[string]string{"accountId": "684349005", "extensionId": "684351005"}}}}})
	})
	var consultAnswered atomic.Bool
	f.handle(http.MethodGet, "/restapi/v1.0/account/~/telephony/sessions/"+sB, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		code := "Proceeding"
		if consultAnswered.Load() {
			code = "Answered"
		}
		writeJSON(w, 200, map[string]any{"id": sB, "origin": map[string]string{"type": "CallOut"}, "parties": []any{
			map[string]any{"id": pB, "direction": "Outbound", "status": map[string]any{"code": "Answered"}},
			map[string]any{"id": "p-9d11ac1bba524888bffaaef0488557c3-2", "direction": "Inbound", "status": map[string]any{"code": code}},
		}})
	})
	f.handle(http.MethodPost, "/restapi/v1.0/account/~/telephony/sessions/"+sA+"/parties/"+pA+"/bridge", func(w http.ResponseWriter, r *http.Request, body []byte) {
		bridged = string(body)
		writeJSON(w, 200, map[string]any{"id": pA, "status": map[string]any{"code": "Gone", "reason": "AttendedTransfer",
			"peerId": map[string]string{"telephonySessionId": sB, "sessionId": "11405259005", "partyId": pB}}})
	})

	f.notify(t, conn, seedEvent(t, "seed-cust-to-oper-event.json", f.subID))
	if err := desk.Wait(ctx, "the customer's call", func() bool { _, ok := desk.CustomerCall(); return ok }); err != nil {
		t.Fatal(err)
	}
	wt, err := c.BeginWarmTransfer(ctx, desk, Caller{DeviceID: "801536579005"}, Callee{ExtensionNumber: "103"})
	if err != nil {
		t.Fatal(err)
	}
	if held != pA {
		t.Fatal("the customer was not held first")
	}
	if want := `{"from":{"deviceId":"801536579005"},"to":{"extensionNumber":"103"}}`; callOut != want {
		t.Fatalf("call-out body = %s, want %s", callOut, want)
	}
	if wt.Customer != (Leg{sA, pA}) || wt.Consult != (Leg{sB, pB}) {
		t.Fatalf("learned legs %+v / %+v", wt.Customer, wt.Consult)
	}
	// The operator's device is connected: the seed's oper-to-cust event.
	// The consult still rings; Complete must not bridge yet.
	f.notify(t, conn, seedEvent(t, "seed-oper-to-cust-event.json", f.subID))
	type result struct {
		p   *Party
		err error
	}
	done := make(chan result, 1)
	go func() {
		p, err := wt.Complete(ctx)
		done <- result{p, err}
	}()
	// Wait until Complete has read the session at least once (consult ringing).
	deadline := time.After(5 * time.Second)
	for !slices.Contains(f.seen(), "GET /restapi/v1.0/account/~/telephony/sessions/"+sB) {
		select {
		case r := <-done:
			t.Fatalf("Complete returned before the consult answered: %+v %v", r.p, r.err)
		case <-deadline:
			t.Fatalf("Complete never read the consult session; requests %v", f.seen())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if bridged != "" {
		t.Fatal("bridged while the consult was still ringing")
	}
	consultAnswered.Store(true)
	var r result
	select {
	case r = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Complete did not return within 5s of the consult answering")
	}
	p, err := r.p, r.err
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"telephonySessionId":"` + sB + `","partyId":"` + pB + `"}`; bridged != want {
		t.Fatalf("bridge body = %s, want %s", bridged, want)
	}
	if p.Status.Code != StatusGone || p.Status.Reason != ReasonAttendedTransfer {
		t.Fatalf("bridge answered %+v", p.Status)
	}

	// The operator's parties go Gone with reciprocal peers.
	for _, g := range []struct {
		s, p, peerS, peerP string
		seq                int
	}{{sA, pA, sB, pB, 9}, {sB, pB, sA, pA, 7}} {
		f.notify(t, conn, map[string]any{"uuid": "1", "event": "/restapi/v1.0/account/684349005/extension/684351005/telephony/sessions",
			"subscriptionId": f.subID, "ownerId": "684351005", "body": map[string]any{"sequence": g.seq, "telephonySessionId": g.s, "sessionId": "1",
				"parties": []any{map[string]any{"id": g.p, "extensionId": "684351005", "direction": "Inbound",
					"status": map[string]any{"code": "Gone", "reason": "AttendedTransfer", "peerId": map[string]string{"telephonySessionId": g.peerS, "partyId": g.peerP}}}}}})
	}
	if err := wt.AwaitSettled(ctx); err != nil {
		t.Fatal(err)
	}
}

// Source: seeds/ringcentral-warm-transfer.md: the transfer starts from an
// answered customer call; without one the client says so and sends nothing.
func TestWarmTransferNeedsAnAnsweredCall(t *testing.T) {
	f := newFakePlatform(t)
	c := f.client(t, nil)
	if err := c.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := c.BeginWarmTransfer(context.Background(), NewDesk(c.OwnerID()), Caller{ExtensionID: "684351005"}, Callee{ExtensionNumber: "103"})
	if err == nil {
		t.Fatal("BeginWarmTransfer with no call succeeded")
	}
	if got := f.seen(); len(got) != 0 {
		t.Fatalf("sent %v without a call to transfer", got)
	}
}
