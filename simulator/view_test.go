package simulator

import (
	"math/rand"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// Reads return the snapshot of a call's latest event while nothing has
// changed since (call.view). Rule: after every operation, what a reader
// gets is what a new snapshot of the call shows, field for field, and the
// event log's sizes are what eventBytes says of each event. Random
// operations, including the timers of answer policies, ring timeouts and
// retention, look for a change that no event follows.
func TestViewIsCurrentAfterRandomOperations(t *testing.T) {
	clk := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := New(Options{Clock: clk, Seed: 3, RingTimeout: 30 * time.Second, Retention: time.Minute})
	s.AddNamer(testNamer{})
	if err := s.AddTenant(Tenant{ID: "T", Kind: "test"}); err != nil {
		t.Fatal(err)
	}
	var users []Endpoint
	for i := 0; i < 6; i++ {
		id := strconv.Itoa(100 + i)
		u := User{TenantID: "T", ID: id, Extension: id, Name: "user " + id}
		switch i % 3 {
		case 1:
			u.Answer = AnswerPolicy{Mode: AnswerAuto, Delay: time.Second}
		case 2:
			u.Answer = AnswerPolicy{Mode: AnswerReject, Delay: 20 * time.Second}
		}
		if err := s.AddUser(u); err != nil {
			t.Fatal(err)
		}
		users = append(users, Endpoint{TenantID: "T", UserID: id, Number: id})
	}
	users = append(users, Endpoint{Number: "+15555550100"})
	r := rand.New(rand.NewSource(1))
	legIDs := func() []string {
		s.mu.Lock()
		defer s.mu.Unlock()
		var out []string
		for id := range s.legs {
			out = append(out, id)
		}
		return out
	}
	pick := func() string {
		ids := legIDs()
		if len(ids) == 0 {
			return ""
		}
		return ids[r.Intn(len(ids))]
	}
	var checked uint64 // events whose sizes were checked
	for step := 0; step < 1500; step++ {
		switch r.Intn(14) {
		case 0, 1:
			from, to := users[r.Intn(len(users))], users[r.Intn(len(users))]
			_, _ = s.Originate(OriginateRequest{From: from, To: to, CallerConnected: r.Intn(4) == 0, CallerRingsFirst: r.Intn(4) == 0})
		case 2:
			_ = s.Answer(pick())
		case 3:
			_ = s.Hold(pick())
		case 4:
			_ = s.Unhold(pick())
		case 5:
			_ = s.Hangup(pick())
		case 6:
			_ = s.AttendedTransfer(pick(), pick())
		case 7:
			_, _ = s.BlindTransfer(pick(), users[r.Intn(len(users))], nil, "")
		case 8:
			_ = s.Park(pick(), "*801")
		case 9:
			_ = s.Mute(pick(), r.Intn(2) == 0)
		case 10:
			_, _ = s.Forward(pick(), users[r.Intn(len(users))], nil)
		case 11:
			_ = s.Reject(pick())
		case 12:
			if l, _, err := s.Leg(pick()); err == nil {
				_ = s.HangupCall(l.CallID)
			}
		case 13:
			clk.Advance(time.Duration(r.Intn(40)) * time.Second)
		}
		// Read twice: the first read may keep a snapshot, the second reuses it.
		for _, c := range s.Calls() {
			got, err := s.Call(c.ID)
			if err != nil {
				t.Fatal(err)
			}
			s.mu.Lock()
			want := s.calls[c.ID].snapshot()
			s.mu.Unlock()
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(c, want) {
				t.Fatalf("step %d: call %s reads\n%+v\nbut is\n%+v", step, c.ID, got, want)
			}
		}
		s.mu.Lock()
		for i := max(0, s.events.n-int(s.events.seq-checked)); i < s.events.n; i++ {
			k := (s.events.head + i) % len(s.events.ring)
			if e := s.events.ring[k]; s.events.sizes[k] != eventBytes(e) {
				t.Fatalf("step %d: event %d accounted as %d bytes, eventBytes says %d", step, e.Seq, s.events.sizes[k], eventBytes(e))
			}
		}
		checked = s.events.seq
		s.mu.Unlock()
	}
}

type testNamer struct{}

func (testNamer) NameCall(c *Call, from, to Endpoint, r *rand.Rand) map[string]string {
	return map[string]string{"test.session": strconv.Itoa(r.Intn(1 << 30))}
}

func (testNamer) NameLeg(c *Call, l *Leg, r *rand.Rand) map[string]string {
	return map[string]string{"test.party": c.Attrs["test.session"] + "-" + strconv.Itoa(l.Index)}
}
