package ringcentral

import "testing"

func ev(session string, seq int64, party, code string) SessionEvent {
	return SessionEvent{TelephonySessionID: session, Sequence: seq, Parties: []Party{{ID: party, Status: Status{Code: code}}}}
}

// Source: reference/ringcentral.md §2.3: sequence counts per session across
// its parties; notifications can arrive out of order ("5 before 2 or 3");
// the SDK drops an event older than the last one stored for that party.
func TestSequencerOrdersPerPartyAndDropsReplays(t *testing.T) {
	const s = "s-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	const p1, p2 = "p-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-1", "p-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-2"
	var q Sequencer
	steps := []struct {
		ev   SessionEvent
		want Verdict
	}{
		{ev(s, 2, p1, "Setup"), Admitted},
		{ev(s, 4, p1, "Answered"), Admitted},
		{ev(s, 3, p1, "Proceeding"), Stale},   // p1 is already at 4
		{ev(s, 3, p2, "Setup"), Admitted},     // late, but news about p2
		{ev(s, 4, p1, "Answered"), Duplicate}, // a replay after recovery
		{ev(s, 6, p2, "Answered"), Admitted},
		{ev(s, 5, p2, "Proceeding"), Stale},
		{SessionEvent{Sequence: 7}, Malformed},
		{ev("s-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 2, "p-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-1", "Setup"), Admitted}, // sessions count separately
	}
	for i, st := range steps {
		if got := q.Admit(st.ev); got != st.want {
			t.Errorf("step %d: seq %d %s %s: %s, want %s", i, st.ev.Sequence, partyOf(st.ev), codeOf(st.ev), got, st.want)
		}
	}
	if got := q.Last(s); got != 6 {
		t.Errorf("Last = %d, want 6", got)
	}
}

func partyOf(e SessionEvent) string {
	if len(e.Parties) == 0 {
		return "-"
	}
	return e.Parties[0].ID
}

func codeOf(e SessionEvent) string {
	if len(e.Parties) == 0 {
		return "-"
	}
	return e.Parties[0].Status.Code
}

// Source: reference/ringcentral.md §2.3: a party's state only moves forward,
// whatever order the events arrive in.
func TestDeskKeepsNewestPartyState(t *testing.T) {
	const s = "s-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	const p = "p-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-2"
	d := NewDesk("684351005")
	note := func(seq int64, code string) Notification {
		e := ev(s, seq, p, code)
		e.Parties[0].ExtensionID = "684351005"
		e.Parties[0].Direction = Inbound
		return Notification{Event: "/restapi/v1.0/account/1/extension/684351005/telephony/sessions", Body: e}
	}
	d.Apply(note(5, StatusHold))
	d.Apply(note(4, StatusAnswered)) // late
	d.Apply(note(5, StatusHold))     // replay
	got, _ := d.MyParty(s)
	if got.Status.Code != StatusHold {
		t.Fatalf("party state = %s, want Hold (seq 5 is newest)\n%s", got.Status.Code, d.Describe())
	}
	verdicts := []Verdict{}
	for _, r := range d.Log() {
		verdicts = append(verdicts, r.Verdict)
	}
	if want := []Verdict{Admitted, Stale, Duplicate}; len(verdicts) != 3 || verdicts[0] != want[0] || verdicts[1] != want[1] || verdicts[2] != want[2] {
		t.Fatalf("verdicts = %v, want %v", verdicts, want)
	}
	// A notification about something else is not a telephony-session event.
	if v := d.Apply(Notification{Event: "/restapi/v1.0/account/1/extension/1/presence", Body: ev(s, 9, p, "Gone")}); v != Malformed {
		t.Fatalf("presence event verdict = %s, want malformed", v)
	}
}
