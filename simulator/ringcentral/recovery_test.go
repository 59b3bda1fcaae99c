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
		s.keep(sentFrame{seq: int64(n + 1)})
		if got := seqs(); got != want {
			t.Fatalf("after %d frames: %s, want %s", n+1, got, want)
		}
	}
	if len(s.buffer) != 3 {
		t.Fatalf("the ring holds %d frames, want 3", len(s.buffer))
	}
}

// BenchmarkSessionNotify is one notification rendered for one WebSocket
// session and kept for recovery, the per-subscriber step of a fan-out
// (issue 16 item 4), with the recovery buffer full.
func BenchmarkSessionNotify(b *testing.B) {
	d := &Dialect{opts: Options{RecoveryBufferSize: 100}}
	d.rnd = rand.New(rand.NewSource(1))
	s := &wsSession{d: d, id: "sess"}
	n := notification{UUID: "1234567890123456789", Event: "/restapi/v1.0/account/1/telephony/sessions", Timestamp: "2026-01-01T00:00:00.000Z",
		SubscriptionID: "sub", OwnerID: "1", body: make([]byte, 800)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.notify(n)
	}
}
