package steps

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
)

// An Integration is the user's code under test: once the harness has set
// the world up (the customer's call answered by the operator, the consult
// reachable), it performs the warm transfer through the vendor API. The
// harness then judges the outcome from pbxsim's state and journal, not from
// anything the integration says about itself.
//
// Run returns an error only for harness errors (the command cannot be
// started, the endpoint cannot be reached, the process was killed by a
// signal); an integration that exits non-zero or runs past its deadline
// returns a Result, and the checks say what it did wrong.
type Integration interface {
	// Name says what runs, for messages: the command line or the URL.
	Name() string
	Run(ctx context.Context, h Handover) (Result, error)
}

// Handover is what the integration is given: the vendor, where the PBX is,
// credentials and the scenario's facts, as environment variables (a
// command gets them in its environment, an HTTP endpoint in its request
// body). docs/integrations.md lists them.
type Handover struct {
	Vendor  string
	Vars    map[string]string
	Timeout time.Duration
	// secrets are values that must never appear in output.
	secrets []string
}

// Names returns the variable names, sorted, for messages.
func (h Handover) Names() []string {
	out := make([]string, 0, len(h.Vars))
	for k := range h.Vars {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Mask replaces the handover's secret values in s, then applies Redact.
func (h Handover) Mask(s string) string {
	for _, v := range h.secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return Redact(s)
}

// Result is how the integration's run ended.
type Result struct {
	// Finished is false when the integration ran past its deadline and
	// was stopped.
	Finished bool
	// Code is the exit status of a command, or the HTTP status of an
	// endpoint's answer.
	Code int
	// Output is the end of what the integration printed (or answered),
	// secrets masked.
	Output  string
	Elapsed time.Duration
}

// OK says whether the integration reported success.
func (r Result) OK(http bool) bool {
	if !r.Finished {
		return false
	}
	if http {
		return r.Code >= 200 && r.Code < 300
	}
	return r.Code == 0
}

// handover builds the integration's variables from the target's facts and
// the world's call (the customer's call, answered by the operator).
func handover(vendor string, f Facts, original control.Call, timeout time.Duration) (Handover, error) {
	h := Handover{Vendor: vendor, Timeout: timeout, Vars: map[string]string{
		"PBX_VENDOR":   vendor,
		"XFER_TIMEOUT": timeout.String(),
	}}
	set := func(k, v string) {
		if v != "" {
			h.Vars[k] = v
		}
	}
	secret := func(k, v string) {
		set(k, v)
		if v != "" {
			h.secrets = append(h.secrets, v)
		}
	}
	switch vendor {
	case "ringcentral":
		rc := f.RingCentral
		if rc == nil {
			return h, fmt.Errorf("%w: the target has no RingCentral account", ErrHarness)
		}
		set("PBX_URL", rc.ServerURL)
		set("RC_SERVER_URL", rc.ServerURL)
		set("RC_CLIENT_ID", rc.ClientID)
		secret("RC_CLIENT_SECRET", rc.ClientSecret)
		secret("RC_JWT", rc.Operator.JWT)
		set("RC_ACCOUNT_ID", rc.AccountID)
		set("XFER_CUSTOMER", rc.Customer.Extension)
		set("XFER_CUSTOMER_NUMBER", rc.Customer.Number)
		set("XFER_OPERATOR", rc.Operator.Extension)
		set("XFER_OPERATOR_ID", rc.Operator.ID)
		set("XFER_OPERATOR_DEVICE_ID", rc.Operator.DeviceID)
		set("XFER_CONSULT", rc.Consult.Extension)
		set("XFER_CONSULT_ID", rc.Consult.ID)
		set("XFER_CONSULT_NUMBER", rc.Consult.Number)
		set("XFER_SESSION_ID", original.Vendor["ringcentral"]["telephonySessionId"])
	case "netsapiens":
		ns := f.NetSapiens
		if ns == nil {
			return h, fmt.Errorf("%w: the target has no NetSapiens domain", ErrHarness)
		}
		set("PBX_URL", ns.ServerURL)
		set("NS_API_URL", strings.TrimRight(ns.ServerURL, "/")+"/ns-api/v2")
		secret("NS_API_KEY", ns.DomainKey)
		set("NS_DOMAIN", ns.Domain)
		set("XFER_CUSTOMER", ns.OutsideCaller)
		set("XFER_CUSTOMER_NUMBER", ns.OutsideCaller)
		set("XFER_OPERATOR", ns.Operator.ID)
		set("XFER_OPERATOR_NUMBER", ns.Operator.Number)
		set("XFER_CONSULT", ns.Consult.ID)
		set("XFER_CONSULT_NUMBER", ns.Consult.Number)
		set("XFER_SESSION_ID", sessionOfControlCall(original))
	default:
		return h, fmt.Errorf("no integration hand-over for vendor %q", vendor)
	}
	return h, nil
}

// tailLines keeps the last n lines of s.
func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("…(%d earlier lines)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
