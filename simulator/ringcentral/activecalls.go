package ringcentral

import (
	"net/http"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Active calls (issue 13 item 1; SPEC listExtensionActiveCalls,
// listCompanyActiveCalls): the calls in progress, as call-log records
// (CallLogResponse) with result "In Progress", newest first. An
// extension's list holds the calls it has a live party in (a party that
// left by a transfer is not live); the company's holds every live call of
// the account. direction, type, view, page and perPage filter and page.

func (d *Dialect) serveExtensionActiveCalls(w http.ResponseWriter, r *http.Request) {
	x, err := d.extensionParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	q, err := d.parseCallLogQuery(r, false)
	if err != nil {
		writeError(w, err)
		return
	}
	var recs []callLogRecord
	for _, c := range d.sim.CallsOfUser(x.AccountID, x.ID) {
		for _, l := range c.Legs {
			if l.State.Live() && l.Endpoint.TenantID == x.AccountID && l.Endpoint.UserID == x.ID {
				recs = append(recs, d.callLogRecordOf(r, loggedCall{call: c}, l, x))
				break
			}
		}
	}
	q.respond(w, r, recs)
}

func (d *Dialect) serveAccountActiveCalls(w http.ResponseWriter, r *http.Request) {
	q, err := d.parseCallLogQuery(r, false)
	if err != nil {
		writeError(w, err)
		return
	}
	acc := caller(r).AccountID
	var recs []callLogRecord
	for _, c := range d.sim.ActiveCallsOfTenant(acc) {
		if c.Active() && isRingCentralCall(c) && concerns(c, acc) {
			if l, ok := firstLive(c); ok {
				recs = append(recs, d.callLogRecordOf(r, loggedCall{call: c}, l, nil))
			}
		}
	}
	q.respond(w, r, recs)
}

func firstLive(c simulator.Call) (simulator.Leg, bool) {
	for _, l := range c.Legs {
		if l.State.Live() {
			return l, true
		}
	}
	return simulator.Leg{}, false
}
