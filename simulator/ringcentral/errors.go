package ringcentral

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// The dialect's error vocabulary (STYLE: benbjohnson/wtf): every refusal
// is a named error, and one table gives each name its status, codes and
// the fixed head of its message. Handlers say refuse(errName, detail);
// only this file builds an apiError or oauthError (errors_vocab_test.go
// scans the package).

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

// errName names one REST refusal of the vocabulary.
type errName int

const (
	errResourceNotFound errName = iota // use notFound: the head names the parameter
	errInvalidParam                    // use invalidParam: the head names the parameter
	errBadJSON
	errTooLarge
	errMediaType
	errMethodNotAllowed
	errNotSupported
	errNotAllowed
	errIncorrectState
	errTokenNotFound
	errTokenExpired
	errRateExceeded
	errInternal
	errShuttingDown
	errSubFilters
	errSubOtherAccount
	errSubLimit
	errSubExpired
	errSubWebhook
)

// errorSpec is what a name answers: status, codes, and the message's fixed
// head (a detail follows after sep; no head: the detail is the message).
type errorSpec struct {
	status int
	code   string
	top    string // top-level errorCode when it differs from code
	head   string
	sep    string
}

var vocabulary = [...]errorSpec{
	errResourceNotFound: {status: http.StatusNotFound, code: codeNotFound},
	errInvalidParam:     {status: http.StatusBadRequest, code: codeInvalidParam},
	errBadJSON:          {status: http.StatusBadRequest, code: codeBadJSON, head: "JSON can't be parsed.", sep: " "},
	errTooLarge:         {status: http.StatusRequestEntityTooLarge, code: codeTooLarge, head: "Request entity is too large", sep: ": "},
	errMediaType:        {status: http.StatusUnsupportedMediaType, code: codeMediaType, head: "Unsupported Media Type", sep: ": "},
	errMethodNotAllowed: {status: http.StatusMethodNotAllowed, code: codeMethodNotAllowed},
	errNotSupported:     {status: http.StatusNotImplemented, code: codeNotSupported, head: "Operation is not supported", sep: ": "},
	errNotAllowed:       {status: http.StatusForbidden, code: codeNotAllowed, head: "Operation is not allowed", sep: ": "},
	errIncorrectState:   {status: http.StatusConflict, code: codeIncorrectState, head: "Incorrect State", sep: ": "},
	errTokenNotFound:    {status: http.StatusUnauthorized, code: codeTokenNotFound, top: topTokenInvalid, head: "Token not found", sep: ": "},
	errTokenExpired:     {status: http.StatusUnauthorized, code: codeTokenExpired, top: topTokenExpired, head: "Access token expired", sep: ": "},
	errRateExceeded:     {status: http.StatusTooManyRequests, code: codeRateExceeded, head: "Request rate exceeded", sep: ": "},
	errInternal:         {status: http.StatusInternalServerError, code: codeServerError, head: "Internal Server Error", sep: ": "},
	errShuttingDown:     {status: http.StatusServiceUnavailable, code: codeServerError, head: "Service is shutting down", sep: ": "},
	errSubFilters:       {status: http.StatusBadRequest, code: codeSubFilters, head: "Invalid event filters", sep: ": "},
	errSubOtherAccount:  {status: http.StatusForbidden, code: codeSubOtherAcct, head: "Subscription to events of another account is not allowed", sep: ": "},
	errSubLimit:         {status: http.StatusForbidden, code: codeSubLimit, head: "Subscriptions limit exceeded", sep: ": "},
	errSubExpired:       {status: http.StatusNotFound, code: codeSubExpired},
	errSubWebhook:       {status: http.StatusBadRequest, code: codeSubWebhook, head: "WebHook server response is invalid", sep: ": "},
}

// message is the head and the detail, either of which may be empty.
func (s errorSpec) message(detail string) string {
	switch {
	case s.head == "":
		return detail
	case detail == "":
		return s.head
	}
	return s.head + s.sep + detail
}

// refuse builds the named refusal with a detail after its head.
func refuse(n errName, detail string) *apiError {
	s := vocabulary[n]
	return &apiError{Status: s.status, Code: s.code, TopCode: s.top, Message: s.message(detail)}
}

// about names the parameter (and its value) a refusal is about.
func (e *apiError) about(param, value string) *apiError {
	e.Param, e.Value = param, value
	return e
}

func notFound(param, value, detail string) *apiError {
	msg := "Resource for parameter [" + param + "] is not found"
	if detail != "" {
		msg += ": " + detail
	}
	return refuse(errResourceNotFound, msg).about(param, value)
}

func invalidParam(param, value, detail string) *apiError {
	msg := "Parameter [" + param + "] value is invalid."
	if detail != "" {
		msg += " " + detail
	}
	return refuse(errInvalidParam, msg).about(param, value)
}

func incorrectState(detail string) *apiError { return refuse(errIncorrectState, detail) }

func notAllowed(detail string) *apiError { return refuse(errNotAllowed, detail) }

// injectedFault is the body of a fault rule's status (docs/faults.md):
// the status is the rule's, the code the vocabulary's for its class.
func injectedFault(status int, message string) *apiError {
	n := errInternal
	switch {
	case status == http.StatusTooManyRequests:
		s := vocabulary[errRateExceeded]
		message = s.head + s.sep + message // even an empty message keeps the separator
		n = errRateExceeded
	case status == http.StatusServiceUnavailable || status == http.StatusBadGateway || status == http.StatusGatewayTimeout:
		return &apiError{Status: status, Code: codeUnavailable, Message: message}
	case status < 500:
		n = errInvalidParam
	}
	return &apiError{Status: status, Code: vocabulary[n].code, Message: message}
}

// coreErrors maps the core's error vocabulary to this one; a core error
// keeps its message behind the head.
var coreErrors = map[simulator.ErrorCode]struct {
	name errName
	head string
}{
	simulator.ErrNotFound:   {errResourceNotFound, "Resource is not found: "},
	simulator.ErrWrongState: {errIncorrectState, "Incorrect State: "},
	simulator.ErrNotAllowed: {errNotAllowed, "Operation is not allowed: "},
	simulator.ErrInvalid:    {errInvalidParam, "Parameter value is invalid: "},
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
		if m, ok := coreErrors[ce.Code]; ok {
			s := vocabulary[m.name]
			return &apiError{Status: s.status, Code: s.code, Message: m.head + ce.Message}
		}
	}
	s := vocabulary[errInternal]
	return &apiError{Status: s.status, Code: s.code, Message: s.head + s.sep + err.Error()}
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

// renderFailure is the body writeJSON answers when a response cannot be
// rendered.
var renderFailure = func() []byte {
	b, _ := json.Marshal(refuse(errInternal, "cannot render response").body())
	return b
}()

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

// oauthName names one refusal of the OAuth endpoints.
type oauthName int

const (
	oauthBadRequest oauthName = iota // no head: the detail is the description
	oauthMediaType
	oauthInvalidClient
	oauthInvalidJWT
	oauthInvalidCredentials
	oauthTokenNotFound
	oauthTokenExpired
	oauthUnsupportedGrant
)

var oauthVocabulary = [...]struct {
	status      int
	error, code string
	spec        errorSpec // head and sep of the description
}{
	oauthBadRequest:         {http.StatusBadRequest, "invalid_request", codeOAuthBadRequest, errorSpec{}},
	oauthMediaType:          {http.StatusUnsupportedMediaType, "invalid_request", codeMediaType, errorSpec{head: "Unsupported Media Type", sep: ": "}},
	oauthInvalidClient:      {http.StatusUnauthorized, "invalid_client", codeOAuthBadClient, errorSpec{head: "Invalid client", sep: ": "}},
	oauthInvalidJWT:         {http.StatusBadRequest, "invalid_grant", codeOAuthBadJWT, errorSpec{head: "Invalid JWT token", sep: ": "}},
	oauthInvalidCredentials: {http.StatusBadRequest, "invalid_grant", codeOAuthBadCreds, errorSpec{head: "Invalid resource owner credentials", sep: ": "}},
	oauthTokenNotFound:      {http.StatusBadRequest, "invalid_grant", codeTokenNotFound, errorSpec{head: "Token not found", sep: ": "}},
	oauthTokenExpired:       {http.StatusBadRequest, "invalid_grant", codeOAuthRefreshExpiry, errorSpec{head: "Token expired", sep: ": "}},
	oauthUnsupportedGrant:   {http.StatusBadRequest, "invalid_request", codeOAuthGrantType, errorSpec{head: "Unsupported grant type", sep: ": "}},
}

// refuseOAuth builds the named OAuth refusal with a detail after its head.
func refuseOAuth(n oauthName, detail string) *oauthError {
	v := oauthVocabulary[n]
	return &oauthError{Status: v.status, Error: v.error, Code: v.code, Description: v.spec.message(detail)}
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
