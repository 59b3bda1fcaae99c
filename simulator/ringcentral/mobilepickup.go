package ringcentral

import (
	"strconv"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// status.mobilePickupData (issue 13 item 4): the captures put it on the
// callee's party of a call to an extension while it rings (Proceeding) and
// in the event of its answer (Answered), and nowhere else: not on Setup,
// not on the Answered after an unhold, not on a caller's or a PSTN party
// (CSN RingCentral-RingCentral seq 5-6, PSTN-RingCentral-DataStreams seq
// 7-8; the seed's voice/cust-to-oper-event.json). The field set is the
// spec's (ccMailboxes, sid, srvLvl, srvLvlExt, to); the values are pbxsim's
// own: ccMailboxes names the callee's extension, sid is stable per party,
// srvLvl and srvLvlExt are fixed opaque strings, to a SIP URI of the
// callee's extension number. REST responses do not carry it.

type mobilePickupData struct {
	CCMailboxes []string `json:"ccMailboxes"`
	SID         string   `json:"sid"`
	SrvLvl      string   `json:"srvLvl"`
	SrvLvlExt   string   `json:"srvLvlExt"`
	To          string   `json:"to"`
}

const (
	pickupSrvLvl    = "-100000001"
	pickupSrvLvlExt = "100"
)

// withMobilePickup adds mobilePickupData to an event's party where the
// captures have it.
func (d *Dialect) withMobilePickup(p party, e *simulator.Event) party {
	l := e.Leg
	x, ok := d.dir().owner(l.Endpoint)
	if !ok || l.Direction != simulator.Inbound || l.MovedFrom != nil {
		return p
	}
	if l.State != simulator.LegProceeding && !(l.State == simulator.LegAnswered && e.Cause == "answer") {
		return p
	}
	p.Status.MobilePickupData = &mobilePickupData{
		CCMailboxes: []string{x.ID},
		SID:         e.Call.Attrs[attrSessionID] + strconv.Itoa(100+l.Index),
		SrvLvl:      pickupSrvLvl,
		SrvLvlExt:   pickupSrvLvlExt,
		To:          "#" + x.Number + "@sip.pbxsim.test:5060",
	}
	return p
}
