package faults

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/xfer-conform/xfer-conform/simulator/duration"
)

// Where a rule applies.
const (
	// OnHTTP rules act on vendor-API requests before the dialect sees them.
	OnHTTP = "http"
	// OnNotification rules act on one notification on its way to one
	// subscription (a WebSocket or a webhook).
	OnNotification = "notification"
	// OnApply rules act on a change between the dialect's answer and the
	// moment the switch applies it (dialects with DialectSpec.ApplyPhase).
	OnApply = "apply"
)

// Notification transports a rule can match.
const (
	TransportWebSocket = "websocket"
	TransportWebhook   = "webhook"
)

// WebSocket disconnect modes.
const (
	// DisconnectRecoverable closes the socket; the client can recover the
	// session with wsc within the recovery timeout and gets what it missed.
	DisconnectRecoverable = "recoverable"
	// DisconnectUnrecoverable closes the socket and ends the session with
	// its recovery buffer and subscription: a recovery answers
	// recoveryState "Failed" and the client must subscribe again.
	DisconnectUnrecoverable = "unrecoverable"
)

// Rule is one fault: what it matches, what it does, and how often.
type Rule struct {
	// ID names the rule in the control API and the outcome log; assigned
	// ("f1", "f2", ...) when empty.
	ID string `json:"id" yaml:"id"`
	// On is http (default), notification or apply.
	On     string `json:"on,omitempty" yaml:"on"`
	Match  Match  `json:"match" yaml:"match"`
	Action Action `json:"action" yaml:"action"`
	// After lets the first After matches through untouched ("fail the
	// third bridge": after 2, times 1).
	After int `json:"after,omitempty" yaml:"after"`
	// Times bounds how often the rule fires; 0 means no bound. JSON and
	// YAML also accept "once".
	Times Times `json:"times,omitempty" yaml:"times"`
	// Probability that a match fires, in (0, 1]; 0 means always.
	Probability float64 `json:"probability,omitempty" yaml:"probability"`
}

// Match selects what a rule applies to; empty fields match everything.
type Match struct {
	// Dialect is the name of a dialect pbxsim serves (DialectSpec.Name).
	Dialect string `json:"dialect,omitempty" yaml:"dialect"`
	// Tenant is a core tenant id (an account, a domain).
	Tenant string `json:"tenant,omitempty" yaml:"tenant"`
	// Method is an HTTP method (http rules).
	Method string `json:"method,omitempty" yaml:"method"`
	// Path is a glob over the request path: * stays within one segment,
	// ** crosses segments (http rules).
	Path string `json:"path,omitempty" yaml:"path"`
	// PathRegex is a regular expression the whole path must match.
	PathRegex string `json:"pathRegex,omitempty" yaml:"pathRegex"`
	// Operation is the dialect's name for the request ("bridge", "hold",
	// "token", "make-call"; docs/faults.md lists them). For apply rules it
	// names the change (hold, unhold, answer, reject, disconnect,
	// make-call, transfer).
	Operation string `json:"operation,omitempty" yaml:"operation"`
	// Transport is websocket or webhook (notification rules).
	Transport string `json:"transport,omitempty" yaml:"transport"`
	// Subscription is a subscription id (notification rules).
	Subscription string `json:"subscription,omitempty" yaml:"subscription"`
}

// Action is what a rule does when it fires. Which fields apply depends on
// the rule's On; Validate says which combinations make sense.
type Action struct {
	// Latency delays an HTTP request before it is served (wall clock: it
	// is network behaviour).
	Latency *Latency `json:"latency,omitempty" yaml:"latency"`
	// Status answers an HTTP request with this status and the vendor's
	// error body instead of serving it (400-599; 429 carries Retry-After).
	Status int `json:"status,omitempty" yaml:"status"`
	// RetryAfter is the Retry-After of a 429 or 503; default 60s for 429.
	RetryAfter Duration `json:"retryAfter,omitempty" yaml:"retryAfter"`
	// Drop closes an HTTP connection without an answer; loses a
	// notification; makes an apply-phase change never happen after its answer.
	Drop bool `json:"drop,omitempty" yaml:"drop"`
	// Timeout holds an HTTP request without an answer until the client
	// gives up (or MaxHold passes, then the connection is closed).
	Timeout bool `json:"timeout,omitempty" yaml:"timeout"`
	// MaxHold bounds a Timeout; default 2m.
	MaxHold Duration `json:"maxHold,omitempty" yaml:"maxHold"`

	// Delay postpones a notification, or an apply-phase change (replacing
	// the apply delay), on the simulator clock.
	Delay Duration `json:"delay,omitempty" yaml:"delay"`
	// Duplicate sends a notification this many extra times right after it.
	Duplicate int `json:"duplicate,omitempty" yaml:"duplicate"`
	// Reorder holds a notification back until the next one for the same
	// subscription has gone (or Delay, default 1s, has passed).
	Reorder bool `json:"reorder,omitempty" yaml:"reorder"`
	// Fail makes a webhook delivery fail with this status without posting
	// it: it counts as a failed delivery (blacklisting, error-count).
	Fail int `json:"fail,omitempty" yaml:"fail"`
	// Disconnect closes the subscriber's notification WebSocket before the
	// notification is sent: recoverable or unrecoverable.
	Disconnect string `json:"disconnect,omitempty" yaml:"disconnect"`
}

// Times is a bound on how often a rule fires: a number or "once".
type Times int

// UnmarshalJSON reads a number or "once".
func (t *Times) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		return t.parse(s)
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("times must be a number or \"once\", not %s", b)
	}
	*t = Times(n)
	return nil
}

// UnmarshalYAML reads a number or "once".
func (t *Times) UnmarshalYAML(n *yaml.Node) error { return t.parse(n.Value) }

func (t *Times) parse(s string) error {
	if s == "once" {
		*t = 1
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("times must be a number or \"once\", not %q", s)
	}
	*t = Times(n)
	return nil
}

// Duration is the scenario files' one duration type: "200ms", "2s" or a
// number of seconds (simulator/duration, docs/faults.md).
type Duration = duration.Duration

// Latency is a fixed delay ("200ms") or a distribution:
// {dist: uniform, min, max} or {dist: normal, mean, stddev[, min, max]}.
type Latency struct {
	Dist   string   `json:"dist" yaml:"dist"` // fixed, uniform, normal
	Fixed  Duration `json:"value,omitempty" yaml:"value"`
	Min    Duration `json:"min,omitempty" yaml:"min"`
	Max    Duration `json:"max,omitempty" yaml:"max"`
	Mean   Duration `json:"mean,omitempty" yaml:"mean"`
	StdDev Duration `json:"stddev,omitempty" yaml:"stddev"`
}

type latencyFields Latency

// UnmarshalJSON reads "200ms" or a distribution object.
func (l *Latency) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		return l.fixed(s)
	}
	var f latencyFields
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("latency is \"200ms\" or {\"dist\": \"uniform\", \"min\": ..., \"max\": ...}: %v", err)
	}
	*l = Latency(f)
	return nil
}

// UnmarshalYAML reads "200ms" or a distribution mapping.
func (l *Latency) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return l.fixed(n.Value)
	}
	var f latencyFields
	if err := n.Decode(&f); err != nil {
		return err
	}
	*l = Latency(f)
	return nil
}

func (l *Latency) fixed(s string) error {
	d, err := duration.Parse(s)
	if err != nil {
		return err
	}
	*l = Latency{Dist: "fixed", Fixed: d}
	return nil
}

// compilePathRegex compiles a rule's pathRegex the way it is matched:
// anchored as ^(?:…)$. A pattern can compile alone and fail once wrapped
// (`\Qx` quotes the closing parenthesis), so validation compiles the
// wrapped form (issue 10 item 12).
func compilePathRegex(expr string) (*regexp.Regexp, error) {
	re, err := regexp.Compile("^(?:" + expr + ")$")
	if err != nil {
		if _, alone := regexp.Compile(expr); alone == nil {
			return nil, fmt.Errorf("match.pathRegex %q must match a whole path as ^(?:%s)$, which does not compile: %v", expr, expr, err)
		}
		return nil, fmt.Errorf("match.pathRegex: %v", err)
	}
	return re, nil
}

var ruleID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// reservedID are the names of the routes beside /sim/v1/faults/{id}.
var reservedID = map[string]bool{"log": true, "seed": true, "websocket": true}

// maxLatency bounds injected HTTP latency: a fault longer than this is a
// timeout and should say so.
const maxLatency = 5 * time.Minute

// Validate checks a rule and says what is wrong in words a user can act
// on. It does not assign an id.
func (r *Rule) Validate() error {
	if r.ID != "" && !ruleID.MatchString(r.ID) {
		return fmt.Errorf("id %q must be 1 to 64 letters, digits, '.', '_' or '-'", r.ID)
	}
	if reservedID[r.ID] {
		return fmt.Errorf("id %q names a control route (/sim/v1/faults/%s); choose another", r.ID, r.ID)
	}
	if r.After < 0 || r.Times < 0 {
		return fmt.Errorf("after and times must not be negative")
	}
	if r.Probability < 0 || r.Probability > 1 {
		return fmt.Errorf("probability must be between 0 and 1, not %g", r.Probability)
	}
	if err := r.Match.validate(); err != nil {
		return err
	}
	switch r.On {
	case "", OnHTTP:
		return r.validateHTTP()
	case OnNotification:
		return r.validateNotification()
	case OnApply:
		return r.validateApply()
	}
	return fmt.Errorf("on must be http, notification or apply, not %q", r.On)
}

func (m *Match) validate() error {
	if m.Dialect != "" && !ruleID.MatchString(m.Dialect) {
		return fmt.Errorf("match.dialect %q is not a dialect name", m.Dialect)
	}
	if m.Method != "" && m.Method != strings.ToUpper(m.Method) {
		return fmt.Errorf("match.method %q must be upper case, e.g. %q", m.Method, strings.ToUpper(m.Method))
	}
	if m.Path != "" && !strings.HasPrefix(m.Path, "/") {
		return fmt.Errorf("match.path %q must start with /", m.Path)
	}
	if m.PathRegex != "" {
		if _, err := compilePathRegex(m.PathRegex); err != nil {
			return err
		}
	}
	if m.Path != "" {
		if _, err := compileGlob(m.Path); err != nil {
			return fmt.Errorf("match.path: %v", err)
		}
	}
	switch m.Transport {
	case "", TransportWebSocket, TransportWebhook:
	default:
		return fmt.Errorf("match.transport must be websocket or webhook, not %q", m.Transport)
	}
	return nil
}

func (r *Rule) validateHTTP() error {
	a, m := r.Action, r.Match
	if m.Transport != "" || m.Subscription != "" {
		return fmt.Errorf("match.transport and match.subscription are for notification rules; this is an http rule")
	}
	if a.Delay != 0 || a.Duplicate != 0 || a.Reorder || a.Fail != 0 || a.Disconnect != "" {
		return fmt.Errorf("an http rule's action is latency, status, drop or timeout (delay, duplicate, reorder, fail and disconnect are for notification rules)")
	}
	terminal := 0
	for _, on := range []bool{a.Status != 0, a.Drop, a.Timeout} {
		if on {
			terminal++
		}
	}
	if terminal > 1 {
		return fmt.Errorf("an http rule answers with at most one of status, drop and timeout")
	}
	if terminal == 0 && a.Latency == nil {
		return fmt.Errorf("the action is empty: give latency, status, drop or timeout")
	}
	if a.Status != 0 && (a.Status < 400 || a.Status > 599) {
		return fmt.Errorf("action.status must be between 400 and 599, not %d", a.Status)
	}
	if a.RetryAfter != 0 && a.Status != 429 && a.Status != 503 {
		return fmt.Errorf("action.retryAfter goes with status 429 or 503")
	}
	if a.MaxHold != 0 && !a.Timeout {
		return fmt.Errorf("action.maxHold goes with timeout: true")
	}
	if a.Latency != nil {
		return a.Latency.validate()
	}
	return nil
}

func (l *Latency) validate() error {
	switch l.Dist {
	case "fixed":
		if l.Fixed.D() > maxLatency {
			return fmt.Errorf("latency %s is more than %s; use timeout: true for a request that never answers", l.Fixed.D(), maxLatency)
		}
	case "uniform":
		if l.Max <= l.Min {
			return fmt.Errorf("a uniform latency needs min < max, got min %s max %s", l.Min.D(), l.Max.D())
		}
	case "normal":
		if l.Mean == 0 || l.StdDev == 0 {
			return fmt.Errorf("a normal latency needs mean and stddev")
		}
		if l.Max != 0 && l.Max < l.Min {
			return fmt.Errorf("a normal latency's max %s is below its min %s", l.Max.D(), l.Min.D())
		}
	default:
		return fmt.Errorf("latency.dist must be uniform or normal (or give a fixed \"200ms\"), not %q", l.Dist)
	}
	if l.Max.D() > maxLatency || l.Mean.D() > maxLatency {
		return fmt.Errorf("latency above %s is a timeout; use timeout: true", maxLatency)
	}
	return nil
}

func (r *Rule) validateNotification() error {
	a, m := r.Action, r.Match
	if m.Method != "" || m.Path != "" || m.PathRegex != "" || m.Operation != "" {
		return fmt.Errorf("a notification rule matches dialect, tenant, transport and subscription, not method, path or operation")
	}
	if a.Latency != nil || a.Status != 0 || a.Timeout || a.RetryAfter != 0 || a.MaxHold != 0 {
		return fmt.Errorf("a notification rule's action is drop, delay, duplicate, reorder, fail or disconnect")
	}
	n := 0
	for _, on := range []bool{a.Drop, a.Delay != 0, a.Duplicate != 0, a.Reorder, a.Fail != 0, a.Disconnect != ""} {
		if on {
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("the action is empty: give drop, delay, duplicate, reorder, fail or disconnect")
	}
	if a.Drop && n > 1 {
		return fmt.Errorf("a dropped notification cannot also be delayed, duplicated, reordered or failed")
	}
	if a.Duplicate < 0 || a.Duplicate > 10 {
		return fmt.Errorf("action.duplicate must be between 1 and 10")
	}
	if a.Fail != 0 {
		if a.Fail < 300 || a.Fail > 599 {
			return fmt.Errorf("action.fail is the failed delivery's status, 300-599, not %d", a.Fail)
		}
		if m.Transport != TransportWebhook {
			return fmt.Errorf("action.fail needs match.transport: webhook (a WebSocket frame cannot fail with a status)")
		}
		if n > 1 {
			return fmt.Errorf("a failed delivery cannot also be delayed, duplicated or reordered")
		}
	}
	if a.Disconnect != "" {
		if a.Disconnect != DisconnectRecoverable && a.Disconnect != DisconnectUnrecoverable {
			return fmt.Errorf("action.disconnect must be recoverable or unrecoverable, not %q", a.Disconnect)
		}
		if m.Transport != TransportWebSocket {
			return fmt.Errorf("action.disconnect needs match.transport: websocket (a notification socket)")
		}
	}
	return nil
}

func (r *Rule) validateApply() error {
	a, m := r.Action, r.Match
	if m.Method != "" || m.Path != "" || m.PathRegex != "" || m.Transport != "" || m.Subscription != "" {
		return fmt.Errorf("an apply rule matches tenant (domain) and operation only")
	}
	if a.Latency != nil || a.Status != 0 || a.Timeout || a.RetryAfter != 0 || a.MaxHold != 0 ||
		a.Duplicate != 0 || a.Reorder || a.Fail != 0 || a.Disconnect != "" {
		return fmt.Errorf("an apply rule's action is delay (the time from the 202 to the change) or drop (the change never happens)")
	}
	if a.Drop == (a.Delay != 0) {
		return fmt.Errorf("an apply rule's action is exactly one of delay and drop")
	}
	if a.Delay.D() > 24*time.Hour {
		return fmt.Errorf("an apply delay above 24h is a dropped change; use drop: true")
	}
	return nil
}
