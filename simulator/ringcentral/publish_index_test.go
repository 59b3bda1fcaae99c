package ringcentral

import (
	"slices"
	"testing"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Rule: publish visits only the accounts an event concerns (audience), and
// that misses no subscription route would deliver to: for every event of
// calls within one account, across two and from and to the PSTN, an
// account any of whose filters route accepts is in the audience.
// Source: issue 16 (fan-out: no scan of other accounts' subscriptions);
// reference/ringcentral.md §2.3 (DOCS limitations: who sees which party).
func TestAudienceHoldsEveryAccountRouteDeliversTo(t *testing.T) {
	w := twoAccounts(t)
	for _, r := range []simulator.OriginateRequest{
		{From: simulator.Endpoint{Number: customerNo}, To: w.user("102@" + acct)},
		{From: w.user("102@" + acct), To: w.user("201@" + otherAcct)},
		{From: w.user("103@" + acct), To: simulator.Endpoint{Number: customerNo}},
	} {
		c, err := w.sim.Originate(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.sim.Answer(c.Legs[len(c.Legs)-1].ID); err != nil {
			t.Logf("answer: %v", err) // the events so far are enough
		}
	}
	dir := w.d.dir()
	evs := w.sim.Events(0)
	if len(evs) < 6 {
		t.Fatalf("%d events, want the calls' events", len(evs))
	}
	for _, e := range evs {
		audience := w.d.audience(e, nil)
		for _, a := range dir.order {
			filters := []eventFilter{{AccountID: a.ID}}
			for _, x := range a.order {
				filters = append(filters, eventFilter{AccountID: a.ID, ExtensionID: x.ID})
			}
			for _, f := range filters {
				if _, ok := w.d.route(f, e.Call, e.Leg); ok && !slices.Contains(audience, a.ID) {
					t.Errorf("event %d (%s): account %s routes (filter %+v) but is not in the audience %v", e.Seq, e.Cause, a.ID, f, audience)
				}
			}
		}
	}
}

// Rule: the subscriptions of an event's accounts are visited in ID order
// across accounts (uuids and fault decisions stay reproducible for a
// seed), none of another account, and the index follows additions and
// removals. Source: issue 16 (fan-out: no sort per event).
func TestTargetsAreInIDOrderAcrossAccounts(t *testing.T) {
	w := twoAccounts(t)
	d := w.d
	add := func(id, account string) *subscription {
		s := &subscription{ID: id, Owner: grantInfo{AccountID: account}, Transport: transportWebSocket, Status: statusActive}
		d.subs.mu.Lock()
		d.subs.addLocked(s)
		d.subs.mu.Unlock()
		return s
	}
	for _, id := range []string{"d", "a", "f"} {
		add(id, acct)
	}
	for _, id := range []string{"e", "b", "c"} {
		add(id, otherAcct)
	}
	gone := add("0", otherAcct)
	add("x", "999")
	d.subs.mu.Lock()
	d.removeLocked(gone)
	got := d.targetsLocked(&simulator.Event{Seq: 1}, []string{acct, otherAcct}, nil)
	d.subs.mu.Unlock()
	var ids []string
	for _, t := range got {
		ids = append(ids, t.s.ID)
	}
	if want := []string{"a", "b", "c", "d", "e", "f"}; !slices.Equal(ids, want) {
		t.Errorf("targets %v, want %v", ids, want)
	}
	if n := len(d.subs.byAccount[otherAcct]); n != 3 {
		t.Errorf("%d subscriptions indexed for %s, want 3", n, otherAcct)
	}
}
