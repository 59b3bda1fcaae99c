package ringcentral

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is a refusal from the platform: the HTTP status plus the
// vendor's errorCode and message. REST errors carry them at the top level
// and again in errors[]; OAuth errors carry error/error_description and the
// OAU-xxx code in errors[]. Both decode here.
type APIError struct {
	Method string // request method
	Path   string // request path, never the query (it may carry tokens)
	Status int

	ErrorCode string // e.g. "CMN-102", "TAS-106", "OAU-210"
	Message   string // the top-level message the vendor SDKs surface
	// OAuthError is the RFC 6749 code of an OAuth error ("invalid_grant").
	OAuthError string
	Errors     []ErrorDetail
	// Body is the response body as received (truncated to 4 KiB).
	Body []byte
}

// ErrorDetail is one entry of errors[].
type ErrorDetail struct {
	ErrorCode      string `json:"errorCode"`
	Message        string `json:"message"`
	ParameterName  string `json:"parameterName,omitempty"`
	ParameterValue string `json:"parameterValue,omitempty"`
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ringcentral: %s %s: %d", e.Method, e.Path, e.Status)
	if e.ErrorCode != "" {
		b.WriteString(" " + e.ErrorCode)
	}
	if e.OAuthError != "" {
		b.WriteString(" (" + e.OAuthError + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	} else {
		b.WriteString(" " + http.StatusText(e.Status))
	}
	return b.String()
}

// IsStatus tells whether err is an *APIError with this HTTP status.
func IsStatus(err error, status int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == status
}

const maxErrorBody = 4 << 10

// decodeAPIError builds an *APIError from a non-2xx response body. A body
// that is not JSON still yields an error with the status and the raw text.
func decodeAPIError(method, path string, status int, body []byte) *APIError {
	e := &APIError{Method: method, Path: path, Status: status}
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody]
	}
	e.Body = append([]byte(nil), body...)
	var wire struct {
		ErrorCode        string          `json:"errorCode"`
		Message          string          `json:"message"`
		Description      string          `json:"description"`
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
		Errors           []ErrorDetail   `json:"errors"`
	}
	if json.Unmarshal(body, &wire) != nil {
		return e
	}
	e.ErrorCode = wire.ErrorCode
	e.Errors = wire.Errors
	// "error" is the RFC 6749 code in OAuth answers; anything in front of
	// the platform (a proxy, a simulator without the route) may put an
	// object there instead, whose message is still worth showing.
	var other struct{ Code, Message string }
	if json.Unmarshal(wire.Error, &e.OAuthError) != nil && json.Unmarshal(wire.Error, &other) == nil {
		e.ErrorCode, wire.Message = other.Code, other.Message
	}
	// Same precedence as the JS SDK: message, then error_description, then
	// description.
	switch {
	case wire.Message != "":
		e.Message = wire.Message
	case wire.ErrorDescription != "":
		e.Message = wire.ErrorDescription
	case wire.Description != "":
		e.Message = wire.Description
	}
	if len(wire.Errors) > 0 {
		if e.ErrorCode == "" {
			e.ErrorCode = wire.Errors[0].ErrorCode
		}
		if e.Message == "" {
			e.Message = wire.Errors[0].Message
		}
	}
	return e
}
