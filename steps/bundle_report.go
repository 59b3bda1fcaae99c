package steps

import (
	"fmt"
	"strings"
	"time"

	"github.com/cucumber/godog"
)

// BundleStep is one step of a scenario as it ran, for the HTML report.
type BundleStep struct {
	Text   string `json:"text"`
	Status string `json:"status"` // passed, failed, skipped, undefined, pending, not run
	Error  string `json:"error,omitempty"`
	// Ended is when the step finished (wall clock).
	Ended time.Time `json:"ended,omitzero"`
}

// BundleNotification is one notification a reference client received:
// a RingCentral telephony-session notification over WebSocket or a
// NetSapiens webhook post. Time is the notification's own timestamp when
// it has one (NetSapiens posts have none); Call is a vendor ID of the call
// it is about, to place it in the sequence diagram.
type BundleNotification struct {
	Time      time.Time `json:"time,omitzero"`
	Transport string    `json:"transport"` // websocket, webhook
	To        string    `json:"to"`        // the receiving party or receiver
	Call      string    `json:"call,omitempty"`
	Summary   string    `json:"summary"`
}

// noteStep records a finished step for the results bundle.
func (w *World) noteStep(st *godog.Step, status godog.StepResultStatus, err error) {
	s := BundleStep{Text: st.Text, Status: status.String(), Ended: time.Now()}
	if err != nil {
		s.Error = Redact(err.Error())
	}
	w.stepsRun = append(w.stepsRun, s)
}

// stepsOf lines up a scenario's steps with the ones that ran; the rest
// did not run.
func stepsOf(texts []string, ran []BundleStep) []BundleStep {
	out := append([]BundleStep(nil), ran...)
	for i := len(ran); i < len(texts); i++ {
		out = append(out, BundleStep{Text: texts[i], Status: "not run"})
	}
	return out
}

// notificationsOf gathers what the reference clients received.
func notificationsOf(w *World) []BundleNotification {
	out := []BundleNotification{}
	if w.RC != nil {
		for _, role := range []string{"customer", "operator", "consult"} {
			p := w.RC.people[role]
			if p == nil || p.sub == nil {
				continue
			}
			for _, r := range p.desk.Log() {
				n := r.Notification
				at, _ := time.Parse(time.RFC3339Nano, n.Timestamp)
				out = append(out, BundleNotification{
					Time: at, Transport: "websocket", To: role, Call: n.Body.TelephonySessionID,
					Summary: fmt.Sprintf("seq %d %s %s [%s]", n.Body.Sequence, partyOf(n), statusOf(n), r.Verdict),
				})
			}
		}
	}
	if w.NS != nil && w.NS.hook != nil {
		for _, e := range w.NS.hook.Events() {
			what := "call " + string(e.OrigCallID)
			if e.Removed() {
				what += " removed"
			}
			out = append(out, BundleNotification{
				Transport: "webhook", To: "webhook receiver", Call: string(e.SessionID),
				Summary: Redact(strings.TrimSpace(fmt.Sprintf("%s %s→%s %s", what, e.OrigUser, e.TermUser, e.ByAction))),
			})
		}
	}
	return out
}
