package ringcentral

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// The reads ringcentral-call-control makes before it starts (reference
// §4.5 step 2): extension info, device list and detailed presence.

// extensionParam resolves {extensionId}: "~" is the token's own
// extension; another extension of the same account is readable; anything
// else is unknown.
func (d *Dialect) extensionParam(r *http.Request) (*extension, error) {
	id := caller(r)
	e := mux.Vars(r)["extensionId"]
	if e == "~" {
		e = id.ExtensionID
	}
	x, ok := d.dir().extension(id.AccountID, e)
	if !ok {
		return nil, notFound("extensionId", e, "no such extension")
	}
	return x, nil
}

func (d *Dialect) serveAccount(w http.ResponseWriter, r *http.Request) {
	a := d.dir().accounts[caller(r).AccountID]
	writeJSON(w, http.StatusOK, map[string]any{
		"uri":        httpBase(r) + "/restapi/v1.0/account/" + a.ID,
		"id":         jsonID(a.ID),
		"mainNumber": a.MainNumber,
		"status":     "Confirmed",
		"serviceInfo": map[string]any{
			"brand": map[string]any{"id": "1210", "name": "RingCentral"},
		},
	})
}

func (d *Dialect) serveExtension(w http.ResponseWriter, r *http.Request) {
	x, err := d.extensionParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"uri":              d.extensionURI(r, x),
		"id":               jsonID(x.ID), // a number in RingCentral's answers; CCJS compares String(id)
		"extensionNumber":  x.Number,
		"name":             x.Name,
		"type":             "User",
		"status":           "Enabled",
		"contact":          map[string]any{"firstName": x.Name},
		"account":          map[string]any{"id": x.AccountID, "uri": httpBase(r) + "/restapi/v1.0/account/" + x.AccountID},
		"permissions":      map[string]any{"admin": map[string]any{"enabled": false}, "internationalCalling": map[string]any{"enabled": true}},
		"setupWizardState": "Completed",
	})
}

func (d *Dialect) extensionURI(r *http.Request, x *extension) string {
	return httpBase(r) + "/restapi/v1.0/account/" + x.AccountID + "/extension/" + x.ID
}

func (d *Dialect) serveDevices(w http.ResponseWriter, r *http.Request) {
	x, err := d.extensionParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	records := []map[string]any{}
	for _, dev := range x.Devices {
		typ := dev.Type
		if typ == "" {
			typ = "SoftPhone"
		}
		records = append(records, map[string]any{
			"uri":       httpBase(r) + "/restapi/v1.0/account/" + x.AccountID + "/device/" + dev.ID,
			"id":        dev.ID,
			"type":      typ,
			"name":      dev.Name,
			"status":    "Online",
			"extension": map[string]any{"id": jsonID(x.ID), "uri": d.extensionURI(r, x), "extensionNumber": x.Number},
		})
	}
	writeJSON(w, http.StatusOK, page(records))
}

func page[T any](records []T) map[string]any {
	return map[string]any{
		"records":    records,
		"paging":     map[string]any{"page": 1, "perPage": 100, "pageStart": 0, "pageEnd": max(len(records)-1, 0), "totalPages": 1, "totalElements": len(records)},
		"navigation": map[string]any{},
	}
}

// presence is an extension's presence with its activeCalls.
type presence struct {
	URI             string       `json:"uri"`
	Extension       any          `json:"extension"`
	PresenceStatus  string       `json:"presenceStatus"`
	TelephonyStatus string       `json:"telephonyStatus"`
	UserStatus      string       `json:"userStatus"`
	DndStatus       string       `json:"dndStatus"`
	ActiveCalls     []activeCall `json:"activeCalls,omitempty"`
	// TotalActiveCalls counts the live calls; it is not rendered: the
	// spec's GetPresenceInfo has no such field, it is an event field of
	// presence notifications (issue 13 item 5).
	TotalActiveCalls int `json:"-"`
}

type activeCall struct {
	ID                 string `json:"id"`
	Direction          string `json:"direction"`
	From               string `json:"from"`
	FromName           string `json:"fromName,omitempty"`
	To                 string `json:"to"`
	ToName             string `json:"toName,omitempty"`
	StartTime          string `json:"startTime"`
	TelephonyStatus    string `json:"telephonyStatus"`
	SessionID          string `json:"sessionId"`
	TelephonySessionID string `json:"telephonySessionId"`
	PartyID            string `json:"partyId"`
	SipData            any    `json:"sipData,omitempty"`
}

// telephonyStatuses spells a live leg's state in presence terms.
var telephonyStatuses = map[simulator.LegState]string{
	simulator.LegSetup:      "Ringing",
	simulator.LegProceeding: "Ringing",
	simulator.LegAnswered:   "CallConnected",
	simulator.LegHeld:       "OnHold",
	simulator.LegParked:     "ParkedCall",
}

func (d *Dialect) presenceOf(r *http.Request, x *extension) presence {
	q := r.URL.Query()
	detailed := q.Get("detailedTelephonyState") == "true"
	withSIP := q.Get("sipData") == "true"
	p := presence{
		URI:             d.extensionURI(r, x) + "/presence",
		Extension:       map[string]any{"id": jsonID(x.ID), "uri": d.extensionURI(r, x), "extensionNumber": x.Number},
		PresenceStatus:  "Available",
		TelephonyStatus: "NoCall",
		UserStatus:      "Available",
		DndStatus:       "TakeAllCalls",
	}
	for _, c := range d.sim.CallsOfUser(x.AccountID, x.ID) {
		for _, l := range c.Legs {
			if !l.State.Live() || l.Endpoint.UserID != x.ID || l.Endpoint.TenantID != x.AccountID {
				continue
			}
			p.TotalActiveCalls++
			st := telephonyStatuses[l.State]
			if p.TelephonyStatus == "NoCall" || st == "Ringing" {
				p.TelephonyStatus = st
			}
			if !detailed {
				continue
			}
			pt := d.renderParty(l, x.AccountID, false)
			ac := activeCall{
				ID: c.Attrs[attrSession], Direction: pt.Direction,
				From: pt.From.PhoneNumber, FromName: pt.From.Name, To: pt.To.PhoneNumber, ToName: pt.To.Name,
				StartTime: eventTime(c.Created), TelephonyStatus: st,
				SessionID: c.Attrs[attrSessionID], TelephonySessionID: c.Attrs[attrSession], PartyID: pt.ID,
			}
			if withSIP {
				ac.SipData = map[string]any{"toTag": "pbxsim-" + strconv.Itoa(l.Index), "fromTag": pt.ID, "remoteUri": "sip:" + pt.To.PhoneNumber + "@pbxsim", "localUri": "sip:" + pt.From.PhoneNumber + "@pbxsim"}
			}
			p.ActiveCalls = append(p.ActiveCalls, ac)
		}
	}
	if p.TotalActiveCalls > 0 {
		p.PresenceStatus = "Busy"
	}
	return p
}

func (d *Dialect) serveExtensionPresence(w http.ResponseWriter, r *http.Request) {
	x, err := d.extensionParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d.presenceOf(r, x))
}

func (d *Dialect) serveAccountPresence(w http.ResponseWriter, r *http.Request) {
	a := d.dir().accounts[caller(r).AccountID]
	records := make([]presence, 0, len(a.order))
	for _, x := range a.order {
		records = append(records, d.presenceOf(r, x))
	}
	writeJSON(w, http.StatusOK, page(records))
}

// jsonID writes a numeric id as a JSON number, as RingCentral does for
// account and extension ids in these reads.
func jsonID(id string) any {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		return n
	}
	return id
}
