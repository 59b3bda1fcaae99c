package simulator_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// BenchmarkAttendedTransfer is one full warm transfer in the core:
// originate, answer, hold, originate the consult, answer, join; then the
// pair hangs up. ns/op is the cost of a whole transfer.
func BenchmarkAttendedTransfer(b *testing.B) {
	sim, clk := newSim(b)
	cust, _ := sim.Resolve("101", "")
	op, _ := sim.Resolve("102", "")
	cons, _ := sim.Resolve("103", "")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a, _ := sim.Originate(simulator.OriginateRequest{From: cust, To: op})
		_ = sim.Answer(a.Legs[1].ID)
		_ = sim.Hold(a.Legs[1].ID)
		c, _ := sim.Originate(simulator.OriginateRequest{From: op, To: cons})
		_ = sim.Answer(c.Legs[1].ID)
		if err := sim.AttendedTransfer(a.Legs[1].ID, c.Legs[0].ID); err != nil {
			b.Fatal(err)
		}
		_ = sim.HangupCall(a.ID)
		if i%1000 == 999 {
			b.StopTimer()
			clk.Advance(10 * time.Minute) // let retention forget ended calls
			b.StartTimer()
		}
	}
}

// BenchmarkHoldUnholdAt measures one hold+unhold pair while N other calls
// are up: the cost must not grow with N (lookups by ID, never scans).
func BenchmarkHoldUnholdAt(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprintf("calls=%d", n), func(b *testing.B) {
			sim, _ := newSim(b)
			ext, _ := sim.Resolve("+15555555555", "")
			to, _ := sim.Resolve("1000@TEST", "")
			var last simulator.Call
			for i := 0; i < n; i++ {
				last, _ = sim.Originate(simulator.OriginateRequest{From: ext, To: to})
				_ = sim.Answer(last.Legs[1].ID)
			}
			leg := last.Legs[1].ID
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := sim.Hold(leg); err != nil {
					b.Fatal(err)
				}
				if err := sim.Unhold(leg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMemoryPerCall reports the heap bytes one active two-leg,
// answered call costs (events retained in the log included).
func BenchmarkMemoryPerCall(b *testing.B) {
	const n = 10000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		sim, _ := newSim(b)
		ext, _ := sim.Resolve("+15555555555", "")
		to, _ := sim.Resolve("1000@TEST", "")
		b.StartTimer()
		for j := 0; j < n; j++ {
			c, _ := sim.Originate(simulator.OriginateRequest{From: ext, To: to})
			_ = sim.Answer(c.Legs[1].ID)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/call")
		runtime.KeepAlive(sim)
		b.StartTimer()
	}
}

// BenchmarkFanOut1000 is one hold+unhold (two events) delivered to 1,000
// subscribers, each drained by its own goroutine.
func BenchmarkFanOut1000(b *testing.B) {
	sim, _ := newSim(b)
	var wg sync.WaitGroup
	subs := make([]*simulator.Subscription, 1000)
	for i := range subs {
		subs[i] = sim.Subscribe(simulator.SubscribeOptions{Buffer: 1024})
		wg.Add(1)
		go func(s *simulator.Subscription) {
			defer wg.Done()
			for range s.C {
			}
		}(subs[i])
	}
	c := call(b, sim, "101", "102")
	_ = sim.Answer(c.Legs[1].ID)
	leg := c.Legs[1].ID
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = sim.Hold(leg)
		_ = sim.Unhold(leg)
	}
	b.StopTimer()
	dropped := 0
	for _, s := range subs {
		if s.Overflowed() {
			dropped++
		}
		s.Close()
	}
	wg.Wait()
	b.ReportMetric(float64(dropped), "dropped-subs")
}

// BenchmarkHoldUnholdAfterEvents shows an event costs the same with an
// empty event log and with a full one that wraps (100,000 events before):
// the log is a ring bounded in entries and bytes (issue 16 item 1).
func BenchmarkHoldUnholdAfterEvents(b *testing.B) {
	for _, prior := range []int{0, 100000} {
		b.Run(fmt.Sprintf("prior=%d", prior), func(b *testing.B) {
			sim, _ := newSim(b)
			ext, _ := sim.Resolve("+15555555555", "")
			to, _ := sim.Resolve("1000@TEST", "")
			c, _ := sim.Originate(simulator.OriginateRequest{From: ext, To: to})
			leg := c.Legs[1].ID
			_ = sim.Answer(leg)
			for i := 0; i < prior/2; i++ {
				_ = sim.Hold(leg)
				_ = sim.Unhold(leg)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := sim.Hold(leg); err != nil {
					b.Fatal(err)
				}
				if err := sim.Unhold(leg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
