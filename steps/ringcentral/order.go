package ringcentral

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// rcCapturedOrder checks the party state order of the customer's call
// (extension 101 calls extension 102) across the customer's and the
// operator's notifications, merged by sequence: the caller is Answered
// before the callee's Proceeding, as in the capture's caller Setup, callee
// Setup, caller Answered, callee Proceeding, callee Answered; and that the
// callee's Proceeding and Answered carry status.mobilePickupData while the
// caller's events do not. Source: issue 13 items 3 and 4; the
// RingCentral-RingCentral capture, seq 2-6 (reference/ringcentral.md §2.3).
func (r *RCWorld) rcCapturedOrder() error {
	cust, err := r.following("customer")
	if err != nil {
		return err
	}
	op, err := r.following("operator")
	if err != nil {
		return err
	}
	sid := r.customerCall.SessionID
	if sid == "" {
		return fmt.Errorf("the customer's call is not known yet (add: the operator learns the customer's call from notifications)")
	}
	// The two sockets deliver on their own: wait until both logs hold a
	// complete, ordered call (the callee Answered), reporting the order seen.
	var problems []string
	err = r.w.Await("the customer's call in both logs, in the capture's order", func() (bool, string, error) {
		var got []string
		got, problems = capturedOrder(sid, cust, op)
		return len(problems) == 0, strings.Join(got, ", "), nil
	})
	if err != nil && len(problems) > 0 {
		return fmt.Errorf("%w\nthe customer's call differs from RingCentral's capture:\n  %s", err, strings.Join(problems, "\n  "))
	}
	return err
}

// capturedOrder merges the caller's and the callee's notifications of
// session sid by sequence and names what differs from the capture.
func capturedOrder(sid string, cust, op *rcPerson) (got, problems []string) {
	type seen struct {
		seq    int64
		role   string
		status string
		pickup bool
	}
	var all []seen
	for role, p := range map[string]*rcPerson{"caller": cust, "callee": op} {
		for _, rec := range p.desk.Log() {
			b := rec.Notification.Body
			if b.TelephonySessionID != sid || len(b.Parties) != 1 {
				continue
			}
			var raw struct {
				Body struct {
					Parties []struct {
						Status struct {
							MobilePickupData json.RawMessage `json:"mobilePickupData"`
						} `json:"status"`
					} `json:"parties"`
				} `json:"body"`
			}
			_ = json.Unmarshal(rec.Notification.Raw, &raw)
			pickup := len(raw.Body.Parties) == 1 && len(raw.Body.Parties[0].Status.MobilePickupData) > 0
			all = append(all, seen{b.Sequence, role, b.Parties[0].Status.Code, pickup})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	for _, s := range all {
		got = append(got, s.role+" "+s.status)
		wantPickup := s.role == "callee" && (s.status == "Proceeding" || s.status == "Answered")
		if s.pickup != wantPickup {
			problems = append(problems, fmt.Sprintf("seq %d %s %s: mobilePickupData present %v, want %v", s.seq, s.role, s.status, s.pickup, wantPickup))
		}
	}
	// The capture's plain call goes caller Setup, callee Setup, caller
	// Answered, callee Proceeding, callee Answered; a call placed by
	// call-out connects the caller before the callee's Setup. Both keep
	// these pairs in order.
	first := map[string]int{}
	for i, g := range got {
		if _, ok := first[g]; !ok {
			first[g] = i
		}
	}
	for _, pair := range [][2]string{
		{"caller Setup", "caller Answered"}, {"caller Answered", "callee Proceeding"},
		{"callee Setup", "callee Proceeding"}, {"callee Proceeding", "callee Answered"},
	} {
		a, okA := first[pair[0]]
		b, okB := first[pair[1]]
		if !okA || !okB || a > b {
			problems = append(problems, fmt.Sprintf("%s must come before %s; order %q", pair[0], pair[1], got))
		}
	}
	return got, problems
}
