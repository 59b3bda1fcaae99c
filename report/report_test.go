package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
)

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

var (
	customer = control.Endpoint{TenantID: "684349005", UserID: "684349005", Number: "101", Name: "Craig Chan"}
	operator = control.Endpoint{TenantID: "684349005", UserID: "684351005", Number: "102", Name: "Agent J"}
	consult  = control.Endpoint{TenantID: "684349005", UserID: "684352005", Number: "103", Name: "Agent K"}
)

// warmTransfer is a scenario whose bridge failed: the operator's bridge
// answered 404, so the customer never met the consult.
func warmTransfer() Scenario {
	return Scenario{
		Entry: Entry{Name: "The operator warm-transfers the customer", Status: "failed", Dir: "scenarios/warm", Feature: "features/ringcentral/warm-transfer.feature",
			Error: "the bridge answered 404\n  last requests: ...", Tags: []string{"@ringcentral"}, Started: at(0), DurationMS: 900,
			Steps: []Step{
				{Text: "the customer calls the operator on RingCentral", Status: "passed", Ended: at(150)},
				{Text: "the operator completes the warm transfer", Status: "failed", Error: "the bridge answered 404", Ended: at(800)},
				{Text: "reading that session shows the customer and the consult Answered", Status: "not run"},
			}},
		Journal: []control.JournalEntry{
			{Seq: 1, Time: at(100), Dialect: "ringcentral", Method: "POST", Path: "/restapi/v1.0/account/~/telephony/sessions/s-1/parties/p-1-2/hold", Status: 200},
			{Seq: 2, Time: at(500), Dialect: "ringcentral", Method: "POST", Path: "/restapi/v1.0/account/~/telephony/sessions/s-1/parties/p-1-2/bridge", Status: 404,
				Response: `{"errorCode":"TAS-103","message":"<b>no such party</b>"}`},
			{Seq: 3, Time: at(600), Dialect: "ringcentral", Method: "WEBHOOK", Path: "http://127.0.0.1:9/hook", Status: 200, Note: "delivered"},
		},
		Events: []control.Event{
			{Seq: 1, Time: at(50), Cause: "originate", CallID: "C1", Leg: control.Leg{ID: "L1", State: "answered", Endpoint: customer}},
			{Seq: 2, Time: at(110), Cause: "hold", CallID: "C1", Leg: control.Leg{ID: "L2", State: "held", Endpoint: operator}},
			{Seq: 3, Time: at(200), Cause: "answer", CallID: "C2", Leg: control.Leg{ID: "L4", State: "answered", Endpoint: consult}},
		},
		Notifications: []Notification{{Time: at(120), Transport: "websocket", To: "operator", Call: "s-1", Summary: "seq 2 p-1-2 Hold [fresh]"}},
		Transcript:    "scenario: The operator warm-transfers the customer\n",
	}
}

// Rule: the diagram has the client, pbxsim and the parties as lifelines;
// the vendor requests with their status codes; the notifications and
// webhook posts; the leg state changes, in time order.
// Source: issue 14 item 2.
func TestSequenceShowsRequestsNotificationsAndStates(t *testing.T) {
	d := Sequence(warmTransfer())
	var names []string
	for _, l := range d.Lifelines {
		names = append(names, l.Label)
	}
	if got := strings.Join(names, ","); got != "reference client,pbxsim,Craig Chan,Agent J,Agent K" {
		t.Errorf("lifelines %s", got)
	}
	var got []string
	for _, m := range d.Messages {
		got = append(got, m.Kind+" "+d.Lifelines[m.From].Label+">"+d.Lifelines[m.To].Label+" "+m.Label)
	}
	want := []string{
		"state pbxsim>Craig Chan C1/L1 answered",
		"request reference client>pbxsim POST telephony/sessions/s-1/parties/p-1-2/hold",
		"response pbxsim>reference client 200 OK",
		"state pbxsim>Agent J C1/L2 held",
		"notify pbxsim>reference client WebSocket → operator: seq 2 p-1-2 Hold [fresh]",
		"state pbxsim>Agent K C2/L4 answered",
		"request reference client>pbxsim POST telephony/sessions/s-1/parties/p-1-2/bridge",
		"response pbxsim>reference client 404 Not Found TAS-103",
		"notify pbxsim>reference client webhook POST → 200",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(d.Markers) != 2 || d.Markers[1].Row != 5 || !d.Markers[1].Failed {
		t.Errorf("step markers %+v, want the failing step's band from the consult's answer on (row 5)", d.Markers)
	}
}

// Rule: a diagram is bounded; the transcript holds what it leaves out.
// Source: DESIGN.md ("memory is bounded"); issue 14 item 2.
func TestSequenceIsBounded(t *testing.T) {
	s := warmTransfer()
	for i := 0; i < MaxMessages; i++ {
		s.Journal = append(s.Journal, control.JournalEntry{Time: at(700), Method: "GET", Path: "/restapi/v1.0/account/~", Status: 200})
	}
	d := Sequence(s)
	if len(d.Messages) != MaxMessages || d.Omitted == 0 || !strings.Contains(SVG(d), "more messages: see the transcript") {
		t.Errorf("%d messages, %d omitted", len(d.Messages), d.Omitted)
	}
}

// Rule: every text in the picture is escaped (request bodies and scenario
// names come from outside). Source: issue 14 item 2; DESIGN.md ("every
// input is hostile").
func TestSVGEscapesEveryText(t *testing.T) {
	s := warmTransfer()
	s.Events[0].Leg.Endpoint.Name = `<script>alert(1)</script>`
	s.Journal[0].Path = `/restapi/"><img src=x onerror=alert(1)>`
	out := SVG(Sequence(s))
	for _, bad := range []string{"<script", "<img"} {
		if strings.Contains(out, bad) {
			t.Errorf("the SVG holds %q unescaped", bad)
		}
	}
}

// Rule: index.html opens from the file system with no server and no
// network: nothing in it is fetched; it lists status, duration, tags and
// the failure headline, and names the failing step.
// Source: issue 14 item 2.
func TestWriteMakesASelfContainedPage(t *testing.T) {
	dir := t.TempDir()
	s := warmTransfer()
	passed := Entry{Name: "A call is answered", Status: "passed", Dir: "scenarios/answered", DurationMS: 120, Tags: []string{"@netsapiens"}}
	writeBundle(t, dir, []Scenario{s, {Entry: passed}})
	if err := Write(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{"The operator warm-transfers the customer", "A call is answered", "@ringcentral", "900ms", "the bridge answered 404",
		`<strong class="failing-step">the operator completes the warm transfer</strong>`, `data-status="404"`, "scenario: The operator warm-transfers",
		"&lt;b&gt;no such party&lt;/b&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	for _, bad := range []string{`href="http`, `href="//`, " src=", "<link", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("index.html refers to something outside it: %q", bad)
		}
	}
}

// writeBundle lays out a bundle as steps.Bundle does.
func writeBundle(t *testing.T, dir string, scenarios []Scenario) {
	t.Helper()
	var index []Entry
	for _, s := range scenarios {
		index = append(index, s.Entry)
		sd := filepath.Join(dir, s.Dir)
		if err := os.MkdirAll(sd, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]any{"journal.json": s.Journal, "events.json": s.Events, "notifications.json": s.Notifications} {
			b, _ := json.Marshal(v)
			if err := os.WriteFile(filepath.Join(sd, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(sd, "transcript.txt"), []byte(s.Transcript), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := json.Marshal(index)
	if err := os.WriteFile(filepath.Join(dir, "scenarios", "index.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
