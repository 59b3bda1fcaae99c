package report

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
)

// Kinds of message in a sequence diagram.
const (
	KindRequest  = "request"  // the client calls a vendor API
	KindResponse = "response" // pbxsim answers, with the status code
	KindNotify   = "notify"   // a WebSocket notification or webhook post
	KindState    = "state"    // a leg changes state
	KindNote     = "note"     // something pbxsim noted (a fault, a drop)
)

// Lifeline is one participant of a sequence diagram.
type Lifeline struct {
	ID    string
	Label string
	Sub   string
}

// Message is one arrow (or, From == To, a note) of a sequence diagram.
type Message struct {
	From, To int // lifeline indexes
	Kind     string
	Label    string
	// Detail is the full text behind a clipped label (a tooltip).
	Detail string
	Status int
	// State is the leg state of a KindState message.
	State string
	Time  time.Time
	Bad   bool
}

// Marker starts a step's band before message Row.
type Marker struct {
	Row    int
	Label  string
	Failed bool
}

// Diagram is a sequence diagram.
type Diagram struct {
	Lifelines []Lifeline
	Messages  []Message
	Markers   []Marker
	// Omitted counts messages left out by MaxMessages.
	Omitted int
}

// MaxMessages bounds a diagram; the transcript beside it has the rest.
const MaxMessages = 600

const (
	lifeClient = 0
	lifePBX    = 1
)

// item is a message with its place in time before sorting.
type item struct {
	msg  Message
	at   time.Time
	rank int
	ord  int
}

// Sequence builds a scenario's sequence diagram from its journal, events
// and notifications.
func Sequence(s Scenario) Diagram {
	client := "reference client"
	for _, t := range s.Tags {
		if t == "@integration" {
			client = "integration"
		}
	}
	d := Diagram{Lifelines: []Lifeline{{ID: "client", Label: client, Sub: "vendor API client"}, {ID: "pbxsim", Label: "pbxsim", Sub: "simulated PBX"}}}
	parties := map[string]int{}
	party := func(ep control.Endpoint) int {
		key := ep.TenantID + "/" + ep.UserID
		if ep.UserID == "" {
			key = "number/" + ep.Number
		}
		if i, ok := parties[key]; ok {
			return i
		}
		label := ep.Name
		if label == "" {
			label = ep.Number
		}
		sub := ep.Number
		if ep.UserID != "" {
			sub = "user " + ep.UserID
			if ep.Number != "" {
				sub = "ext " + ep.Number
			}
		}
		d.Lifelines = append(d.Lifelines, Lifeline{ID: key, Label: label, Sub: sub})
		parties[key] = len(d.Lifelines) - 1
		return parties[key]
	}
	var items []item
	add := func(m Message, at time.Time, rank int) {
		items = append(items, item{msg: m, at: at, rank: rank, ord: len(items)})
	}
	for _, j := range s.Journal {
		switch j.Method {
		case "WEBHOOK":
			add(Message{From: lifePBX, To: lifeClient, Kind: KindNotify, Label: fmt.Sprintf("webhook POST → %d", j.Status), Detail: j.Path + "\n" + j.Note, Status: j.Status, Time: j.Time, Bad: j.Status >= 300 || j.Status == 0}, j.Time, 0)
		case "NOTIFY", "EVENT":
			add(Message{From: lifePBX, To: lifePBX, Kind: KindNote, Label: j.Note, Detail: j.Method + " " + j.Path + "\n" + j.Note, Time: j.Time, Bad: true}, j.Time, 0)
		default:
			path := j.Path
			if j.Query != "" {
				path += "?" + j.Query
			}
			add(Message{From: lifeClient, To: lifePBX, Kind: KindRequest, Label: j.Method + " " + shortPath(j.Path), Detail: j.Method + " " + path + bodyLine("request", j.Body), Time: j.Time}, j.Time, 0)
			label := statusLabel(j.Status, j.Response)
			if j.Note != "" {
				label += " · " + j.Note
			}
			add(Message{From: lifePBX, To: lifeClient, Kind: KindResponse, Label: label, Detail: label + bodyLine("response", j.Response), Status: j.Status, Time: j.Time, Bad: j.Status >= 400}, j.Time, 0)
		}
	}
	for _, e := range s.Events {
		l := e.Leg
		label := fmt.Sprintf("%s/%s %s", e.CallID, l.ID, l.State)
		if l.Reason != "" {
			label += " (" + l.Reason + ")"
		}
		if l.Peer != nil {
			label += " → " + l.Peer.CallID + "/" + l.Peer.LegID
		}
		if l.MovedFrom != nil {
			label += " ← " + l.MovedFrom.CallID + "/" + l.MovedFrom.LegID
		}
		detail := fmt.Sprintf("event %d (call seq %d): %s by %s", e.Seq, e.CallSeq, label, e.Cause)
		if e.CallEnded {
			detail += "; the call ended"
		}
		add(Message{From: lifePBX, To: party(l.Endpoint), Kind: KindState, Label: label, Detail: detail, State: l.State, Time: e.Time}, e.Time, 1)
	}
	for _, n := range placeUntimed(s.Notifications, s.Events) {
		transport := "WebSocket"
		if n.Transport == "webhook" {
			transport = "webhook"
		}
		// A notification's timestamp has milliseconds only: it happened
		// after whatever else pbxsim did within that millisecond.
		key := n.Time
		if key.Nanosecond()%int(time.Millisecond) == 0 {
			key = key.Add(time.Millisecond - 1)
		}
		add(Message{From: lifePBX, To: lifeClient, Kind: KindNotify, Label: transport + " → " + n.To + ": " + compactIDs(n.Summary), Detail: n.Summary, Time: n.Time}, key, 2)
	}
	sort.SliceStable(items, func(a, b int) bool {
		x, y := items[a], items[b]
		if !x.at.Equal(y.at) {
			return x.at.Before(y.at)
		}
		if x.rank != y.rank {
			return x.rank < y.rank
		}
		return x.ord < y.ord
	})
	for _, it := range items {
		if len(d.Messages) >= MaxMessages {
			d.Omitted++
			continue
		}
		d.Messages = append(d.Messages, it.msg)
	}
	d.Markers = markers(s, d.Messages)
	return d
}

// placeUntimed gives a notification without a time of its own (NetSapiens
// posts) the time of the newest event about its call so far, in order.
func placeUntimed(ns []Notification, events []control.Event) []Notification {
	out := make([]Notification, len(ns))
	next := 0
	var last time.Time
	for i, n := range ns {
		if !n.Time.IsZero() || n.Call == "" {
			if n.Time.IsZero() {
				n.Time = last
			}
			out[i] = n
			continue
		}
		for j := next; j < len(events); j++ {
			if mentions(events[j], n.Call) {
				last, next = events[j].Time, j+1
				break
			}
		}
		n.Time = last
		out[i] = n
	}
	return out
}

func mentions(e control.Event, id string) bool {
	for _, ids := range e.Leg.Vendor {
		for _, v := range ids {
			if v == id {
				return true
			}
		}
	}
	return false
}

// markers places each step's band at its first message, when the
// messages carry wall-clock times within the scenario (a manual clock's
// times say nothing about when a step ran).
func markers(s Scenario, msgs []Message) []Marker {
	if len(s.Steps) == 0 || s.Started.IsZero() || len(msgs) == 0 {
		return nil
	}
	end := s.Started.Add(s.Duration() + time.Second)
	inside := 0
	for _, m := range msgs {
		if !m.Time.Before(s.Started.Add(-time.Second)) && !m.Time.After(end) {
			inside++
		}
	}
	if inside*5 < len(msgs)*4 {
		return nil
	}
	var out []Marker
	row := 0
	for _, st := range s.Steps {
		if st.Ended.IsZero() {
			break
		}
		out = append(out, Marker{Row: row, Label: st.Text, Failed: st.Status == "failed"})
		for row < len(msgs) && !msgs[row].Time.After(st.Ended) {
			row++
		}
	}
	return out
}

// longID is a RingCentral session or party ID (s-<32 hex>, p-<32 hex>-n).
var longID = regexp.MustCompile(`\b([sp]-[0-9a-f]{6})[0-9a-f]{22}([0-9a-f]{4})`)

// compactIDs shortens long vendor IDs to their head and tail.
func compactIDs(s string) string { return longID.ReplaceAllString(s, "$1…$2") }

// shortPath keeps the part of a vendor path that says what it is.
func shortPath(p string) string {
	for _, prefix := range []string{"/restapi/v1.0/account/~/", "/restapi/v1.0/", "/ns-api/v2/"} {
		if strings.HasPrefix(p, prefix) {
			p = strings.TrimPrefix(p, prefix)
			break
		}
	}
	// Long IDs keep their head and their tail (a party's index).
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if r := []rune(s); len(r) > 16 {
			segs[i] = string(r[:8]) + "…" + string(r[len(r)-4:])
		}
	}
	return strings.Join(segs, "/")
}

// statusLabel is "404 Not Found CMN-102": the status and, when the body
// names one, the vendor's error code.
func statusLabel(status int, body string) string {
	label := fmt.Sprintf("%d %s", status, http.StatusText(status))
	if status < 400 || body == "" {
		return label
	}
	var v struct {
		ErrorCode string `json:"errorCode"`
		Code      any    `json:"code"`
		Error     any    `json:"error"`
	}
	if json.Unmarshal([]byte(body), &v) == nil {
		switch {
		case v.ErrorCode != "":
			label += " " + v.ErrorCode
		case v.Error != nil:
			if m, ok := v.Error.(map[string]any); ok && m["code"] != nil {
				label += fmt.Sprintf(" %v", m["code"])
			} else if str, ok := v.Error.(string); ok {
				label += " " + str
			}
		}
	}
	return label
}

func bodyLine(what, body string) string {
	if body == "" {
		return ""
	}
	if r := []rune(body); len(r) > 240 {
		body = string(r[:240]) + "…"
	}
	return "\n" + what + ": " + body
}
