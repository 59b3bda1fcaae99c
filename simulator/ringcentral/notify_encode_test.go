package ringcentral

import (
	"encoding/json"
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

// Rule: a notification rendered once per event (its body shared by every
// subscriber) is byte for byte what encoding/json renders for each
// subscriber, on a WebSocket frame and in a webhook post. Source: issue 16
// item 4 (render once per event); the shape is reference/ringcentral.md §2.2.
func TestPreRenderedNotificationIsWhatEncodingJSONWrites(t *testing.T) {
	body := eventBody{Sequence: 7, SessionID: "123", TelephonySessionID: "s-abc", ServerID: serverID, EventTime: "2026-01-01T00:00:00.000Z",
		Parties: []party{{ID: "p-abc-1", Direction: "Inbound", From: partyInfo{Name: `Ann "<&>" Été`, PhoneNumber: "+1"}, Status: statusInfo{Code: "Setup"}}},
		Origin:  originInfo{Type: "Call"}}
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	type plain notification // without MarshalJSON: encoding/json's own rendering
	for _, n := range []notification{
		{UUID: "1234", Event: "/restapi/v1.0/account/1/telephony/sessions", Timestamp: "t", SubscriptionID: "sub<1>", OwnerID: "62", Body: body, body: raw},
		{UUID: "1234", Event: "/e", Timestamp: "t", SubscriptionID: "s", Body: body}, // not pre-rendered
	} {
		want, _ := json.Marshal(plain(n))
		if got := n.encode(); string(got) != string(want) {
			t.Errorf("encode:\n got %s\nwant %s", got, want)
		}
		if got, _ := json.Marshal(n); string(got) != string(want) {
			t.Errorf("json.Marshal (webhook post):\n got %s\nwant %s", got, want)
		}
		for _, meta := range []frameMeta{
			{Type: "ServerNotification", MessageID: n.UUID, Status: 200, Headers: map[string]string{"RCRequestId": "x<\u2028>"}, WSC: &wscInfo{Token: "w", Sequence: 3}},
			{Type: "ServerNotification", MessageID: "m", Status: 200}, // not the usual header: encoding/json renders it
			{Type: "ServerNotification", MessageID: "m", Status: 200, Headers: map[string]string{"RCRequestId": "x", "B": "y"}, WSC: &wscInfo{}},
		} {
			wantFrame, _ := json.Marshal([]any{meta, plain(n)})
			if got := notificationFrame(meta, n); string(got) != string(wantFrame) {
				t.Errorf("frame:\n got %s\nwant %s", got, wantFrame)
			}
		}
	}
}

// Rule: the ServerNotification frame a socket's writer renders from what
// the dispatcher drew (the notification's uuid, the RCRequestId, the wsc
// sequence) is byte for byte notificationFrame's with those IDs, and the
// dispatcher's draws leave the seeded source where the same draws made
// elsewhere leave it, so the IDs drawn after them are the same too.
// Source: issue 16 (fan-out: the per-subscriber step),
// reference/ringcentral.md §4.2 (the frame).
func TestServerNotificationFrameIsNotificationFrame(t *testing.T) {
	seeded := func() *Dialect {
		d := &Dialect{opts: Options{RecoveryBufferSize: 4}}
		d.rnd = rand.New(rand.NewSource(7))
		return d
	}
	direct, viaMeta := seeded(), seeded()
	body := eventBody{Sequence: 3, SessionID: "1", TelephonySessionID: "s-1", Parties: []party{{ID: "p<1>"}}}
	view := &eventView{body: body, raw: body.appendJSON(nil), timestamp: "t<&>"}
	for i, n := range []notice{
		{route: &eventRoute{path: "/restapi/v1.0/account/1/telephony/sessions", view: view}, sub: &subscription{ID: "sub", Owner: grantInfo{ExtensionID: "62"}}},
		{route: &eventRoute{path: "/e\u2028", view: view}, sub: &subscription{ID: "s<1>"}},
	} {
		for _, sess := range []string{"0123456789abcdef01234567", strings.Repeat("long-session-", 20)} {
			s := &wsSession{d: direct, id: sess, seq: int64(i*1000 + 998)}
			direct.drawDigits(&n.uuid)
			s.notify(n)
			got := appendServerNotification([]byte("reused buffer"), &s.recent()[0], sess)

			var uuid [19]byte
			var rid requestID
			viaMeta.drawDigits(&uuid)
			viaMeta.drawRequestID(&rid)
			want := n.notification()
			want.UUID = string(uuid[:])
			seq := int64(i*1000 + 999)
			wantFrame := notificationFrame(frameMeta{Type: "ServerNotification", MessageID: want.UUID, Status: 200,
				Headers: map[string]string{"RCRequestId": string(appendRID(nil, &rid))},
				WSC:     &wscInfo{Token: wscToken(sess, seq), Sequence: seq}}, want)
			if string(got) != "reused buffer"+string(wantFrame) {
				t.Errorf("frame:\n got %s\nwant %s", got, wantFrame)
			}
		}
	}
	if a, b := direct.uuid(), viaMeta.uuid(); a != b {
		t.Errorf("the next uuid drawn is %s, want %s", a, b)
	}
}

// Rule: a notification's uuid is 19 decimal digits, the first not 0, and
// its RCRequestId a uuid of the vendor's shape (8-4-4-4-12 hex digits,
// version 4); both are reproducible for a seed and do not repeat.
// Source: reference/ringcentral.md §2.2 (notification uuid), §4.2
// (RCRequestId); issue 16 (one draw per ID, not one per digit).
func TestNotificationIDsHaveTheVendorsShape(t *testing.T) {
	draw := func(seed int64) (uuids, rids []string) {
		d := &Dialect{}
		d.rnd = rand.New(rand.NewSource(seed))
		for range 2000 {
			var u [19]byte
			var r requestID
			d.drawDigits(&u)
			d.drawRequestID(&r)
			uuids, rids = append(uuids, string(u[:])), append(rids, string(appendRID(nil, &r)))
		}
		return uuids, rids
	}
	uuids, rids := draw(11)
	again, _ := draw(11)
	uuidShape := regexp.MustCompile(`^[1-9][0-9]{18}$`)
	ridShape := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	firsts := map[byte]bool{}
	for i := range uuids {
		if !uuidShape.MatchString(uuids[i]) || !ridShape.MatchString(rids[i]) {
			t.Fatalf("draw %d: uuid %q, RCRequestId %q", i, uuids[i], rids[i])
		}
		if uuids[i] != again[i] {
			t.Fatalf("draw %d: %s, then %s for the same seed", i, uuids[i], again[i])
		}
		if seen[uuids[i]] || seen[rids[i]] {
			t.Fatalf("draw %d repeats an ID", i)
		}
		seen[uuids[i]], seen[rids[i]] = true, true
		firsts[uuids[i][0]] = true
	}
	if len(firsts) != 9 {
		t.Errorf("first digits drawn: %d of 9", len(firsts))
	}
}

// Rule: a notice renders as its notification does, in a webhook post too.
// Source: reference/ringcentral.md §2.2.
func TestNoticeIsItsNotification(t *testing.T) {
	body := eventBody{Sequence: 3, TelephonySessionID: "s-1", Parties: []party{{ID: "p"}}}
	n := notice{route: &eventRoute{path: "/p\"", view: &eventView{body: body, raw: body.appendJSON(nil), timestamp: "t"}},
		sub: &subscription{ID: "<s>", Owner: grantInfo{ExtensionID: "7&"}}, uuid: [19]byte([]byte("1234567890123456789"))}
	if got, want := n.appendTo(nil), n.notification().encode(); string(got) != string(want) {
		t.Errorf("notice:\n got %s\nwant %s", got, want)
	}
}
