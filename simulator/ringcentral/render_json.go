package ringcentral

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Hand-written JSON for the shapes every call-control answer and every
// notification carries (a session and its parties): encoding/json's
// reflection was a fifth of a GET session's server time (issue 16). The
// output is byte for byte encoding/json's (render_json_test.go), field
// order and omitempty included.

// appendRESTString appends s as writeJSON's encoder quotes it (no HTML
// escaping): plain ASCII as is, anything else through encoding/json.
func appendRESTString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s)
			return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// jsonAppender renders itself onto b; writeJSON prefers it.
type jsonAppender interface{ appendJSON(b []byte) []byte }

// quoting says how strings are escaped: answers as writeJSON's encoder
// does (no HTML escaping), notification bodies as json.Marshal does (<, >
// and & escaped).
type quoting bool

const (
	restQuoting  quoting = false
	eventQuoting quoting = true
)

// str appends s quoted.
func (q quoting) str(b []byte, s string) []byte {
	if q == eventQuoting {
		return appendJSONString(b, s)
	}
	return appendRESTString(b, s)
}

// marshal is encoding/json's rendering of v, quoted as q says.
func (q quoting) marshal(v any) []byte {
	if q == eventQuoting {
		j, _ := json.Marshal(v)
		return j
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func (s callSession) appendJSON(b []byte) []byte {
	b = appendRESTString(append(b, `{"id":`...), s.ID)
	b = appendRESTString(append(b, `,"origin":{"type":`...), s.Origin.Type)
	b = appendParties(append(b, `},"parties":`...), s.Parties, restQuoting)
	b = appendRESTString(append(b, `,"creationTime":`...), s.CreationTime)
	return append(b, '}')
}

// appendParties renders parties as encoding/json renders a []party
// (null when nil), with q's quoting.
func appendParties(b []byte, parties []party, q quoting) []byte {
	if parties == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, p := range parties {
		if i > 0 {
			b = append(b, ',')
		}
		b = p.appendJSONWith(b, q)
	}
	return append(b, ']')
}

func (p party) appendJSON(b []byte) []byte { return p.appendJSONWith(b, restQuoting) }

func (p party) appendJSONWith(b []byte, q quoting) []byte {
	b = append(b, '{')
	if p.AccountID != "" {
		b = append(q.str(append(b, `"accountId":`...), p.AccountID), ',')
	}
	if p.ExtensionID != "" {
		b = append(q.str(append(b, `"extensionId":`...), p.ExtensionID), ',')
	}
	b = q.str(append(b, `"id":`...), p.ID)
	b = q.str(append(b, `,"direction":`...), p.Direction)
	b = p.To.appendJSON(append(b, `,"to":`...), q)
	b = p.From.appendJSON(append(b, `,"from":`...), q)
	b = p.Status.appendJSON(append(b, `,"status":`...), q)
	b = append(b, `,"park":{`...)
	if p.Park.ID != "" {
		b = q.str(append(b, `"id":`...), p.Park.ID)
	}
	b = append(b, '}')
	if p.MissedCall != nil {
		b = strconv.AppendBool(append(b, `,"missedCall":`...), *p.MissedCall)
	}
	b = strconv.AppendBool(append(b, `,"standAlone":`...), p.StandAlone)
	b = strconv.AppendBool(append(b, `,"muted":`...), p.Muted)
	if len(p.Recordings) > 0 {
		b = append(b, `,"recordings":[`...)
		for i, r := range p.Recordings {
			if i > 0 {
				b = append(b, ',')
			}
			b = q.str(append(b, `{"id":`...), r.ID)
			b = append(strconv.AppendBool(append(b, `,"active":`...), r.Active), '}')
		}
		b = append(b, ']')
	}
	if p.Owner != nil {
		b = q.str(append(b, `,"owner":{"accountId":`...), p.Owner.AccountID)
		b = append(q.str(append(b, `,"extensionId":`...), p.Owner.ExtensionID), '}')
	}
	return append(b, '}')
}

func (pi partyInfo) appendJSON(b []byte, q quoting) []byte {
	b = append(b, '{')
	first := true
	field := func(key, v string) {
		if v == "" {
			return
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = q.str(append(append(append(b, '"'), key...), `":`...), v)
	}
	field("phoneNumber", pi.PhoneNumber)
	field("name", pi.Name)
	field("extensionId", pi.ExtensionID)
	field("deviceId", pi.DeviceID)
	return append(b, '}')
}

func (s statusInfo) appendJSON(b []byte, q quoting) []byte {
	b = q.str(append(b, `{"code":`...), s.Code)
	if s.Reason != "" {
		b = q.str(append(b, `,"reason":`...), s.Reason)
	}
	if s.MobilePickupData != nil {
		// Events only, on a few parties (mobilepickup.go): not worth
		// hand-writing.
		b = append(append(b, `,"mobilePickupData":`...), q.marshal(s.MobilePickupData)...)
	}
	b = strconv.AppendBool(append(b, `,"rcc":`...), s.Rcc)
	if s.PeerID != nil {
		b = q.str(append(b, `,"peerId":{"telephonySessionId":`...), s.PeerID.TelephonySessionID)
		b = q.str(append(b, `,"sessionId":`...), s.PeerID.SessionID)
		b = append(q.str(append(b, `,"partyId":`...), s.PeerID.PartyID), '}')
	}
	if s.ParkData != "" {
		b = q.str(append(b, `,"parkData":`...), s.ParkData)
	}
	return append(b, '}')
}

// appendJSON renders an event's body as json.Marshal does.
func (e eventBody) appendJSON(b []byte) []byte {
	b = strconv.AppendInt(append(b, `{"sequence":`...), e.Sequence, 10)
	b = appendJSONString(append(b, `,"sessionId":`...), e.SessionID)
	b = appendJSONString(append(b, `,"telephonySessionId":`...), e.TelephonySessionID)
	b = appendJSONString(append(b, `,"serverId":`...), e.ServerID)
	b = appendJSONString(append(b, `,"eventTime":`...), e.EventTime)
	b = appendParties(append(b, `,"parties":`...), e.Parties, eventQuoting)
	b = appendJSONString(append(b, `,"origin":{"type":`...), e.Origin.Type)
	return append(b, "}}"...)
}
