package steps

import (
	"time"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/steps/target"
)

// StepRecord is one step of a scenario as it ran, for the HTML report.
type StepRecord struct {
	Text   string `json:"text"`
	Status string `json:"status"` // passed, failed, skipped, undefined, pending, not run
	Error  string `json:"error,omitempty"`
	// Ended is when the step finished (wall clock).
	Ended time.Time `json:"ended,omitzero"`
}

// Notification is one notification a reference client received:
// a RingCentral telephony-session notification over WebSocket or a
// NetSapiens webhook post. Time is the notification's own timestamp when
// it has one (NetSapiens posts have none); Call is a vendor ID of the call
// it is about, to place it in the sequence diagram.
type Notification struct {
	Time      time.Time `json:"time,omitzero"`
	Transport string    `json:"transport"` // websocket, webhook
	To        string    `json:"to"`        // the receiving party or receiver
	Call      string    `json:"call,omitempty"`
	Summary   string    `json:"summary"`
}

// StepsRun returns the scenario's steps that ran so far.
func (w *World) StepsRun() []StepRecord { return append([]StepRecord(nil), w.stepsRun...) }

// noteStep records a finished step for the results bundle.
func (w *World) noteStep(st *godog.Step, status godog.StepResultStatus, err error) {
	s := StepRecord{Text: st.Text, Status: status.String(), Ended: time.Now()}
	if err != nil {
		s.Error = target.Redact(err.Error())
	}
	w.stepsRun = append(w.stepsRun, s)
}

// NotificationLog is what one reference client received, for the
// results bundle: a heading ("WebSocket: the operator's telephony-session
// notifications"), the transcript's lines, and the entries of
// notifications.json.
type NotificationLog struct {
	Heading string
	Lines   []string
	Entries []Notification
}

// Notifications gathers what the scenario's reference clients received.
func (w *World) Notifications() []NotificationLog {
	var out []NotificationLog
	for _, v := range w.vendors {
		if n, ok := w.state[v.Name()].(Notifier); ok {
			out = append(out, n.Notifications()...)
		}
	}
	return out
}
