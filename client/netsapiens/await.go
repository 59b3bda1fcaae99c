package netsapiens

import (
	"context"
	"time"
)

// PollPolicy paces the reads that wait for a 202 to land. NetSapiens
// answers writes with 202 Accepted before the switch acts, so the only way
// to know a hold or a transfer happened is to read calls until it shows.
type PollPolicy struct {
	Initial time.Duration // first pause; default 50ms
	Max     time.Duration // longest pause; default 1s
	Timeout time.Duration // per wait when ctx has no earlier deadline; default 15s
}

func (p PollPolicy) withDefaults() PollPolicy {
	if p.Initial <= 0 {
		p.Initial = 50 * time.Millisecond
	}
	if p.Max <= 0 {
		p.Max = time.Second
	}
	if p.Max < p.Initial {
		p.Max = p.Initial
	}
	if p.Timeout <= 0 {
		p.Timeout = 15 * time.Second
	}
	return p
}

// Probe reads state once. It returns ok when the state is reached, a
// one-line description of what it saw, and an error only when waiting
// cannot help (a 401, a 403, a broken answer).
type Probe func(ctx context.Context) (ok bool, observed string, err error)

// Await reads with probe until it reports ok, pausing with exponential
// backoff. When ctx or the policy's timeout ends first it returns a
// *TimeoutError listing every observation.
func (c *Client) Await(ctx context.Context, what string, probe Probe) error {
	return c.awaitFor(ctx, c.poll.Timeout, what, probe)
}

// awaitFor is Await with its own time-out.
func (c *Client) awaitFor(ctx context.Context, timeout time.Duration, what string, probe Probe) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var seen []string
	pause := c.poll.Initial
	for {
		ok, observed, err := probe(ctx)
		if observed != "" {
			seen = append(seen, observed)
		}
		if err != nil {
			if ctx.Err() != nil {
				return &TimeoutError{What: what, Observed: seen, Cause: ctx.Err()}
			}
			return err
		}
		if ok {
			return nil
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return &TimeoutError{What: what, Observed: seen, Cause: ctx.Err()}
		case <-t.C:
		}
		if pause *= 2; pause > c.poll.Max {
			pause = c.poll.Max
		}
	}
}
