package ringcentral

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// Issue 6: "recover the WebSocket with wsc and re-subscribe when recovery
// fails"; reference ringcentral.md §4.4 (Recovery): recoveryState Failed
// means the notifications in between are lost, so the Desk reads every
// session it tracks once the new subscription is up.
func TestFailedRecoveryResubscribesAndDeskRereads(t *testing.T) {
	f := newFakePlatform(t)
	f.recoverOK = false
	sid := "s-a39d666edaab42fdaa476135027819bc"
	f.handle("GET", "/restapi/v1.0/account/~/telephony/sessions/"+sid, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeJSON(w, 200, map[string]any{"id": sid, "parties": []map[string]any{
			{"id": "p-a39d666edaab42fdaa476135027819bc-2", "extensionId": "684351005", "direction": "Inbound", "status": map[string]any{"code": "Hold"}},
		}})
	})
	_, sub := loginAndSubscribe(t, f, SubscribeOptions{ReconnectDelay: func(int) time.Duration { return 0 }})
	<-f.wsQueries
	f.awaitFrame(t, "ClientRequest")
	conn := awaitConn(t, f.wsConns)
	desk := NewDesk("684351005")
	go desk.Follow(sub)
	f.notify(t, conn, seedEvent(t, "seed-cust-to-oper-event.json", f.subID))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := desk.Wait(ctx, "the customer's call on the Desk", func() bool { return len(desk.Sessions()) > 0 }); err != nil {
		t.Fatal(err)
	}
	conn.Close() // the network drops the socket; the recovery will answer Failed

	f.awaitFrame(t, "ClientRequest") // subscribed again on the new socket
	if err := desk.Wait(ctx, "the Desk to re-read the session", func() bool {
		p, ok := desk.MyParty(sid)
		return desk.Resyncs() > 0 && ok && p.Status.Code == StatusHold
	}); err != nil {
		t.Fatal(err)
	}
	if sub.Resubscriptions() != 1 || desk.Resyncs() != 1 {
		t.Fatalf("resubscriptions %d, re-reads %d; want 1 and 1", sub.Resubscriptions(), desk.Resyncs())
	}
	if p, _ := desk.MyParty(sid); p.Status.Code != StatusHold {
		t.Fatalf("after the re-read the operator's party is %s, want Hold as read:\n%s", p.Status.Code, desk.Describe())
	}
}
