package ringcentral

import "testing"

// Rule: the dialect's Stats count the sockets open and the subscriptions
// held, for /sim/v1/metrics. Source: issue 16 item 5.
func TestStatsCountSocketsAndSubscriptions(t *testing.T) {
	w := newWorld(t, nil, Options{})
	if st := w.d.Stats(); st["ringcentral.sockets"] != 0 || st["ringcentral.subscriptions"] != 0 {
		t.Fatalf("before any socket: %v", st)
	}
	s := w.dial(w.login("jwt-102"), "")
	s.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/extension/~/telephony/sessions")
	if st := w.d.Stats(); st["ringcentral.sockets"] != 1 || st["ringcentral.subscriptions"] != 1 {
		t.Fatalf("one socket with one subscription: %v", st)
	}
}
