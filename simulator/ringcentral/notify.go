package ringcentral

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/notify"
)

// eventFilter is one resolved telephony-sessions event filter
// (reference §2.1).
type eventFilter struct {
	Path        string // resolved, without query
	Echo        string // as echoed in SubscriptionInfo
	AccountID   string
	ExtensionID string // empty for the account-level filter
	Direction   string
	StatusCode  string
	PhoneNumber string
	MissedCall  *bool
}

// notification is the envelope every transport delivers (reference §2.2).
type notification struct {
	UUID           string    `json:"uuid"`
	Event          string    `json:"event"`
	Timestamp      string    `json:"timestamp"`
	SubscriptionID string    `json:"subscriptionId"`
	OwnerID        string    `json:"ownerId"`
	Body           eventBody `json:"body"`

	// failWith, when set by a fault, fails the webhook delivery with this
	// status instead of posting it (faults.go).
	failWith int
	failRule string
	// body is Body rendered once per event and viewer account, shared by
	// every subscriber's notification (see encode).
	body []byte
}

// encode renders the notification as encoding/json would, reusing the
// pre-rendered body: with 1,000 subscribers one event costs one body
// rendering, not 1,000 (issue 16, fan-out).
func (n notification) encode() []byte {
	body := n.body
	if body == nil {
		body = n.Body.appendJSON(nil)
	}
	b := make([]byte, 0, len(body)+192)
	return n.appendTo(b, body)
}

func (n notification) appendTo(b, body []byte) []byte {
	b = appendJSONString(append(b, `{"uuid":`...), n.UUID)
	b = appendJSONString(append(b, `,"event":`...), n.Event)
	b = appendJSONString(append(b, `,"timestamp":`...), n.Timestamp)
	b = appendJSONString(append(b, `,"subscriptionId":`...), n.SubscriptionID)
	b = appendJSONString(append(b, `,"ownerId":`...), n.OwnerID)
	return append(append(append(b, `,"body":`...), body...), '}')
}

// appendJSONString appends s as encoding/json quotes it: plain ASCII
// (IDs, paths, times) as is, anything else through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// MarshalJSON makes webhook posts use the pre-rendered body too.
func (n notification) MarshalJSON() ([]byte, error) { return n.encode(), nil }

// notificationFrame is frame(meta, n) without encoding the notification
// again: the WebSocket message is [meta, notification].
func notificationFrame(meta frameMeta, n notification) []byte {
	body := n.body
	if body == nil {
		body = n.Body.appendJSON(nil)
	}
	f := make([]byte, 0, len(body)+512)
	f = append(appendServerNotificationMeta(append(f, '['), meta), ',')
	return append(n.appendTo(f, body), ']')
}

// notice is one subscription's notification of an event before its
// transport frames it: the shared rendering of the event and the
// subscriber's own uuid, held by value, so a fan-out allocates nothing per
// subscriber (issue 16, fan-out).
type notice struct {
	route *eventRoute
	sub   *subscription // its ID and owner never change
	uuid  [19]byte      // drawn as randomDigits(19) draws (drawDigits)
}

// eventView is an event as one account sees it (the party and the body),
// rendered once and shared by every notification to that account.
//
// A view is one allocation: the party is the body's one party, in place,
// and the rendering starts in the view's own buffer (an event's body fits
// it; a larger one grows out of it as any append does).
type eventView struct {
	body      eventBody
	raw       []byte
	timestamp string
	parties   [1]party
}

// eventRoute is a view delivered on one event path.
type eventRoute struct {
	path string
	view *eventView
}

// notification is the envelope the notice stands for (webhooks and the
// journal take it whole).
func (n *notice) notification() notification {
	v := n.route.view
	return notification{UUID: string(n.uuid[:]), Event: n.route.path, Timestamp: v.timestamp,
		SubscriptionID: n.sub.ID, OwnerID: n.sub.Owner.ExtensionID, Body: v.body, body: v.raw}
}

// appendTo is notification().appendTo without building it: the uuid is
// digits, which JSON quotes as they are.
func (n *notice) appendTo(b []byte) []byte {
	b = append(append(append(b, `{"uuid":"`...), n.uuid[:]...), '"')
	b = appendJSONString(append(b, `,"event":`...), n.route.path)
	b = appendJSONString(append(b, `,"timestamp":`...), n.route.view.timestamp)
	b = appendJSONString(append(b, `,"subscriptionId":`...), n.sub.ID)
	b = appendJSONString(append(b, `,"ownerId":`...), n.sub.Owner.ExtensionID)
	return append(append(append(b, `,"body":`...), n.route.view.raw...), '}')
}

// appendServerNotification appends the ServerNotification frame of a
// WebSocket session (id session) for o: notificationFrame of its
// notification, with o's RCRequestId and the session's wsc token and
// sequence. The socket's writer renders it, off the dispatcher, into a
// buffer it reuses (notify_encode_test.go holds it to notificationFrame).
func appendServerNotification(f []byte, o *wsOut, session string) []byte {
	f = append(append(append(f, `[{"type":"ServerNotification","messageId":"`...), o.uuid[:]...), '"')
	f = appendRID(append(f, `,"status":200,"headers":{"RCRequestId":"`...), &o.rid)
	f = appendWSCToken(append(f, `"},"wsc":{"token":"`...), session, o.seq)
	f = strconv.AppendInt(append(f, `","sequence":`...), o.seq, 10)
	f = append(f, "}},"...)
	return append(o.appendTo(f), ']')
}

// appendServerNotificationMeta renders a notification frame's header as
// encoding/json would (it has a status, one RCRequestId header, a wsc and
// no method or path); any other header goes through encoding/json.
func appendServerNotificationMeta(b []byte, m frameMeta) []byte {
	rid, one := m.Headers["RCRequestId"]
	if m.Method != "" || m.Path != "" || m.Status == 0 || m.WSC == nil || !one || len(m.Headers) != 1 {
		j, _ := json.Marshal(m)
		return append(b, j...)
	}
	b = appendJSONString(append(b, `{"type":`...), m.Type)
	b = appendJSONString(append(b, `,"messageId":`...), m.MessageID)
	b = strconv.AppendInt(append(b, `,"status":`...), int64(m.Status), 10)
	b = appendJSONString(append(b, `,"headers":{"RCRequestId":`...), rid)
	b = appendJSONString(append(b, `},"wsc":{"token":`...), m.WSC.Token)
	b = strconv.AppendInt(append(b, `,"sequence":`...), m.WSC.Sequence, 10)
	return append(b, "}}"...)
}

type eventBody struct {
	Sequence           int64      `json:"sequence"`
	SessionID          string     `json:"sessionId"`
	TelephonySessionID string     `json:"telephonySessionId"`
	ServerID           string     `json:"serverId"`
	EventTime          string     `json:"eventTime"`
	Parties            []party    `json:"parties"`
	Origin             originInfo `json:"origin"`
}

// serverID names the simulated telephony server ("<ip>.TAM" in the vendor's
// events).
const serverID = "10.99.0.1.TAM"

// route says whether a filter receives an event about leg l of call c, and
// on which event path: an extension's party arrives on the extension path,
// a party no extension owns (a PSTN caller) on the account path, and only
// to account-level filters of an account that is in the call (CSN). A
// party of another account is never delivered (DOCS limitations).
func (d *Dialect) route(f eventFilter, c simulator.Call, l simulator.Leg) (string, bool) {
	if x, ok := d.dir().owner(l.Endpoint); ok {
		if x.AccountID != f.AccountID || (f.ExtensionID != "" && f.ExtensionID != x.ID) {
			return "", false
		}
		return "/restapi/v1.0/account/" + x.AccountID + "/extension/" + x.ID + "/telephony/sessions", true
	}
	if l.Endpoint.IsUser() || f.ExtensionID != "" || !concerns(c, f.AccountID) {
		return "", false
	}
	return "/restapi/v1.0/account/" + f.AccountID + "/telephony/sessions", true
}

// accepts applies a filter's query parameters to the rendered party.
func (f eventFilter) accepts(p party) bool {
	if f.Direction != "" && f.Direction != p.Direction {
		return false
	}
	if f.StatusCode != "" && !strings.EqualFold(f.StatusCode, p.Status.Code) {
		return false
	}
	if f.PhoneNumber != "" && f.PhoneNumber != p.From.PhoneNumber && f.PhoneNumber != p.To.PhoneNumber {
		return false
	}
	if f.MissedCall != nil && (p.MissedCall == nil || *f.MissedCall != *p.MissedCall) {
		return false
	}
	return true
}

// startPipeline starts the dialect's fan-out of core events (package
// notify): the notification dispatcher, which turns events into
// notifications for every subscription that wants them, and the call-log
// recorder, each with its own bounded queue, so a slow REST reader never
// delays notifications. If the core drops one for falling behind, the
// pipeline journals the gap and subscribes it again.
func (d *Dialect) startPipeline() {
	d.pipeline = notify.New(d.sim, notify.Options{Dialect: dialectName,
		OnPanic: func(where string, v any) { d.journalPanic(where, "", v) }})
	d.pipeline.Subscribe(notify.SubscriberOptions{
		Name: "notification dispatcher", PanicWhere: "notification dispatch", Path: "/notifications",
		Buffer: 4096, Filter: isRingCentralEvent, Handle: d.publish,
		Lost: "notifications were lost",
	})
	d.pipeline.Subscribe(notify.SubscriberOptions{
		Name: "call log recorder", Path: "/call-log",
		Buffer: 1024, Filter: func(e *simulator.Event) bool { return e.CallEnded && isRingCentralEvent(e) },
		Handle: func(e *simulator.Event) { d.logCall(e.Call) },
		Lost:   "ended calls may be missing from the call log",
	})
}

// subTarget is one subscription as it stood when an event was published.
type subTarget struct {
	s       *subscription
	filters []eventFilter
}

// audience appends the accounts whose subscriptions an event may reach,
// as route decides: the account of the extension whose party changed, or,
// for a party no extension owns (a PSTN caller), every account the call
// concerns; none for a user's party no extension owns.
func (d *Dialect) audience(e *simulator.Event, accounts []string) []string {
	if x, ok := d.dir().owner(e.Leg.Endpoint); ok {
		return append(accounts, x.AccountID)
	}
	if e.Leg.Endpoint.IsUser() {
		return accounts
	}
	for _, l := range e.Call.Legs {
		for _, ep := range [...]simulator.Endpoint{l.Endpoint, l.From, l.To} {
			if ep.IsUser() && !slices.Contains(accounts, ep.TenantID) {
				accounts = append(accounts, ep.TenantID)
			}
		}
	}
	return accounts
}

// targetsLocked appends the subscriptions of the accounts that are due
// event e, merged in ID order: a fixed order keeps notification uuids
// and fault decisions reproducible for a given seed. Call with subs.mu
// held.
func (d *Dialect) targetsLocked(e *simulator.Event, accounts []string, targets []subTarget) []subTarget {
	var listBuf [4][]*subscription
	lists := listBuf[:0]
	for _, a := range accounts {
		if l := d.subs.byAccount[a]; len(l) > 0 {
			lists = append(lists, l)
		}
	}
	for {
		next := -1
		for i, l := range lists {
			if len(l) > 0 && (next < 0 || l[0].ID < lists[next][0].ID) {
				next = i
			}
		}
		if next < 0 {
			return targets
		}
		s := lists[next][0]
		lists[next] = lists[next][1:]
		// A webhook expires on its account's clock (tenant clocks).
		if e.Seq <= s.since || s.Status != statusActive || (s.Transport == transportWebHook && !d.nowFor(s.Owner.AccountID).Before(s.Expires)) {
			continue
		}
		targets = append(targets, subTarget{s: s, filters: s.Filters})
	}
}

func (d *Dialect) publish(e *simulator.Event) {
	var accountBuf [4]string
	accounts := d.audience(e, accountBuf[:0])
	if len(accounts) == 0 {
		return
	}
	d.publishMu.Lock()
	defer d.publishMu.Unlock()
	d.subs.mu.Lock()
	targets := d.targetsLocked(e, accounts, d.targets[:0])
	d.subs.mu.Unlock()
	defer func() {
		clear(targets) // no subscription outlives its removal here
		d.targets = targets[:0]
	}()
	quiet := d.faultsQuiet()

	// The party and the body are rendered once per viewer account, not
	// once per subscriber.
	rendered := map[string]*eventView{}
	// A route depends on the filter's account and extension only: with
	// 1,000 account-level subscribers it is worked out once, not 1,000
	// times, and the last one is at hand without a map look-up.
	type routeKey struct{ account, extension string }
	routes := map[routeKey]*eventRoute{} // nil: not routed
	var lastKey routeKey
	var last *eventRoute
	timestamp := eventTime(e.Time) // on the call's clock (tenant clocks)
	for _, t := range targets {
		for _, f := range t.filters {
			k := routeKey{f.AccountID, f.ExtensionID}
			r := last
			if last == nil || k != lastKey {
				var known bool
				r, known = routes[k]
				if !known {
					if path, ok := d.route(f, e.Call, e.Leg); ok {
						r = &eventRoute{path: path, view: rendered[f.AccountID]}
						if r.view == nil {
							r.view = d.viewOf(e, f.AccountID, timestamp)
							rendered[f.AccountID] = r.view
						}
					}
					routes[k] = r
				}
				lastKey, last = k, r
			}
			if r == nil || !f.accepts(r.view.parties[0]) {
				continue
			}
			n := notice{route: r, sub: t.s}
			d.drawDigits(&n.uuid)
			if quiet {
				d.deliverQuiet(t.s, n)
			} else {
				d.deliver(t.s, n)
			}
			break // one notification per subscription per event
		}
	}
}

// renderBuffers are scratch buffers for rendering an event's body.
var renderBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// viewOf renders event e as account sees it.
func (d *Dialect) viewOf(e *simulator.Event, account, timestamp string) *eventView {
	v := &eventView{timestamp: timestamp}
	v.parties[0] = d.withMobilePickup(d.renderParty(e.Leg, account, false), e)
	seq := e.CallSeq
	if d.dir().quirk(account, quirkSequenceStart) == "2" {
		seq++
	}
	v.body = eventBody{
		Sequence: seq, SessionID: e.Call.Attrs[attrSessionID], TelephonySessionID: e.Call.Attrs[attrSession],
		ServerID: serverID, EventTime: timestamp, Parties: v.parties[:],
		Origin: originInfo{Type: originType(e.Call.Origin)},
	}
	// Rendered in a scratch buffer, kept in a slice of its own size: a
	// view lives as long as a recovering socket session keeps the
	// notification (up to RecoveryBufferSize of them, for RecoveryTimeout),
	// so a fixed 1 KiB buffer in every view was half of pbxsim's heap under
	// socket churn.
	scratch := renderBuffers.Get().(*[]byte)
	*scratch = v.body.appendJSON((*scratch)[:0])
	v.raw = append(make([]byte, 0, len(*scratch)), *scratch...)
	renderBuffers.Put(scratch)
	return v
}

func (d *Dialect) deliver(s *subscription, n notice) { d.deliverFaulty(s, n) }

// deliverNow hands a notification to its transport.
func (d *Dialect) deliverNow(s *subscription, n notice) {
	switch {
	case s.ws != nil:
		s.ws.notify(n)
	case s.hook != nil:
		s.hook.enqueue(n.notification())
	}
}
