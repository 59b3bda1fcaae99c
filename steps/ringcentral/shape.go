package ringcentral

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	rc "github.com/xfer-conform/xfer-conform/client/ringcentral"
)

// rcKeys is the key set of one JSON object in a notification.
type rcKeys struct {
	Required []string `json:"required"`
	Optional []string `json:"optional"`
}

// rcEventShape is what a telephony-session notification looks like in
// RingCentral's warm-transfer guide. The same shape lives as test data in
// testdata/ringcentral-client/event-shape.json (a unit test keeps the two
// equal); it is compiled in so xfer-conform runs anywhere.
type rcEventShape struct {
	About     string            `json:"about"`
	Envelope  rcKeys            `json:"envelope"`
	Body      rcKeys            `json:"body"`
	Origin    rcKeys            `json:"origin"`
	Party     rcKeys            `json:"party"`
	Status    rcKeys            `json:"status"`
	PartyInfo rcKeys            `json:"partyInfo"`
	Patterns  map[string]string `json:"patterns"`
}

const rcTimePattern = `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$`

var rcGuideEventShape = rcEventShape{
	About: "The shape of a telephony-session notification as RingCentral's warm-transfer guide shows it (seed-cust-to-oper-event.json, seed-oper-to-cust-event.json in this folder). " +
		"Required keys appear in both samples; optional keys are the ones reference/ringcentral.md section 2.2 lists as sometimes present. " +
		"steps/ringcentral_shape.go holds the same shape compiled in, and a unit test keeps the two equal.",
	Envelope:  rcKeys{Required: []string{"body", "event", "ownerId", "subscriptionId", "timestamp", "uuid"}, Optional: []string{}},
	Body:      rcKeys{Required: []string{"eventTime", "origin", "parties", "sequence", "serverId", "sessionId", "telephonySessionId"}, Optional: []string{"accountId", "extensionId"}},
	Origin:    rcKeys{Required: []string{"type"}, Optional: []string{}},
	Party:     rcKeys{Required: []string{"accountId", "direction", "extensionId", "from", "id", "missedCall", "muted", "park", "standAlone", "status", "to"}, Optional: []string{"queueCall", "conferenceRole", "ringOutRole", "ringMeRole", "recordings", "sipData", "uiCallInfo"}},
	Status:    rcKeys{Required: []string{"code", "rcc"}, Optional: []string{"reason", "description", "peerId", "parkData", "mobilePickupData"}},
	PartyInfo: rcKeys{Required: []string{}, Optional: []string{"phoneNumber", "name", "extensionId", "deviceId"}},
	Patterns: map[string]string{
		"uuid":               `^[0-9]+$`,
		"event":              `^/restapi/v1\.0/account/[0-9]+/extension/[0-9]+/telephony/sessions$`,
		"ownerId":            `^[0-9]+$`,
		"subscriptionId":     `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
		"timestamp":          rcTimePattern,
		"eventTime":          rcTimePattern,
		"sessionId":          `^[0-9]+$`,
		"telephonySessionId": `^s-[0-9a-fz]{16,64}$`,
		"serverId":           `^[0-9]+(\.[0-9]+){3}\.TAM$`,
		"party.id":           `^p-[0-9a-fz]{16,64}-[1-9][0-9]*$`,
		"party.accountId":    `^[0-9]+$`,
		"party.extensionId":  `^[0-9]+$`,
		"party.direction":    `^(Inbound|Outbound)$`,
		"status.code":        `^(Setup|Proceeding|Answered|Hold|Disconnected|Gone|Parked|Voicemail|VoiceMail|FaxReceive|VoiceMailScreening)$`,
	},
}

// check lists every way a raw notification envelope differs from the
// shape: missing or unknown keys, values that do not match the ID
// patterns, more than one party, a party of another session, an owner
// that is not the party's extension. Empty means it conforms.
func (s rcEventShape) check(raw []byte) []string {
	var env map[string]any
	if err := json.Unmarshal(raw, &env); err != nil {
		return []string{"the envelope is not a JSON object: " + err.Error()}
	}
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	keys := func(where string, obj any, k rcKeys) map[string]any {
		m, ok := obj.(map[string]any)
		if !ok {
			add("%s is %T, want an object", where, obj)
			return nil
		}
		for _, req := range k.Required {
			if _, ok := m[req]; !ok {
				add("%s lacks %q", where, req)
			}
		}
		var unknown []string
		for key := range m {
			if !slices.Contains(k.Required, key) && !slices.Contains(k.Optional, key) {
				unknown = append(unknown, key)
			}
		}
		sort.Strings(unknown)
		for _, key := range unknown {
			add("%s has a key the guide's events do not have: %q", where, key)
		}
		return m
	}
	match := func(name string, v any) {
		pat, ok := s.Patterns[name]
		if !ok || v == nil {
			return
		}
		str, isStr := v.(string)
		if !isStr {
			add("%s is %T %v, want a string", name, v, v)
			return
		}
		if !regexp.MustCompile(pat).MatchString(str) {
			add("%s %q does not match %s", name, str, pat)
		}
	}
	keys("envelope", env, s.Envelope)
	for _, k := range []string{"uuid", "event", "ownerId", "subscriptionId", "timestamp"} {
		match(k, env[k])
	}
	body := keys("body", env["body"], s.Body)
	if body == nil {
		return problems
	}
	for _, k := range []string{"eventTime", "sessionId", "telephonySessionId", "serverId"} {
		match(k, body[k])
	}
	if seq, ok := body["sequence"].(float64); !ok || seq < 1 || seq != float64(int64(seq)) {
		add("body.sequence is %v, want a positive integer", body["sequence"])
	}
	keys("body.origin", body["origin"], s.Origin)
	parties, _ := body["parties"].([]any)
	if len(parties) != 1 {
		add("body.parties has %d entries, want exactly one party per event", len(parties))
	}
	for i, pv := range parties {
		where := fmt.Sprintf("body.parties[%d]", i)
		p := keys(where, pv, s.Party)
		if p == nil {
			continue
		}
		for _, k := range []string{"id", "accountId", "extensionId", "direction"} {
			match("party."+k, p[k])
		}
		keys(where+".from", p["from"], s.PartyInfo)
		keys(where+".to", p["to"], s.PartyInfo)
		if st := keys(where+".status", p["status"], s.Status); st != nil {
			match("status.code", st["code"])
		}
		sid, _ := body["telephonySessionId"].(string)
		pid, _ := p["id"].(string)
		if sc, ok := rc.SessionCore(sid); ok {
			if pc, ok := rc.PartyCore(pid); ok && pc != sc {
				add("%s.id %s does not belong to session %s", where, pid, sid)
			}
		}
		if owner, _ := env["ownerId"].(string); owner != "" && p["extensionId"] != nil && p["extensionId"] != owner {
			add("ownerId %s is not the party's extensionId %v (an extension-level subscription sees its own parties)", owner, p["extensionId"])
		}
		if ev, _ := env["event"].(string); p["extensionId"] != nil && !strings.Contains(ev, fmt.Sprintf("/extension/%v/", p["extensionId"])) {
			add("event %s is not the path of extension %v", ev, p["extensionId"])
		}
	}
	return problems
}

func (r *RCWorld) rcEventShape() error {
	op, err := r.following("operator")
	if err != nil {
		return err
	}
	wt, err := r.transfer()
	if err != nil {
		return err
	}
	// The guide's two samples: the operator's Inbound party Answered in the
	// customer's call, and the Outbound one Answered in the consult call.
	want := map[string]string{wt.Customer.SessionID: rc.Inbound, wt.Consult.SessionID: rc.Outbound}
	found := map[string]bool{}
	var problems []string
	for _, rec := range op.desk.Log() {
		b := rec.Notification.Body
		if len(b.Parties) != 1 {
			continue
		}
		p := b.Parties[0]
		dir, ok := want[b.TelephonySessionID]
		if !ok || found[b.TelephonySessionID] || p.Direction != dir || p.Status.Code != rc.StatusAnswered || p.OwnerExtensionID() != op.desk.Me() {
			continue
		}
		found[b.TelephonySessionID] = true
		for _, pr := range rcGuideEventShape.check(rec.Notification.Raw) {
			problems = append(problems, fmt.Sprintf("%s %s seq %d: %s", dir, b.TelephonySessionID, b.Sequence, pr))
		}
	}
	for sid, dir := range want {
		if !found[sid] {
			problems = append(problems, fmt.Sprintf("no %s Answered notification of the operator's party in %s was received", dir, sid))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("the notifications differ from the guide's sample events:\n  %s\n%s", strings.Join(problems, "\n  "), op.desk.Describe())
	}
	return nil
}
