package ringcentral

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator/egress"
)

// subscription is a notification subscription (reference §4.1): a set of
// telephony-session event filters and a transport, WebSocket or WebHook.
type subscription struct {
	ID        string
	URI       string
	Owner     grantInfo
	Transport string // "WebSocket" or "WebHook"
	Filters   []eventFilter
	Disabled  []disabledFilter
	Created   time.Time
	Expires   time.Time
	ExpiresIn int64
	// since is the core's last event when it was made: the changes before
	// it are not its to notify, however late publish reaches them.
	since uint64

	// WebHook
	Address           string
	VerificationToken string
	Status            string // Active or Blacklisted
	BlacklistedAt     time.Time
	BlacklistReason   string
	hook              *webhook

	// WebSocket
	ws *wsSession
}

type disabledFilter struct {
	Filter  string `json:"filter"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// subscriptions is the registry of every subscription and WebSocket
// session. Its lock is never held while calling into the sim.
type subscriptions struct {
	mu   sync.Mutex
	byID map[string]*subscription
	// byAccount holds each account's subscriptions in ID order, kept by
	// addLocked and deleteLocked: an event is published to the accounts it
	// concerns in the order that keeps uuids and fault decisions
	// reproducible, without a scan of every account's subscriptions nor a
	// sort per event (issue 16, fan-out).
	byAccount  map[string][]*subscription
	wsSessions map[string]*wsSession
	closed     bool
}

func newSubscriptions() *subscriptions {
	return &subscriptions{byID: map[string]*subscription{}, byAccount: map[string][]*subscription{}, wsSessions: map[string]*wsSession{}}
}

// addLocked registers s by its ID and in its account's ordered list.
// Call with mu held.
func (ss *subscriptions) addLocked(s *subscription) {
	ss.deleteLocked(s.ID)
	ss.byID[s.ID] = s
	list := ss.byAccount[s.Owner.AccountID]
	i, _ := slices.BinarySearchFunc(list, s.ID, bySubscriptionID)
	ss.byAccount[s.Owner.AccountID] = slices.Insert(list, i, s)
}

// deleteLocked forgets the subscription with this ID, if any. Call with
// mu held.
func (ss *subscriptions) deleteLocked(id string) {
	s, ok := ss.byID[id]
	if !ok {
		return
	}
	delete(ss.byID, id)
	list := ss.byAccount[s.Owner.AccountID]
	if i, found := slices.BinarySearchFunc(list, id, bySubscriptionID); found {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(ss.byAccount, s.Owner.AccountID)
		return
	}
	ss.byAccount[s.Owner.AccountID] = list
}

func bySubscriptionID(s *subscription, id string) int { return strings.Compare(s.ID, id) }

// maxSubscriptions is RingCentral's limit per user per app (reference §4.1).
const maxSubscriptions = 30

const webhookDefaultExpiresIn = 604800 // 7 days
const webhookMaxExpiresIn = 315360000  // 10 years (SPEC)

// subscriptionRequest is the body of POST/PUT /restapi/v1.0/subscription.
type subscriptionRequest struct {
	EventFilters []string `json:"eventFilters"`
	DeliveryMode *struct {
		TransportType     string `json:"transportType"`
		Address           string `json:"address"`
		VerificationToken string `json:"verificationToken"`
		Encryption        bool   `json:"encryption"`
	} `json:"deliveryMode"`
	ExpiresIn *int64 `json:"expiresIn"`
}

// parseFilters resolves a request's event filters for its owner.
func (d *Dialect) parseFilters(owner grantInfo, raw []string) ([]eventFilter, []disabledFilter, error) {
	if len(raw) == 0 {
		return nil, nil, refuse(errSubFilters, "eventFilters is empty").about("eventFilters", "")
	}
	var fs []eventFilter
	var disabled []disabledFilter
	for _, s := range raw {
		f, ok, err := d.parseFilter(owner, s)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			disabled = append(disabled, disabledFilter{Filter: s, Reason: "NotSupported",
				Message: "pbxsim delivers telephony session events only (/restapi/v1.0/account/~[/extension/~]/telephony/sessions)"})
			continue
		}
		fs = append(fs, f)
	}
	return fs, disabled, nil
}

func badFilter(f, why string) error {
	return refuse(errSubFilters, "["+f+"]: "+why).about("eventFilters", f)
}

// parseFilter reads one filter. ok is false for a well-formed filter of an
// event type pbxsim does not produce (presence, message-store...).
func (d *Dialect) parseFilter(owner grantInfo, raw string) (eventFilter, bool, error) {
	p, rawQuery, _ := strings.Cut(strings.TrimSpace(raw), "?")
	if strings.HasPrefix(p, "/account/") {
		p = "/restapi/v1.0" + p // the short form of the deprecated SDK
	}
	rest, ok := strings.CutPrefix(p, "/restapi/v1.0/")
	if !ok {
		if strings.HasPrefix(p, "/restapi/v1.0") && p == "/restapi/v1.0/subscription/~" {
			return eventFilter{}, false, nil
		}
		return eventFilter{}, false, badFilter(raw, "a filter starts with /restapi/v1.0/ (or /account/)")
	}
	seg := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	if len(seg) < 2 || seg[0] != "account" {
		if seg[0] == "subscription" {
			return eventFilter{}, false, nil
		}
		return eventFilter{}, false, badFilter(raw, "unknown event type")
	}
	acc := seg[1]
	if acc == "~" {
		acc = owner.AccountID
	}
	if acc != owner.AccountID {
		return eventFilter{}, false, refuse(errSubOtherAccount, "["+raw+"]").about("eventFilters", raw)
	}
	f := eventFilter{AccountID: acc}
	tail := seg[2:]
	if len(tail) >= 2 && tail[0] == "extension" {
		ext := tail[1]
		if ext == "~" {
			ext = owner.ExtensionID
		}
		if _, ok := d.dir().extension(acc, ext); !ok {
			return eventFilter{}, false, badFilter(raw, "no extension "+ext+" in account "+acc)
		}
		f.ExtensionID = ext
		tail = tail[2:]
	}
	if len(tail) != 2 || tail[0] != "telephony" || tail[1] != "sessions" {
		return eventFilter{}, false, nil
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return eventFilter{}, false, badFilter(raw, "the query cannot be parsed")
	}
	f.Direction = q.Get("direction")
	if f.Direction != "" && f.Direction != "Inbound" && f.Direction != "Outbound" {
		return eventFilter{}, false, badFilter(raw, "direction must be Inbound or Outbound")
	}
	f.StatusCode = q.Get("statusCode")
	if f.StatusCode != "" && !knownStatus(f.StatusCode) {
		return eventFilter{}, false, badFilter(raw, "unknown statusCode "+f.StatusCode)
	}
	f.PhoneNumber = q.Get("phoneNumber")
	if v := q.Get("missedCall"); v != "" {
		b := v == "true"
		f.MissedCall = &b
	}
	f.Path = "/restapi/v1.0/account/" + acc
	if f.ExtensionID != "" {
		f.Path += "/extension/" + f.ExtensionID
	}
	f.Path += "/telephony/sessions"
	if rawQuery != "" {
		f.Echo = f.Path + "?" + rawQuery
	} else {
		f.Echo = f.Path
	}
	return f, true, nil
}

func knownStatus(s string) bool {
	switch s {
	case "Setup", "Proceeding", "Answered", "Disconnected", "Gone", "Parked", "Hold", "VoiceMail", "Voicemail", "FaxReceive", "VoiceMailScreening":
		return true
	}
	return false
}

// subscriptionInfo is the SubscriptionInfo JSON (reference §4.1).
type subscriptionInfo struct {
	URI             string           `json:"uri"`
	ID              string           `json:"id"`
	CreationTime    string           `json:"creationTime"`
	Status          string           `json:"status"`
	EventFilters    []string         `json:"eventFilters"`
	DisabledFilters []disabledFilter `json:"disabledFilters,omitempty"`
	ExpirationTime  string           `json:"expirationTime"`
	ExpiresIn       int64            `json:"expiresIn"`
	DeliveryMode    map[string]any   `json:"deliveryMode"`
	BlacklistedData map[string]any   `json:"blacklistedData,omitempty"`
}

// info renders s; call with subs.mu held.
func (s *subscription) info(now time.Time) subscriptionInfo {
	in := subscriptionInfo{
		URI: s.URI, ID: s.ID, CreationTime: eventTime(s.Created), Status: s.Status,
		EventFilters: make([]string, 0, len(s.Filters)), DisabledFilters: s.Disabled,
		ExpirationTime: eventTime(s.Expires),
		DeliveryMode:   map[string]any{"transportType": s.Transport, "encryption": false},
	}
	for _, f := range s.Filters {
		in.EventFilters = append(in.EventFilters, f.Echo)
	}
	if left := int64(s.Expires.Sub(now) / time.Second); left > 0 {
		in.ExpiresIn = left
	}
	if s.Transport == transportWebHook {
		in.DeliveryMode["address"] = s.Address
	}
	if s.Status == statusBlacklisted {
		in.BlacklistedData = map[string]any{"blacklistedAt": eventTime(s.BlacklistedAt), "reason": s.BlacklistReason}
	}
	return in
}

const (
	transportWebSocket = "WebSocket"
	transportWebHook   = "WebHook"
	statusActive       = "Active"
	statusBlacklisted  = "Blacklisted"
)

// newSubscription builds (but does not register) a subscription.
func (d *Dialect) newSubscription(owner grantInfo, base string, req subscriptionRequest, transport string) (*subscription, error) {
	fs, disabled, err := d.parseFilters(owner, req.EventFilters)
	if err != nil {
		return nil, err
	}
	now := d.nowFor(owner.AccountID)
	s := &subscription{
		ID: d.uuid(), Owner: owner, Transport: transport, Filters: fs, Disabled: disabled,
		Created: now, Status: statusActive, since: d.sim.LastEventSeq(),
	}
	s.URI = base + "/restapi/v1.0/subscription/" + s.ID
	expiresIn := int64(webhookDefaultExpiresIn)
	if transport == transportWebSocket {
		expiresIn = 86400 // lives with its socket; the figure is informative
	} else if req.ExpiresIn != nil {
		if *req.ExpiresIn <= 0 || *req.ExpiresIn > webhookMaxExpiresIn {
			return nil, invalidParam("expiresIn", "", "expiresIn must be between 1 and 315360000 seconds.")
		}
		expiresIn = *req.ExpiresIn
	}
	s.ExpiresIn = expiresIn
	s.Expires = now.Add(time.Duration(expiresIn) * time.Second)
	return s, nil
}

// register adds s, enforcing the per-user-per-app limit.
func (d *Dialect) register(s *subscription) error {
	d.subs.mu.Lock()
	defer d.subs.mu.Unlock()
	if d.subs.closed {
		return refuse(errShuttingDown, "")
	}
	if err := d.limitLocked(s.Owner, nil); err != nil {
		return err
	}
	d.subs.addLocked(s)
	if s.hook != nil {
		d.wg.Add(1)
	}
	return nil
}

// limitLocked refuses a new subscription of owner once the user has
// maxSubscriptions for this app, WebHook and WebSocket together (reference
// §4.1; issue 10 item 16); replacing, the subscription a WebSocket
// subscribe replaces, does not count. Call with subs.mu held.
func (d *Dialect) limitLocked(owner grantInfo, replacing *subscription) error {
	n := 0
	for _, o := range d.subs.byID {
		if o != replacing && o.Owner.AccountID == owner.AccountID && o.Owner.ExtensionID == owner.ExtensionID && o.Owner.ClientID == owner.ClientID {
			n++
		}
	}
	if n >= maxSubscriptions {
		return refuse(errSubLimit, "at most "+strconv.Itoa(maxSubscriptions)+" per user per app (WebHook and WebSocket together)")
	}
	return nil
}

// ownedSubscription finds a subscription of the caller (same extension
// and app); anything else answers like an unknown id.
func (d *Dialect) ownedSubscription(id identity, subID string) (*subscription, error) {
	s, ok := d.subs.byID[subID]
	if !ok || s.Owner.AccountID != id.AccountID || s.Owner.ExtensionID != id.ExtensionID || s.Owner.ClientID != id.ClientID {
		return nil, notFound("subscriptionId", subID, "no subscription "+subID)
	}
	if s.Transport == transportWebHook && !d.nowFor(s.Owner.AccountID).Before(s.Expires) {
		return nil, refuse(errSubExpired, "Subscription "+subID+" was expired").about("subscriptionId", subID)
	}
	return s, nil
}

// removeLocked deletes a subscription and stops its delivery.
func (d *Dialect) removeLocked(s *subscription) {
	d.subs.deleteLocked(s.ID)
	if s.hook != nil {
		s.hook.stop()
	}
	if s.ws != nil && s.ws.sub == s {
		s.ws.sub = nil
	}
}

// forgetReplays drops what the WebSocket session of a subscription the
// client deleted keeps for a recovery: a deleted subscription's
// notifications are not replayed (inferred: the vendor documents the
// replay of a subscription's notifications after a recovery, and no
// subscription is left to replay). A client that deletes its
// subscription and drops its socket, over and over, would otherwise
// have pbxsim hold each session's last notifications for the whole
// RecoveryTimeout: at 200 such clients a second, hundreds of MiB
// (issue 16, the churn soak). Runs with d.subs.mu held.
func (d *Dialect) forgetReplays(sub *subscription) {
	s := sub.ws
	if s == nil || s.sub != nil { // the session still serves another subscription
		return
	}
	s.mu.Lock()
	s.buffer, s.oldest = nil, 0
	s.mu.Unlock()
}

func (d *Dialect) serveListSubscriptions(w http.ResponseWriter, r *http.Request) {
	id := caller(r)
	now := d.nowFor(id.AccountID)
	d.subs.mu.Lock()
	var out []subscriptionInfo
	for _, s := range d.subs.byID {
		if s.Owner.AccountID == id.AccountID && s.Owner.ExtensionID == id.ExtensionID && s.Owner.ClientID == id.ClientID {
			out = append(out, s.info(now))
		}
	}
	d.subs.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		return out[i].CreationTime < out[j].CreationTime || out[i].CreationTime == out[j].CreationTime && out[i].ID < out[j].ID
	})
	if out == nil {
		out = []subscriptionInfo{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"uri": httpBase(r) + "/restapi/v1.0/subscription", "records": out})
}

// serveCreateSubscription is POST /restapi/v1.0/subscription over HTTP:
// WebHook only. WebSocket subscriptions are made over the socket itself
// (reference §4.1), so asking for one here is refused with the reason.
func (d *Dialect) serveCreateSubscription(w http.ResponseWriter, r *http.Request) {
	var req subscriptionRequest
	present, err := decodeJSON(r, &req)
	if err != nil {
		writeError(w, err)
		return
	}
	if !present || req.DeliveryMode == nil {
		writeError(w, invalidParam("deliveryMode", "", "The body needs eventFilters and deliveryMode {transportType: \"WebHook\", address}."))
		return
	}
	switch tt := req.DeliveryMode.TransportType; tt {
	case transportWebHook:
	case transportWebSocket:
		writeError(w, invalidParam("deliveryMode.transportType", tt,
			"WebSocket subscriptions are created over the WebSocket (POST /restapi/oauth/wstoken, connect, then a ClientRequest POST /restapi/v1.0/subscription), not over HTTP."))
		return
	default:
		writeError(w, invalidParam("deliveryMode.transportType", tt, "pbxsim supports WebHook over HTTP and WebSocket over the socket."))
		return
	}
	addr := req.DeliveryMode.Address
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		writeError(w, invalidParam("deliveryMode.address", redactAddress(addr), "The address must be an absolute http(s) URL."))
		return
	}
	// The delivery allow-list (issue 10 item 17): pbxsim POSTs only where
	// the operator allows, loopback by default.
	if err := d.egress.Check(addr); err != nil {
		writeError(w, invalidParam("deliveryMode.address", redactAddress(addr), "The address is refused: "+strings.TrimPrefix(err.Error(), egress.ErrRefused.Error()+": ")+"."))
		return
	}
	id := caller(r)
	s, err := d.newSubscription(id.grantInfo, httpBase(r), req, transportWebHook)
	if err != nil {
		writeError(w, err)
		return
	}
	s.Address = addr
	s.VerificationToken = req.DeliveryMode.VerificationToken
	// Limits before the handshake: a refused subscription sends nothing
	// to its address (issue 10 item 18); register checks again.
	d.subs.mu.Lock()
	err = d.limitLocked(s.Owner, nil)
	d.subs.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	if err := d.validateWebhook(r, addr); err != nil {
		writeError(w, err)
		return
	}
	d.attachWebhook(s)
	if err := d.register(s); err != nil {
		writeError(w, err)
		return
	}
	d.startWebhook(s)
	d.subs.mu.Lock()
	info := s.info(d.nowFor(s.Owner.AccountID))
	d.subs.mu.Unlock()
	writeJSON(w, http.StatusOK, info)
}

// redactAddress hides the password of a webhook address before it is
// echoed in an error body (and so in the journal).
func redactAddress(addr string) string {
	if u, err := url.Parse(addr); err == nil && u.User != nil {
		return u.Redacted()
	}
	return addr
}

func (d *Dialect) serveGetSubscription(w http.ResponseWriter, r *http.Request) {
	d.subs.mu.Lock()
	s, err := d.ownedSubscription(caller(r), mux.Vars(r)["subscriptionId"])
	var info subscriptionInfo
	if err == nil {
		info = s.info(d.nowFor(s.Owner.AccountID))
	}
	d.subs.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

// serveUpdateSubscription is PUT: new filters and/or expiresIn, or an
// empty body to renew.
func (d *Dialect) serveUpdateSubscription(w http.ResponseWriter, r *http.Request) {
	var req subscriptionRequest
	if _, err := decodeJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	d.renewOrUpdate(w, r, &req)
}

func (d *Dialect) serveRenewSubscription(w http.ResponseWriter, r *http.Request) {
	if _, err := decodeJSON(r, &struct{}{}); err != nil {
		writeError(w, err)
		return
	}
	d.renewOrUpdate(w, r, nil)
}

func (d *Dialect) renewOrUpdate(w http.ResponseWriter, r *http.Request, req *subscriptionRequest) {
	id := caller(r)
	var fs []eventFilter
	var disabled []disabledFilter
	if req != nil && len(req.EventFilters) > 0 {
		var err error
		if fs, disabled, err = d.parseFilters(id.grantInfo, req.EventFilters); err != nil {
			writeError(w, err)
			return
		}
	}
	info, err := d.applyUpdate(id, mux.Vars(r)["subscriptionId"], req, fs, disabled)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

// applyUpdate changes a webhook subscription under the registry lock; the
// caller writes the answer after releasing it.
func (d *Dialect) applyUpdate(id identity, subID string, req *subscriptionRequest, fs []eventFilter, disabled []disabledFilter) (subscriptionInfo, error) {
	now := d.nowFor(id.AccountID)
	d.subs.mu.Lock()
	defer d.subs.mu.Unlock()
	s, err := d.ownedSubscription(id, subID)
	if err != nil {
		return subscriptionInfo{}, err
	}
	if s.Transport == transportWebSocket {
		return subscriptionInfo{}, invalidParam("subscriptionId", s.ID, "A WebSocket subscription lives with its socket; update it over the WebSocket.")
	}
	if s.Status == statusBlacklisted {
		return subscriptionInfo{}, notAllowed("subscription " + s.ID + " is blacklisted; delete it and create a new one")
	}
	if req != nil && req.ExpiresIn != nil {
		if *req.ExpiresIn <= 0 || *req.ExpiresIn > webhookMaxExpiresIn {
			return subscriptionInfo{}, invalidParam("expiresIn", "", "expiresIn must be between 1 and 315360000 seconds.")
		}
		s.ExpiresIn = *req.ExpiresIn
	}
	if fs != nil {
		s.Filters, s.Disabled = fs, disabled
	}
	s.Expires = now.Add(time.Duration(s.ExpiresIn) * time.Second)
	return s.info(now), nil
}

func (d *Dialect) serveDeleteSubscription(w http.ResponseWriter, r *http.Request) {
	d.subs.mu.Lock()
	s, err := d.ownedSubscription(caller(r), mux.Vars(r)["subscriptionId"])
	if err == nil {
		d.removeLocked(s)
		d.forgetReplays(s)
	}
	d.subs.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
