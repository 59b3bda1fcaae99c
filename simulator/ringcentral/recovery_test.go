package ringcentral

import (
	"fmt"
	"math/rand"
	"testing"
)

// Rule: a recovery replays the last recoveryBufferSize notifications, oldest
// first; the buffer is a ring, so keeping a frame costs O(1) and not a copy
// of the buffer. Source: reference/ringcentral.md §4.4 (Recovery), issue 16
// (no cost per request may grow with history).
func TestRecoveryBufferKeepsTheLastFramesInOrder(t *testing.T) {
	s := &wsSession{d: &Dialect{opts: Options{RecoveryBufferSize: 3}}}
	seqs := func() string {
		var out []int64
		for _, f := range s.recent() {
			out = append(out, f.seq)
		}
		return fmt.Sprint(out)
	}
	for n, want := range []string{"[1]", "[1 2]", "[1 2 3]", "[2 3 4]", "[3 4 5]", "[4 5 6]", "[5 6 7]"} {
		s.keep(wsOut{seq: int64(n + 1)})
		if got := seqs(); got != want {
			t.Fatalf("after %d frames: %s, want %s", n+1, got, want)
		}
	}
	if len(s.buffer) != 3 {
		t.Fatalf("the ring holds %d frames, want 3", len(s.buffer))
	}
}

// BenchmarkSessionNotify is one notification for one WebSocket session,
// its draws made and kept for recovery, the dispatcher's per-subscriber
// step of a fan-out (issue 16 item 4), with the recovery buffer full.
func BenchmarkSessionNotify(b *testing.B) {
	d := &Dialect{opts: Options{RecoveryBufferSize: 100}}
	d.rnd = rand.New(rand.NewSource(1))
	s := &wsSession{d: d, id: "sess"}
	n := benchNotice()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.notify(n)
	}
}

// BenchmarkNotificationRender is a socket writer's share of a fan-out:
// one ServerNotification frame rendered into the writer's buffer.
func BenchmarkNotificationRender(b *testing.B) {
	o := wsOut{notice: benchNotice(), seq: 12345}
	var buf []byte
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = appendServerNotification(buf[:0], &o, "0123456789abcdef01234567")
	}
}

func benchNotice() notice {
	return notice{route: &eventRoute{path: "/restapi/v1.0/account/1/telephony/sessions",
		view: &eventView{raw: make([]byte, 800), timestamp: "2026-01-01T00:00:00.000Z"}},
		sub: &subscription{ID: "sub", Owner: grantInfo{ExtensionID: "1"}}, uuid: [19]byte([]byte("1234567890123456789"))}
}

// Rule: when the client deletes its socket's subscription, the session
// keeps nothing to replay on a recovery; while the session serves
// another subscription its frames stay. Source: reference/ringcentral.md
// §4.4 (a recovery replays the subscription's notifications; inferred:
// none once it is deleted); issue 16 (the churn soak held every dropped
// session's frames for RecoveryTimeout).
func TestDeletedSubscriptionLeavesNothingToReplay(t *testing.T) {
	d := &Dialect{}
	s := &wsSession{d: d, buffer: []wsOut{{seq: 1}, {seq: 2}}, oldest: 1}
	gone := &subscription{ID: "gone", ws: s}
	s.sub = &subscription{ID: "current", ws: s}
	d.forgetReplays(gone)
	if len(s.buffer) != 2 {
		t.Fatalf("a session still serving a subscription lost its frames: %d left", len(s.buffer))
	}
	s.sub = nil // removeLocked left it without one
	d.forgetReplays(gone)
	if len(s.buffer) != 0 || s.oldest != 0 {
		t.Fatalf("after its subscription was deleted the session keeps %d frames to replay", len(s.buffer))
	}
}
