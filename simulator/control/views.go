package control

import (
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// CallView is a call as the control API shows it.
type CallView struct {
	ID      string                       `json:"id"`
	Origin  string                       `json:"origin"`
	State   string                       `json:"state"` // "active" or "ended"
	Seq     int64                        `json:"seq"`
	Created time.Time                    `json:"created"`
	Ended   *time.Time                   `json:"ended,omitempty"`
	Vendor  map[string]map[string]string `json:"vendor,omitempty"`
	Legs    []LegView                    `json:"legs"`
}

// LegView is a leg as the control API shows it. Vendor holds the leg's
// vendor IDs by dialect, the call's IDs included: vendor.<dialect>.<attr>
// for each attribute "<dialect>.<attr>" the dialect gave the call or leg.
type LegView struct {
	ID        string                       `json:"id"`
	Index     int                          `json:"index"`
	State     simulator.LegState           `json:"state"`
	Reason    simulator.Reason             `json:"reason,omitempty"`
	Direction simulator.Direction          `json:"direction"`
	Endpoint  simulator.Endpoint           `json:"endpoint"`
	From      simulator.Endpoint           `json:"from"`
	To        simulator.Endpoint           `json:"to"`
	Muted     bool                         `json:"muted"`
	Peer      *simulator.LegRef            `json:"peer,omitempty"`
	MovedFrom *simulator.LegRef            `json:"movedFrom,omitempty"`
	ParkOrbit string                       `json:"parkOrbit,omitempty"`
	Created   time.Time                    `json:"created"`
	Answered  *time.Time                   `json:"answered,omitempty"`
	Ended     *time.Time                   `json:"ended,omitempty"`
	Vendor    map[string]map[string]string `json:"vendor,omitempty"`
}

// EventView is an event as the control API shows it.
type EventView struct {
	Seq       uint64    `json:"seq"`
	CallSeq   int64     `json:"callSeq"`
	Time      time.Time `json:"time"`
	Cause     string    `json:"cause"`
	CallID    string    `json:"callId"`
	CallEnded bool      `json:"callEnded,omitempty"`
	Leg       LegView   `json:"leg"`
}

func viewCall(c simulator.Call) CallView {
	v := CallView{
		ID: c.ID, Origin: c.Origin, State: "active", Seq: c.Seq, Created: c.Created,
		Vendor: groupAttrs(c.Attrs, nil),
		Legs:   make([]LegView, len(c.Legs)),
	}
	if !c.Ended.IsZero() {
		v.State = "ended"
		v.Ended = timePtr(c.Ended)
	}
	for i, l := range c.Legs {
		v.Legs[i] = viewLeg(l, c.Attrs)
	}
	return v
}

func viewLeg(l simulator.Leg, callAttrs map[string]string) LegView {
	return LegView{
		ID: l.ID, Index: l.Index, State: l.State, Reason: l.Reason, Direction: l.Direction,
		Endpoint: l.Endpoint, From: l.From, To: l.To, Muted: l.Muted, Peer: l.Peer,
		MovedFrom: l.MovedFrom, ParkOrbit: l.ParkOrbit, Created: l.Created,
		Answered: timePtr(l.Answered), Ended: timePtr(l.Ended),
		Vendor: groupAttrs(callAttrs, l.Attrs),
	}
}

func viewEvent(e *simulator.Event) EventView {
	return EventView{
		Seq: e.Seq, CallSeq: e.CallSeq, Time: e.Time, Cause: e.Cause, CallID: e.Call.ID,
		CallEnded: e.CallEnded, Leg: viewLeg(e.Leg, e.Call.Attrs),
	}
}

// groupAttrs turns {"<dialect>.<attr>": v} into {"<dialect>": {"<attr>": v}};
// leg attributes win over call ones.
func groupAttrs(callAttrs, legAttrs map[string]string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, m := range []map[string]string{callAttrs, legAttrs} {
		for k, v := range m {
			dialect, field, ok := strings.Cut(k, ".")
			if !ok {
				dialect, field = "core", k
			}
			if out[dialect] == nil {
				out[dialect] = map[string]string{}
			}
			out[dialect][field] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
