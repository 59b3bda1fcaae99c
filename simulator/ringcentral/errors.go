package ringcentral

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// apiError is a refusal in RingCentral's REST error shape: top-level
// errorCode and message, repeated in errors[] with the parameter involved
// (reference §3.1, P-ERR).
type apiError struct {
	Status  int
	Code    string // the errors[] item's code, e.g. "CMN-102"
	Message string
	Param   string
	Value   string
	// TopCode, when set, replaces Code at the top level only (401s carry
	// "TokenInvalid" there and "OAU-213" in errors[]).
	TopCode string
}

func (e *apiError) Error() string { return e.Message }

// Error codes and texts used by this dialect. Where RingCentral's catalog
// (DOCS errors.md, community threads) has a code we use it; the rest are
// marked inferred in docs/quirks.md.
const (
	codeNotFound       = "CMN-102" // "Resource for parameter [x] is not found"
	codeInvalidParam   = "CMN-101" // "Parameter [x] value is invalid."
	codeBadJSON        = "CMN-103" // "JSON can't be parsed."
	codeNotSupported   = "CMN-202" // "Operation is not supported"
	codeNotAllowed     = "TAS-106" // "Operation is not allowed" (P-TAS106)
	codeIncorrectState = "TAS-102" // inferred; the message carries "Incorrect State" (WIDGETS)
	codeMediaType      = "CMN-415" // inferred
	codeTooLarge       = "CMN-104" // inferred
	codeTokenNotFound  = "OAU-213" // "Token not found"
	codeTokenExpired   = "OAU-128" // "Access token expired"
	codeSubExpired     = "SUB-507"
	codeSubFilters     = "SUB-508"
	codeSubLimit       = "SUB-505"
	codeSubWebhook     = "SUB-525"
	codeSubOtherAcct   = "SUB-406"
)

func notFound(param, value, detail string) *apiError {
	msg := "Resource for parameter [" + param + "] is not found"
	if detail != "" {
		msg += ": " + detail
	}
	return &apiError{Status: http.StatusNotFound, Code: codeNotFound, Message: msg, Param: param, Value: value}
}

func invalidParam(param, value, detail string) *apiError {
	msg := "Parameter [" + param + "] value is invalid."
	if detail != "" {
		msg += " " + detail
	}
	return &apiError{Status: http.StatusBadRequest, Code: codeInvalidParam, Message: msg, Param: param, Value: value}
}

func incorrectState(detail string) *apiError {
	return &apiError{Status: http.StatusConflict, Code: codeIncorrectState, Message: "Incorrect State: " + detail}
}

func notAllowed(detail string) *apiError {
	return &apiError{Status: http.StatusForbidden, Code: codeNotAllowed, Message: "Operation is not allowed: " + detail}
}

// coreErrors maps the core's error vocabulary to RingCentral's status and
// code: the one table of this dialect (STYLE: benbjohnson/wtf).
var coreErrors = map[simulator.ErrorCode]struct {
	status int
	code   string
	prefix string
}{
	simulator.ErrNotFound:   {http.StatusNotFound, codeNotFound, "Resource is not found: "},
	simulator.ErrWrongState: {http.StatusConflict, codeIncorrectState, "Incorrect State: "},
	simulator.ErrNotAllowed: {http.StatusForbidden, codeNotAllowed, "Operation is not allowed: "},
	simulator.ErrInvalid:    {http.StatusBadRequest, codeInvalidParam, "Parameter value is invalid: "},
}

// asAPIError turns any error into the vendor's shape. A core error keeps
// its message behind the vendor's wording; anything else is a 500 (a bug).
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var ce *simulator.Error
	if errors.As(err, &ce) {
		m, ok := coreErrors[ce.Code]
		if ok {
			return &apiError{Status: m.status, Code: m.code, Message: m.prefix + ce.Message}
		}
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "CMN-211", Message: "Internal Server Error: " + err.Error()}
}

type errorItem struct {
	ErrorCode      string `json:"errorCode"`
	Message        string `json:"message"`
	ParameterName  string `json:"parameterName,omitempty"`
	ParameterValue string `json:"parameterValue,omitempty"`
}

type errorBody struct {
	ErrorCode      string      `json:"errorCode"`
	Message        string      `json:"message"`
	Errors         []errorItem `json:"errors"`
	ParameterName  string      `json:"parameterName,omitempty"`
	ParameterValue string      `json:"parameterValue,omitempty"`
}

func (e *apiError) body() errorBody {
	top := e.Code
	if e.TopCode != "" {
		top = e.TopCode
	}
	return errorBody{
		ErrorCode: top, Message: e.Message,
		Errors:         []errorItem{{ErrorCode: e.Code, Message: e.Message, ParameterName: e.Param, ParameterValue: e.Value}},
		ParameterName:  e.Param,
		ParameterValue: e.Value,
	}
}

func writeError(w http.ResponseWriter, err error) {
	ae := asAPIError(err)
	if ae.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="RingCentral REST API"`)
	}
	writeJSON(w, ae.Status, ae.body())
}

// oauthError is a refusal of the OAuth endpoints in the RFC 6749 shape
// RingCentral adds errors[] to (reference §3.1, P-OAUTH).
type oauthError struct {
	Status      int
	Error       string // RFC 6749 code: invalid_grant, invalid_client, ...
	Code        string // OAU-xxx
	Description string
}

type oauthErrorBody struct {
	Error            string      `json:"error"`
	ErrorDescription string      `json:"error_description"`
	Errors           []errorItem `json:"errors"`
}

func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="RingCentral OAuth"`)
	}
	writeJSON(w, e.Status, oauthErrorBody{
		Error: e.Error, ErrorDescription: e.Description,
		Errors: []errorItem{{ErrorCode: e.Code, Message: e.Description}},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	if a, ok := v.(jsonAppender); ok { // render_json.go: the hot shapes, without reflection
		b := a.appendJSON(make([]byte, 0, 2048))
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(status)
		_, _ = w.Write(b)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<access_token>" reads better than "\u003caccess_token\u003e"
	err := enc.Encode(v)
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"errorCode":"CMN-211","message":"Internal Server Error: cannot render response","errors":[{"errorCode":"CMN-211","message":"Internal Server Error: cannot render response"}]}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// limitBody caps request bodies at 1 MiB; readers see an error past it,
// which decodeJSON reports as 413.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		next.ServeHTTP(w, r)
	})
}

const maxBody = 1 << 20

// decodeJSON reads an optional JSON body into v. An empty body leaves v
// untouched; a body must be JSON (415 otherwise) and parse (400 CMN-103).
func decodeJSON(r *http.Request, v any) (present bool, err error) {
	var raw []byte
	if r.Body != nil {
		var err error
		if raw, err = io.ReadAll(r.Body); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return false, &apiError{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge,
					Message: "Request entity is too large: the body exceeds 1048576 bytes"}
			}
			return false, &apiError{Status: http.StatusBadRequest, Code: codeBadJSON, Message: "JSON can't be parsed. " + err.Error()}
		}
	}
	text := strings.TrimSpace(string(raw))
	if text == "" {
		return false, nil
	}
	ct := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]))
	if ct != "application/json" && !strings.HasSuffix(ct, "+json") {
		return false, &apiError{Status: http.StatusUnsupportedMediaType, Code: codeMediaType,
			Message: "Unsupported Media Type: the body must be sent as Content-Type: application/json, not " + quoteOrNone(ct)}
	}
	if text[0] != '{' {
		// Every request body of the API is an object; json.Unmarshal would
		// take null as "no fields" and act (test/hostile found a hold with
		// body null going through).
		return true, &apiError{Status: http.StatusBadRequest, Code: codeBadJSON, Message: "JSON can't be parsed. The body must be a JSON object"}
	}
	if err := checkContract(r, []byte(text)); err != nil {
		return true, err
	}
	if err := json.Unmarshal([]byte(text), v); err != nil {
		return true, &apiError{Status: http.StatusBadRequest, Code: codeBadJSON, Message: "JSON can't be parsed. " + err.Error()}
	}
	return true, nil
}

func quoteOrNone(s string) string {
	if s == "" {
		return "none"
	}
	return `"` + s + `"`
}
