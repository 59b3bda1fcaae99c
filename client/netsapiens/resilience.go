package netsapiens

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// A NetSapiens write is answered 202 before the switch acts, so even a
// clean answer says nothing about the outcome: the WarmTransfer always
// reads calls until the change shows. The same read settles a write whose
// answer was lost (a 5xx or a dropped connection on a PATCH or POST): if
// the change shows, the write happened. When it does not show within
// RetryPolicy.AcceptedWait, the write is counted as lost and sent again,
// at most Resends times, and only after a read confirms that nothing else
// moved (the caller and the consult are still there). The consultation
// call is sent again with the same call-id, so a switch that did place the
// first one can tell the two apart.

// ErrCallerHungUp says the original caller left while held: there is
// nobody to transfer.
var ErrCallerHungUp = errors.New("the original caller hung up while held")

// ErrConsultHungUp says the consult left the consultation call before the
// transfer: the attended transfer cannot complete.
var ErrConsultHungUp = errors.New("the consult hung up before the transfer")

// acceptedWait is how long a write's change is awaited before the write
// counts as lost.
func (t *WarmTransfer) acceptedWait(p RetryPolicy) time.Duration {
	if p.AcceptedWait > 0 {
		return p.AcceptedWait
	}
	return t.c.poll.Timeout
}

// applied sends a write, then reads until landed reports its change. A
// write answered 202 (or whose answer was lost) whose change does not show
// within AcceptedWait is sent again after ready confirms the calls are
// still as they were; after Resends, a *GiveUpError lists every try.
func (t *WarmTransfer) applied(ctx context.Context, step string, send func(context.Context) error, landed Probe, ready func(context.Context) error) error {
	p := t.c.policy(ctx)
	wait := t.acceptedWait(p)
	var attempts []Attempt
	for n := 1; ; n++ {
		sendErr := send(ctx)
		if sendErr != nil && !IsOutcomeUnknown(sendErr) {
			return sendErr
		}
		err := t.c.awaitFor(ctx, wait, step, landed)
		if err == nil {
			return nil
		}
		var te *TimeoutError
		if !errors.As(err, &te) || ctx.Err() != nil {
			return err
		}
		last := "no read"
		if len(te.Observed) > 0 {
			last = te.Observed[len(te.Observed)-1]
		}
		a := Attempt{Status: 202, Err: &lostWrite{fmt.Sprintf("accepted, but no change within %s; last read %s", wait, last), te}}
		if sendErr != nil {
			a = Attempt{Err: &lostWrite{fmt.Sprintf("%s; no change within %s; last read %s", strings.TrimPrefix(sendErr.Error(), "netsapiens: "), wait, last), te}}
		}
		attempts = append(attempts, a)
		if n > p.Resends {
			return &GiveUpError{Op: step, Attempts: attempts,
				Reason: fmt.Sprintf("sent %d time(s); the switch accepted it or the answer was lost, and the change never showed within %s", n, wait)}
		}
		if ready != nil {
			if err := ready(ctx); err != nil {
				return err
			}
		}
	}
}

// originalStillThere is the hold's ready check: the original call is still
// up (the caller has not hung up) before the hold is sent again.
func (t *WarmTransfer) originalStillThere(ctx context.Context) error {
	call, seen, err := t.findSession(ctx, string(t.Original.SessionID))
	if err != nil {
		return err
	}
	if call == nil {
		return fmt.Errorf("%w: the original call %s is gone; calls: %s", ErrCallerHungUp, t.Original.SessionID, seen)
	}
	return nil
}

// lostWrite is one try of a write whose change never showed: a one-line
// message, and the wait's *TimeoutError (every read) underneath.
type lostWrite struct {
	msg  string
	wait *TimeoutError
}

func (e *lostWrite) Error() string { return e.msg }
func (e *lostWrite) Unwrap() error { return e.wait }
