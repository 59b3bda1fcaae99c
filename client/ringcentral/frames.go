package ringcentral

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
)

// WebSocket frame vocabulary. Every message is a JSON array [meta, body?]
// (RingCentral WebSocket guide; the ringcentral-extensible ws extension).
const (
	frameClientRequest      = "ClientRequest"
	frameServerNotification = "ServerNotification"
	frameConnectionDetails  = "ConnectionDetails"
	frameHeartbeat          = "Heartbeat"
	frameError              = "Error"
)

// frameMeta is the first element of every frame.
type frameMeta struct {
	Type      string         `json:"type"`
	MessageID string         `json:"messageId"`
	Status    int            `json:"status,omitempty"`
	Method    string         `json:"method,omitempty"`
	Path      string         `json:"path,omitempty"`
	Headers   map[string]any `json:"headers,omitempty"`
	WSC       *WSC           `json:"wsc,omitempty"`
}

// header returns a meta header as a string ("" when absent).
func (m frameMeta) header(name string) string {
	for k, v := range m.Headers {
		if strings.EqualFold(k, name) {
			return fmt.Sprint(v)
		}
	}
	return ""
}

// WSC is the session-recovery token the server hands out in frame metas.
type WSC struct {
	Token    string `json:"token"`
	Sequence int64  `json:"sequence"`
}

// ConnectionDetails is the body of the server's first frame.
type ConnectionDetails struct {
	CreationTime      string `json:"creationTime,omitempty"`
	RecoveryState     string `json:"recoveryState,omitempty"` // "Successful" | "Failed" on a recovery
	RecoveryErrorCode string `json:"recoveryErrorCode,omitempty"`
	RecoveryTimeout   int    `json:"recoveryTimeout,omitempty"`
	RecoveryBuffer    int    `json:"recoveryBufferSize,omitempty"`
	IdleTimeout       int    `json:"idleTimeout,omitempty"`
	AbsoluteTimeout   int    `json:"absoluteTimeout,omitempty"`
}

// SubscriptionInfo is the platform's description of a subscription.
type SubscriptionInfo struct {
	ID             string   `json:"id"`
	URI            string   `json:"uri,omitempty"`
	EventFilters   []string `json:"eventFilters"`
	Status         string   `json:"status,omitempty"`
	CreationTime   string   `json:"creationTime,omitempty"`
	ExpirationTime string   `json:"expirationTime,omitempty"`
	ExpiresIn      int      `json:"expiresIn,omitempty"`
	DeliveryMode   struct {
		TransportType string `json:"transportType"`
	} `json:"deliveryMode"`
}

// frame is one decoded WebSocket message.
type frame struct {
	meta frameMeta
	body json.RawMessage // nil when the frame has no body
	raw  []byte
}

// parseFrame decodes [meta, body?]. A multipart body (",--Boundary") keeps
// only the meta, as the vendor SDK does.
func parseFrame(b []byte) (frame, error) {
	text := string(b)
	// i > 0: a message that starts with the boundary has no meta (the
	// fuzzer found text[1:0] panicking on one).
	if i := strings.Index(text, ",--Boundary"); i > 0 {
		var meta frameMeta
		if err := json.Unmarshal([]byte(text[1:i]), &meta); err != nil {
			return frame{}, fmt.Errorf("multipart frame meta: %w", err)
		}
		return frame{meta: meta, raw: b}, nil
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(b, &parts); err != nil {
		return frame{}, fmt.Errorf("frame is not a JSON array: %w", err)
	}
	if len(parts) == 0 {
		return frame{}, fmt.Errorf("frame is an empty array")
	}
	var f frame
	if err := json.Unmarshal(parts[0], &f.meta); err != nil {
		return frame{}, fmt.Errorf("frame meta: %w", err)
	}
	if f.meta.Type == "" {
		return frame{}, fmt.Errorf("frame meta has no type")
	}
	if len(parts) > 1 {
		f.body = parts[1]
	}
	f.raw = b
	return f, nil
}

// encodeFrame builds [meta] or [meta, body].
func encodeFrame(meta frameMeta, body any) ([]byte, error) {
	if body == nil {
		return json.Marshal([]any{meta})
	}
	return json.Marshal([]any{meta, body})
}

// newMessageID makes a random UUID v4 for ClientRequest and Heartbeat metas.
func newMessageID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
