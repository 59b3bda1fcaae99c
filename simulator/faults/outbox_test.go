package faults

import (
	"reflect"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// outboxRun sends notifications 1..n to one subscription, applying the
// fault in faults[i] (if any) to the i-th, and returns the arrival order.
func outboxRun(clk *simulator.ManualClock, o *Outbox, n int, faults map[int]Action, advance time.Duration) []int {
	var got []int
	for i := 1; i <= n; i++ {
		i := i
		a, fired := faults[i]
		o.Send("sub", Fired{Rule: "r", Action: a}, fired, func() { got = append(got, i) })
	}
	clk.Advance(advance)
	return got
}

// Issue 6: notifications dropped, duplicated, delayed and reordered, on
// the simulator clock.
func TestOutbox(t *testing.T) {
	cases := []struct {
		name    string
		faults  map[int]Action
		advance time.Duration
		want    []int
	}{
		{"no fault", nil, 0, []int{1, 2, 3}},
		{"dropped", map[int]Action{2: {Drop: true}}, 0, []int{1, 3}},
		{"duplicated", map[int]Action{2: {Duplicate: 2}}, 0, []int{1, 2, 2, 2, 3}},
		{"delayed, not yet", map[int]Action{1: {Delay: Duration(time.Second)}}, 999 * time.Millisecond, []int{2, 3}},
		{"delayed arrives after the others", map[int]Action{1: {Delay: Duration(time.Second)}}, time.Second, []int{2, 3, 1}},
		{"reordered after the next", map[int]Action{1: {Reorder: true}}, 0, []int{2, 1, 3}},
		{"reordered last one waits for its hold", map[int]Action{3: {Reorder: true, Delay: Duration(2 * time.Second)}}, 2 * time.Second, []int{1, 2, 3}},
	}
	for _, c := range cases {
		clk := simulator.NewManualClock(start)
		o := NewOutbox(clk)
		if got := outboxRun(clk, o, 3, c.faults, c.advance); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: arrived %v, want %v", c.name, got, c.want)
		}
	}
}

func TestOutboxReorderedLastWaits(t *testing.T) {
	clk := simulator.NewManualClock(start)
	o := NewOutbox(clk)
	got := outboxRun(clk, o, 3, map[int]Action{3: {Reorder: true}}, 999*time.Millisecond)
	if !reflect.DeepEqual(got, []int{1, 2}) || o.Pending() != 1 {
		t.Fatalf("before the default 1s hold: arrived %v, %d pending", got, o.Pending())
	}
}

// Close drops what is held or delayed: nothing arrives after a dialect
// has closed.
func TestOutboxClose(t *testing.T) {
	clk := simulator.NewManualClock(start)
	o := NewOutbox(clk)
	var got []int
	o.Send("a", Fired{Action: Action{Delay: Duration(time.Second)}}, true, func() { got = append(got, 1) })
	o.Send("b", Fired{Action: Action{Reorder: true}}, true, func() { got = append(got, 2) })
	o.Close()
	clk.Advance(time.Minute)
	o.Send("a", Fired{}, false, func() { got = append(got, 3) })
	if len(got) != 0 || o.Pending() != 0 {
		t.Fatalf("after Close: arrived %v, %d pending", got, o.Pending())
	}
}
