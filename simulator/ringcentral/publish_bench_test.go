package ringcentral

import (
	"fmt"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// BenchmarkPublish is one core event (an outside caller ringing an
// extension) published to n account-level WebSocket subscriptions: the
// dispatcher's whole share of a fan-out, rendering once per account and
// framing once per subscriber (issue 16, fan-out and warm transfers).
func BenchmarkPublish(b *testing.B) {
	for _, n := range []int{1, 10, 1000} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			sc := scenario.Default()
			sim := simulator.New(simulator.Options{Clock: simulator.NewManualClock(sc.StartAt()), Seed: sc.Seed, RingTimeout: sc.RingTimeout.D(), Retention: sc.Retention.D()})
			if err := sc.Apply(sim); err != nil {
				b.Fatal(err)
			}
			d, err := New(sim, sc, Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			to, err := sim.Resolve("102", acct)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := sim.Originate(simulator.OriginateRequest{From: simulator.Endpoint{Number: "+15555555555"}, To: to}); err != nil {
				b.Fatal(err)
			}
			evs := sim.Events(0)
			e := evs[len(evs)-1]
			d.subs.mu.Lock()
			for i := 0; i < n; i++ {
				id := fmt.Sprintf("bench-%04d", i)
				d.subs.addLocked(&subscription{ID: id, Owner: grantInfo{AccountID: acct, ExtensionID: extCraig},
					Transport: transportWebSocket, Status: statusActive,
					Filters: []eventFilter{{Path: "/restapi/v1.0/account/" + acct + "/telephony/sessions", AccountID: acct}},
					ws:      &wsSession{d: d, id: "ws-" + id}})
			}
			d.subs.mu.Unlock()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d.publish(e)
			}
		})
	}
}
