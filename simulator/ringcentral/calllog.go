package ringcentral

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// The call log (issue 13 item 1; SPEC readUserCallLog, readCompanyCallLog,
// CallLogResponse, CallLogRecord): what happened in pbxsim, after it
// happened. A user's call log has one record per call the extension took
// part in, from its own party's view; the company call log has one record
// per call, from the first party's view. view=Detailed adds the call's
// legs (one per party) and lastModifiedTime. dateFrom (default dateTo
// minus 24 hours), dateTo (default now), type, direction, sessionId,
// telephonySessionId, phoneNumber, extensionNumber, page and perPage work
// as the spec says. A warm transfer's anchor records name the other
// session in transferTarget / transferee.
//
// The dialect keeps ended calls here after the core forgets them (bounded
// per account), and a read also looks at the ended calls the core still
// holds, so a record is there as soon as the call ended.

// callLogCapacity bounds the ended calls kept per account; the oldest go
// first. A logged call is a few KiB, so this bounds memory per tenant.
const callLogCapacity = 500

type callLog struct {
	mu        sync.Mutex
	byAccount map[string]*accountLog
	seen      map[string]bool // core call IDs logged
}

// accountLog is one account's ended calls, a ring of at most
// callLogCapacity: once full, logging a call overwrites the oldest in
// place, so an ended call costs the same with 5 or 500 logged (issue 16:
// no cost grows with history).
type accountLog struct {
	ring []loggedCall
	head int // index of the oldest once the ring is full
}

// add logs lc and returns the call it pushed out, if the ring was full.
func (a *accountLog) add(lc loggedCall) (evicted loggedCall, full bool) {
	if len(a.ring) < callLogCapacity {
		a.ring = append(a.ring, lc)
		return loggedCall{}, false
	}
	evicted, a.ring[a.head] = a.ring[a.head], lc
	a.head = (a.head + 1) % len(a.ring)
	return evicted, true
}

// calls appends the logged calls to out, oldest first.
func (a *accountLog) calls(out []loggedCall) []loggedCall {
	if a == nil {
		return out
	}
	return append(append(out, a.ring[a.head:]...), a.ring[:a.head]...)
}

// loggedCall is an ended call and the telephony session IDs of the calls
// its legs point at (resolved while the core still holds them).
type loggedCall struct {
	call  simulator.Call
	peers map[string]string // leg ID -> telephonySessionId of its peer's call
}

func newCallLog() *callLog {
	return &callLog{byAccount: map[string]*accountLog{}, seen: map[string]bool{}}
}

// logCall records an ended RingCentral call; the pipeline's call log
// recorder calls it for every ended call (notify.go, startPipeline).
func (d *Dialect) logCall(c simulator.Call) {
	lc := d.resolvePeers(c)
	d.calllog.mu.Lock()
	defer d.calllog.mu.Unlock()
	if d.calllog.seen[c.ID] {
		return
	}
	d.calllog.seen[c.ID] = true
	// The accounts the call concerns are those of its user endpoints that
	// the directory knows: looked up from the call, not by visiting every
	// account (no cost grows with tenants).
	dir := d.dir()
	var logged []string // the accounts done: each logs a call once
	for _, l := range c.Legs {
		for _, ep := range [...]simulator.Endpoint{l.Endpoint, l.From, l.To} {
			if !ep.IsUser() || dir.accounts[ep.TenantID] == nil || slices.Contains(logged, ep.TenantID) {
				continue
			}
			logged = append(logged, ep.TenantID)
			a := d.calllog.byAccount[ep.TenantID]
			if a == nil {
				a = &accountLog{}
				d.calllog.byAccount[ep.TenantID] = a
			}
			if old, full := a.add(lc); full {
				delete(d.calllog.seen, old.call.ID)
			}
		}
	}
}

func (d *Dialect) resolvePeers(c simulator.Call) loggedCall {
	lc := loggedCall{call: c} // peers only for a transfer's anchors
	for _, l := range c.Legs {
		if l.Peer != nil && l.Peer.CallID != c.ID {
			if pc, err := d.sim.Call(l.Peer.CallID); err == nil {
				if lc.peers == nil {
					lc.peers = map[string]string{}
				}
				lc.peers[l.ID] = pc.Attrs[attrSession]
			}
		}
	}
	return lc
}

// endedCalls returns the account's ended calls, logged or still in the
// core, oldest first.
func (d *Dialect) endedCalls(accountID string) []loggedCall {
	d.calllog.mu.Lock()
	out := d.calllog.byAccount[accountID].calls(nil)
	seen := map[string]bool{}
	for _, lc := range out {
		seen[lc.call.ID] = true
	}
	d.calllog.mu.Unlock()
	for _, c := range d.sim.Calls() {
		if !c.Active() && !seen[c.ID] && isRingCentralCall(c) && concerns(c, accountID) {
			out = append(out, d.resolvePeers(c))
		}
	}
	return out
}

func isRingCentralCall(c simulator.Call) bool { return c.Attrs[attrSession] != "" }

// Call log JSON (SPEC BaseCallLogRecord, CallLogRecord, CallLogRecordLegInfo).

type callLogParty struct {
	PhoneNumber     string `json:"phoneNumber,omitempty"`
	ExtensionNumber string `json:"extensionNumber,omitempty"`
	ExtensionID     string `json:"extensionId,omitempty"`
	Name            string `json:"name,omitempty"`
}

type extensionRef struct {
	ID  any    `json:"id"`
	URI string `json:"uri"`
}

type sessionRef struct {
	TelephonySessionID string `json:"telephonySessionId"`
}

type callLogLeg struct {
	StartTime          string        `json:"startTime"`
	Duration           int64         `json:"duration"`
	DurationMs         int64         `json:"durationMs"`
	Type               string        `json:"type"`
	Direction          string        `json:"direction"`
	Action             string        `json:"action"`
	Result             string        `json:"result"`
	Reason             string        `json:"reason,omitempty"`
	From               callLogParty  `json:"from"`
	To                 callLogParty  `json:"to"`
	Extension          *extensionRef `json:"extension,omitempty"`
	TelephonySessionID string        `json:"telephonySessionId"`
	PartyID            string        `json:"partyId"`
	Transport          string        `json:"transport"`
	LegType            string        `json:"legType"`
	Master             bool          `json:"master,omitempty"`
}

type callLogRecord struct {
	URI                string        `json:"uri"`
	ID                 string        `json:"id"`
	SessionID          string        `json:"sessionId"`
	TelephonySessionID string        `json:"telephonySessionId"`
	PartyID            string        `json:"partyId"`
	StartTime          string        `json:"startTime"`
	Duration           int64         `json:"duration"`
	DurationMs         int64         `json:"durationMs"`
	Type               string        `json:"type"`
	Direction          string        `json:"direction"`
	Action             string        `json:"action"`
	Result             string        `json:"result"`
	Reason             string        `json:"reason,omitempty"`
	From               callLogParty  `json:"from"`
	To                 callLogParty  `json:"to"`
	Extension          *extensionRef `json:"extension,omitempty"`
	Transport          string        `json:"transport"`
	TransferTarget     *sessionRef   `json:"transferTarget,omitempty"`
	Transferee         *sessionRef   `json:"transferee,omitempty"`
	Legs               []callLogLeg  `json:"legs,omitempty"`
	LastModifiedTime   string        `json:"lastModifiedTime,omitempty"`

	start time.Time // for filtering and ordering
	order uint64    // the core's call number: ties of start
}

// callLogQuery is a parsed call-log or active-calls request.
type callLogQuery struct {
	detailed   bool
	from, to   time.Time
	types      map[string]bool
	directions map[string]bool
	page       pageRequest
	// Exact-match filters of the call log (SPEC CallLogSessionId,
	// CallLogTelephonySessionId, CallLogPhoneNumber, CallLogExtensionNumber).
	sessionID, telephonySessionID, phoneNumber, extensionNumber string
}

func (d *Dialect) parseCallLogQuery(r *http.Request, dated bool) (callLogQuery, error) {
	var q callLogQuery
	switch v := r.URL.Query().Get("view"); v {
	case "", "Simple":
	case "Detailed":
		q.detailed = true
	default:
		return q, invalidParam("view", v, "Allowed values: Simple, Detailed.")
	}
	var err error
	if q.types, err = queryValues(r, "type", "Voice", "Fax"); err != nil {
		return q, err
	}
	if q.directions, err = queryValues(r, "direction", "Inbound", "Outbound"); err != nil {
		return q, err
	}
	if q.page, err = parsePage(r); err != nil {
		return q, err
	}
	if !dated {
		return q, nil
	}
	v := r.URL.Query()
	q.sessionID, q.telephonySessionID = v.Get("sessionId"), v.Get("telephonySessionId")
	q.phoneNumber, q.extensionNumber = v.Get("phoneNumber"), v.Get("extensionNumber")
	q.to = d.now()
	if v := r.URL.Query().Get("dateTo"); v != "" {
		if q.to, err = parseLogTime(v); err != nil {
			return q, invalidParam("dateTo", v, "An ISO 8601 date-time with a time zone is expected, e.g. 2016-03-10T18:07:52.534Z.")
		}
	}
	q.from = q.to.Add(-24 * time.Hour)
	if v := r.URL.Query().Get("dateFrom"); v != "" {
		if q.from, err = parseLogTime(v); err != nil {
			return q, invalidParam("dateFrom", v, "An ISO 8601 date-time with a time zone is expected, e.g. 2016-03-10T18:07:52.534Z.")
		}
	}
	return q, nil
}

func parseLogTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02", s)
}

// keep applies the query's filters to a record.
func (q callLogQuery) keep(rec callLogRecord) bool {
	if q.types != nil && !q.types[rec.Type] || q.directions != nil && !q.directions[rec.Direction] {
		return false
	}
	if !q.from.IsZero() && rec.start.Before(q.from) || !q.to.IsZero() && rec.start.After(q.to) {
		return false
	}
	if q.sessionID != "" && q.sessionID != rec.SessionID || q.telephonySessionID != "" && q.telephonySessionID != rec.TelephonySessionID {
		return false
	}
	if q.phoneNumber != "" && q.phoneNumber != rec.From.PhoneNumber && q.phoneNumber != rec.To.PhoneNumber {
		return false
	}
	if q.extensionNumber != "" && q.extensionNumber != rec.From.ExtensionNumber && q.extensionNumber != rec.To.ExtensionNumber {
		return false
	}
	return true
}

// respond sorts records newest first (SPEC: "ordered by start time in
// descending order"), drops what the view does not show, and pages.
func (q callLogQuery) respond(w http.ResponseWriter, r *http.Request, recs []callLogRecord) {
	kept := recs[:0]
	for _, rec := range recs {
		if q.keep(rec) {
			if !q.detailed {
				rec.Legs, rec.LastModifiedTime = nil, ""
			}
			kept = append(kept, rec)
		}
	}
	// Of two calls started in the same instant the later one comes first.
	sort.SliceStable(kept, func(i, j int) bool {
		if !kept[i].start.Equal(kept[j].start) {
			return kept[i].start.After(kept[j].start)
		}
		return kept[i].order > kept[j].order
	})
	writeJSON(w, http.StatusOK, paginate(r, kept, q.page))
}

func (d *Dialect) serveExtensionCallLog(w http.ResponseWriter, r *http.Request) {
	x, err := d.extensionParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	q, err := d.parseCallLogQuery(r, true)
	if err != nil {
		writeError(w, err)
		return
	}
	var recs []callLogRecord
	for _, lc := range d.endedCalls(x.AccountID) {
		if l, ok := userLeg(lc.call, x); ok {
			recs = append(recs, d.callLogRecordOf(r, lc, l, x))
		}
	}
	q.respond(w, r, recs)
}

func (d *Dialect) serveAccountCallLog(w http.ResponseWriter, r *http.Request) {
	q, err := d.parseCallLogQuery(r, true)
	if err != nil {
		writeError(w, err)
		return
	}
	var recs []callLogRecord
	for _, lc := range d.endedCalls(caller(r).AccountID) {
		if len(lc.call.Legs) > 0 {
			recs = append(recs, d.callLogRecordOf(r, lc, lc.call.Legs[0], nil))
		}
	}
	q.respond(w, r, recs)
}

// userLeg is the extension's own party in a call: the first one it had,
// leaving out a party it gained by being transferred in (its record is
// the call it was called in).
func userLeg(c simulator.Call, x *extension) (simulator.Leg, bool) {
	for _, l := range c.Legs {
		if l.MovedFrom == nil && l.Endpoint.IsUser() && l.Endpoint.TenantID == x.AccountID && l.Endpoint.UserID == x.ID {
			return l, true
		}
	}
	return simulator.Leg{}, false
}

// callLogRecordOf renders call lc from party l's view; x is the extension
// whose call log it is (nil for the company call log).
func (d *Dialect) callLogRecordOf(r *http.Request, lc loggedCall, l simulator.Leg, x *extension) callLogRecord {
	c := lc.call
	sid := c.Attrs[attrSession]
	base := httpBase(r) + "/restapi/v1.0/account/" + d.viewerAccount(r)
	if x != nil {
		base += "/extension/" + x.ID
	}
	id := callRecordID(sid, l.Index)
	leg := d.callLogLegOf(r, c, l)
	rec := callLogRecord{
		URI: base + "/call-log/" + id, ID: id, SessionID: c.Attrs[attrSessionID], TelephonySessionID: sid,
		PartyID: l.Attrs[attrParty], StartTime: eventTime(c.Created), Duration: leg.Duration, DurationMs: leg.DurationMs,
		Type: "Voice", Direction: leg.Direction, Action: leg.Action, Result: leg.Result, Reason: leg.Reason,
		From: leg.From, To: leg.To, Extension: leg.Extension, Transport: leg.Transport,
		start: c.Created, order: callNumber(c.ID),
	}
	if x == nil {
		// The company's view: inbound unless one of its extensions placed the call.
		rec.Direction = "Inbound"
		if o, ok := d.dir().owner(l.Endpoint); ok && o.AccountID == d.viewerAccount(r) {
			rec.Direction = "Outbound"
		}
	}
	if !c.Active() {
		rec.LastModifiedTime = eventTime(c.Ended)
	} else {
		rec.LastModifiedTime = eventTime(d.now())
	}
	// A warm transfer's anchor: the call that survives names the consult's
	// session as the transfer target; the consult call names the survivor
	// as the transferee (SPEC BaseCallLogRecord; which side carries which
	// is inferred).
	if l.Reason == simulator.ReasonAttendedTransfer && l.Peer != nil {
		if peer := lc.peers[l.ID]; peer != "" {
			if survivor(c) {
				rec.TransferTarget = &sessionRef{peer}
			} else {
				rec.Transferee = &sessionRef{peer}
			}
		}
	}
	for _, pl := range c.Legs {
		lg := d.callLogLegOf(r, c, pl)
		lg.Master = pl.Index == 1
		rec.Legs = append(rec.Legs, lg)
	}
	return rec
}

// survivor reports whether c is the call a warm transfer kept: a party was
// transferred into it.
func survivor(c simulator.Call) bool {
	for _, l := range c.Legs {
		if l.MovedFrom != nil {
			return true
		}
	}
	return false
}

// viewerAccount is the account of the request's token.
func (d *Dialect) viewerAccount(r *http.Request) string { return caller(r).AccountID }

// callNumber is the number in a core call ID ("C12" -> 12).
func callNumber(id string) uint64 {
	n, _ := strconv.ParseUint(strings.TrimLeft(id, "C"), 10, 64)
	return n
}

// callRecordID is pbxsim's own call-log record ID: stable for a party.
func callRecordID(sessionID string, index int) string {
	h := strings.TrimPrefix(sessionID, "s-")
	if len(h) > 20 {
		h = h[:20]
	}
	return "CL" + strings.ToUpper(h) + strconv.Itoa(index)
}

// callLogLegOf renders one party as a CallLogRecordLegInfo.
func (d *Dialect) callLogLegOf(r *http.Request, c simulator.Call, l simulator.Leg) callLogLeg {
	p := d.renderParty(l, d.viewerAccount(r), false)
	lg := callLogLeg{
		StartTime: eventTime(l.Created), Type: "Voice", Direction: p.Direction, Action: callAction(c),
		From: d.callLogParty(l.From), To: d.callLogParty(l.To),
		TelephonySessionID: c.Attrs[attrSession], PartyID: p.ID, Transport: "PSTN",
		LegType: legType(l),
	}
	if x, ok := d.dir().owner(l.Endpoint); ok {
		lg.Transport = "VoIP"
		lg.Extension = &extensionRef{ID: jsonID(x.ID), URI: d.extensionURI(r, x)}
	}
	connected := connectedAt(c, l)
	end := l.Ended
	if end.IsZero() {
		end = d.now()
	}
	if !connected.IsZero() && end.After(connected) {
		lg.DurationMs = end.Sub(connected).Milliseconds()
		lg.Duration = int64(end.Sub(connected).Round(time.Second) / time.Second)
	}
	lg.Result, lg.Reason = callResult(c, l, connected)
	return lg
}

func (d *Dialect) callLogParty(ep simulator.Endpoint) callLogParty {
	cp := callLogParty{PhoneNumber: ep.Number, Name: ep.Name}
	if x, ok := d.dir().owner(ep); ok {
		cp.ExtensionID, cp.ExtensionNumber, cp.Name = x.ID, x.Number, x.Name
		if cp.PhoneNumber == x.Number {
			cp.PhoneNumber = ""
			if len(x.Numbers) > 0 {
				cp.PhoneNumber = x.Numbers[0]
			}
		}
	}
	return cp
}

// connectedAt is when a party started talking: its own answer for the
// called side; the first answer of a called party for the caller (whose
// party the PBX connects while it rings, reference §2.3).
func connectedAt(c simulator.Call, l simulator.Leg) time.Time {
	if l.Direction == simulator.Inbound || l.MovedFrom != nil {
		return l.Answered
	}
	var first time.Time
	for _, o := range c.Legs {
		if o.ID != l.ID && o.Direction == simulator.Inbound && !o.Answered.IsZero() && (first.IsZero() || o.Answered.Before(first)) {
			first = o.Answered
		}
	}
	return first
}

// callResult spells a party's outcome with the spec's CallResultEnum and
// CallResultReasonEnum. The mapping is inferred (docs/ringcentral.md).
func callResult(c simulator.Call, l simulator.Leg, connected time.Time) (result, reason string) {
	switch {
	case l.State.Live():
		return "In Progress", ""
	case !connected.IsZero() && l.Direction == simulator.Inbound:
		return "Accepted", "Accepted"
	case !connected.IsZero():
		return "Call connected", "Accepted"
	case l.Reason == simulator.ReasonRejected:
		return "Rejected", "Not Answered"
	case l.Direction == simulator.Inbound && l.Reason == simulator.ReasonCancelled:
		return "Missed", "Hang Up"
	case l.Direction == simulator.Inbound:
		return "Missed", "No Answer"
	case l.Reason == simulator.ReasonNoAnswer:
		return "No Answer", "Not Answered"
	default:
		return "Hang Up", "Hang Up"
	}
}

func callAction(c simulator.Call) string {
	switch c.Origin {
	case "call-out":
		return "CallOut-CallMe"
	case "ring-out":
		return "RingOut Web"
	default:
		return "Phone Call"
	}
}

// legType names a party's leg with the spec's CallLegTypeEnum (inferred):
// a party transferred in is TransferCall, an outside caller PstnToSip, an
// outside callee SipToPstnMetered, an extension Accept.
func legType(l simulator.Leg) string {
	switch {
	case l.MovedFrom != nil:
		return "TransferCall"
	case !l.Endpoint.IsUser() && l.Direction == simulator.Outbound:
		return "PstnToSip"
	case !l.Endpoint.IsUser():
		return "SipToPstnMetered"
	default:
		return "Accept"
	}
}
