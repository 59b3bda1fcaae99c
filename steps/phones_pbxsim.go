package steps

import (
	"context"
	"fmt"
	"sync"

	"github.com/xfer-conform/xfer-conform/client/control"
)

// PbxsimPhones plays the person at the phones on a pbxsim through its
// control API: it dials, answers and hangs up legs the way a person would.
// For tests of tenant targets only (pbxsim posing as a tenant, its control
// API behind a token the harness does not know); a real run prompts a
// person (PromptPhones). Tasks lists what it was asked.
type PbxsimPhones struct {
	Control *control.Client

	mu    sync.Mutex
	tasks []PhoneTask
}

// Tasks returns the tasks handed over so far.
func (p *PbxsimPhones) Tasks() []PhoneTask {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]PhoneTask(nil), p.tasks...)
}

// Do carries the task out at once.
func (p *PbxsimPhones) Do(ctx context.Context, t PhoneTask) error {
	p.mu.Lock()
	p.tasks = append(p.tasks, t)
	p.mu.Unlock()
	switch t.Action {
	case "dial":
		_, err := p.Control.CreateCall(ctx, addressOf(t.Phone), addressOf(t.To))
		return err
	case "answer", "hang up":
		calls, err := p.Control.Calls(ctx)
		if err != nil {
			return err
		}
		for i := len(calls) - 1; i >= 0; i-- {
			for _, l := range calls[i].Legs {
				if !phoneHasLeg(t.Phone, l) {
					continue
				}
				ringing := l.State == "setup" || l.State == "proceeding"
				if t.Action == "answer" && ringing {
					return p.Control.Answer(ctx, calls[i].ID, l.ID)
				}
				if t.Action == "hang up" && (ringing || l.State == "answered" || l.State == "held") {
					return p.Control.Hangup(ctx, calls[i].ID, l.ID)
				}
			}
		}
		return fmt.Errorf("pbxsim has no leg of %s to %s", t.Phone, t.Action)
	}
	return fmt.Errorf("no phone task %q", t.Action)
}

func addressOf(p Phone) string {
	if p.Person.Number != "" {
		return p.Person.Number
	}
	return p.Address
}

func phoneHasLeg(p Phone, l control.Leg) bool {
	e := l.Endpoint
	return (p.Person.ID != "" && e.UserID == p.Person.ID) || (p.Person.Number != "" && e.Number == p.Person.Number)
}
