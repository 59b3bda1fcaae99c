package judge

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// ReferenceIntegration is the integration used when none is given: the
// reference clients in client/, run in-process from the same hand-over a
// user's integration gets. It keeps the @integration features (and the
// checks that judge them) exercised by every run of the suite.
type ReferenceIntegration struct {
	// HTTP carries the clients' requests (the scenario's traced client).
	HTTP *http.Client
	// Transfer is the vendor's reference warm transfer, from the
	// hand-over's variables (the vendor provides it).
	Transfer func(ctx context.Context, hc *http.Client, vars map[string]string) error
}

// Name says what runs.
func (ReferenceIntegration) Name() string { return "the reference client (built in)" }

// Run performs the vendor's warm transfer from the hand-over's variables.
func (r ReferenceIntegration) Run(ctx context.Context, h Handover) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, h.Timeout)
	defer cancel()
	start := time.Now()
	var err error
	if r.Transfer == nil {
		err = fmt.Errorf("no reference integration for %q", h.Vendor)
	} else {
		err = r.Transfer(ctx, r.HTTP, h.Vars)
	}
	res := Result{Finished: ctx.Err() == nil, Elapsed: time.Since(start)}
	if err != nil {
		res.Code, res.Output = 1, h.Mask(err.Error())
	}
	return res, nil
}

// PollMax caps the reference clients' pause between reads: an apply
// delay is a fraction of a second, so a longer pause only slows specs.
const PollMax = 250 * time.Millisecond
