package netsapiens

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// CallEvent is one object of a "call" model webhook post. Deliveries use
// the legacy underscore names even for subscriptions made through v2.
type CallEvent struct {
	Hostname     Text `json:"hostname"`
	SessionID    Text `json:"sessionId"`
	OrigCallID   Text `json:"orig_callid"`
	OrigUser     Text `json:"orig_user"`
	OrigDomain   Text `json:"orig_domain"`
	OrigFromUser Text `json:"orig_from_user"`
	OrigCallInfo Text `json:"orig_call_info"`
	TermCallID   Text `json:"term_callid"`
	TermUser     Text `json:"term_user"`
	TermDomain   Text `json:"term_domain"`
	TermCallInfo Text `json:"term_call_info"`
	ByAction     Text `json:"by_action"`
	ByCallID     Text `json:"by_callid"`
	ANI          Text `json:"ani"`
	DNIS         Text `json:"dnis"`
	TimeStart    Text `json:"time_start"`
	TimeAnswer   Text `json:"time_answer"`
	Remove       Text `json:"remove"` // "yes" on the last post of a call

	// Raw holds every field as posted.
	Raw map[string]any `json:"-"`
}

// Removed reports whether this is the call's final post.
func (e CallEvent) Removed() bool { return strings.EqualFold(string(e.Remove), "yes") }

// String is a one-line summary for traces.
func (e CallEvent) String() string {
	s := fmt.Sprintf("session=%s orig=%s(%s) term=%s(%s) callid=%s/%s", e.SessionID,
		e.OrigUser, e.OrigCallInfo, e.TermUser, e.TermCallInfo, e.OrigCallID, e.TermCallID)
	if e.Removed() {
		s += " remove=yes"
	}
	return s
}

// Delivery is one POST the receiver took.
type Delivery struct {
	At     time.Time
	Events []CallEvent
}

// maxDelivery bounds a webhook body.
const maxDelivery = 1 << 20

// WebhookReceiver is an http.Handler for a subscription's post-url. It
// keeps every delivery and wakes waiters as they arrive.
type WebhookReceiver struct {
	mu         sync.Mutex
	deliveries []Delivery
	rejected   []string
	wake       chan struct{}
	status     int
}

// NewWebhookReceiver returns a receiver that answers 200.
func NewWebhookReceiver() *WebhookReceiver {
	return &WebhookReceiver{wake: make(chan struct{}), status: http.StatusOK}
}

// SetStatus makes later posts answer status; NetSapiens counts a status
// above 302 as a failed post.
func (r *WebhookReceiver) SetStatus(status int) {
	r.mu.Lock()
	r.status = status
	r.mu.Unlock()
}

// ServeHTTP takes a post whose body is a JSON array of call objects (a
// single object is accepted too).
func (r *WebhookReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	data, err := io.ReadAll(io.LimitReader(req.Body, maxDelivery+1))
	if err != nil || len(data) > maxDelivery {
		r.reject(w, fmt.Sprintf("unreadable or oversized body (%d bytes)", len(data)))
		return
	}
	events, err := ParseCallEvents(data)
	if err != nil {
		r.reject(w, err.Error())
		return
	}
	r.mu.Lock()
	r.deliveries = append(r.deliveries, Delivery{At: time.Now(), Events: events})
	status := r.status
	close(r.wake)
	r.wake = make(chan struct{})
	r.mu.Unlock()
	w.WriteHeader(status)
}

func (r *WebhookReceiver) reject(w http.ResponseWriter, why string) {
	r.mu.Lock()
	r.rejected = append(r.rejected, why)
	close(r.wake)
	r.wake = make(chan struct{})
	r.mu.Unlock()
	http.Error(w, why, http.StatusBadRequest)
}

// ParseCallEvents decodes a call-model webhook body.
func ParseCallEvents(data []byte) ([]CallEvent, error) {
	var raws []json.RawMessage
	trimmed := strings.TrimSpace(string(data))
	switch {
	case strings.HasPrefix(trimmed, "["):
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, fmt.Errorf("webhook body is not a JSON array: %v", err)
		}
	case strings.HasPrefix(trimmed, "{"):
		raws = []json.RawMessage{json.RawMessage(trimmed)}
	default:
		return nil, fmt.Errorf("webhook body is not JSON: %.80q", trimmed)
	}
	events := make([]CallEvent, 0, len(raws))
	for i, raw := range raws {
		var e CallEvent
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("webhook object %d: %v", i, err)
		}
		if err := json.Unmarshal(raw, &e.Raw); err != nil {
			return nil, fmt.Errorf("webhook object %d: %v", i, err)
		}
		if e.SessionID == "" {
			// Some payloads spell it session_id (the v1 read shape).
			if s, ok := e.Raw["session_id"].(string); ok {
				e.SessionID = Text(s)
			}
		}
		events = append(events, e)
	}
	return events, nil
}

// Deliveries returns a copy of every post received so far.
func (r *WebhookReceiver) Deliveries() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Delivery(nil), r.deliveries...)
}

// Events returns every call object received so far, in arrival order.
func (r *WebhookReceiver) Events() []CallEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []CallEvent
	for _, d := range r.deliveries {
		out = append(out, d.Events...)
	}
	return out
}

// Rejected lists posts the receiver could not parse.
func (r *WebhookReceiver) Rejected() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.rejected...)
}

// Await blocks until cond holds over the events received so far, or ctx
// ends; then the *TimeoutError lists every event seen. cond returns a
// description of what it checked.
func (r *WebhookReceiver) Await(ctx context.Context, what string, cond func([]CallEvent) bool) error {
	for {
		r.mu.Lock()
		wake := r.wake
		r.mu.Unlock()
		events := r.Events()
		if cond(events) {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			seen := make([]string, len(events))
			for i, e := range events {
				seen[i] = e.String()
			}
			if rej := r.Rejected(); len(rej) > 0 {
				seen = append(seen, "rejected posts: "+strings.Join(rej, "; "))
			}
			return &TimeoutError{What: what, Observed: seen, Cause: ctx.Err()}
		}
	}
}
