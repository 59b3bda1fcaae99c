package steps_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/client/control"
	"github.com/xfer-conform/xfer-conform/client/netsapiens"
	nssim "github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
	nsteps "github.com/xfer-conform/xfer-conform/steps/netsapiens"
	"github.com/xfer-conform/xfer-conform/steps/target"
	"github.com/xfer-conform/xfer-conform/steps/target/embedded"
)

// Rule: two scenarios on one pbxsim, each in its own tenant set, doing the
// same NetSapiens attended transfer at the same time, see none of each
// other's calls, events, journal entries, webhook subscriptions or fault
// rules. Source: issue 12, "Done when" (no scenario can see another's).
func TestTenantSetsDoingTheSameTransferAreIsolated(t *testing.T) {
	sc := scenario.Default()
	nssim.SectionOf(sc).Domains[0].Users[1].Answer = scenario.Answer{Mode: "answer"} // the consult picks up
	srv, err := pbxsim.New(pbxsim.Config{Scenario: sc})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	type side struct {
		target target.Target
		facts  *nsteps.Facts
		ctl    *control.Client
		ns     *netsapiens.Client
		posts  chan string // bodies of webhook posts to this side's receiver
	}
	var sides [2]*side
	for i := range sides {
		tg, err := target.URL(hs.URL, "", embedded.Own)(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = tg.Close() })
		f := tg.Facts().Of("netsapiens").(*nsteps.Facts)
		ns, err := netsapiens.New(netsapiens.Config{BaseURL: hs.URL, Domain: f.Domain, Auth: netsapiens.APIKey(f.DomainKey)})
		if err != nil {
			t.Fatal(err)
		}
		s := &side{target: tg, facts: f, ctl: tg.Control(), ns: ns, posts: make(chan string, 256)}
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			select {
			case s.posts <- string(b):
			default:
			}
		}))
		t.Cleanup(hook.Close)
		if _, err := ns.Subscribe(ctx, netsapiens.SubscriptionRequest{Model: "call", PostURL: hook.URL, Domain: f.Domain}); err != nil {
			t.Fatalf("side %d: subscribing: %v", i, err)
		}
		sides[i] = s
	}
	a, b := sides[0], sides[1]
	if a.facts.Domain == b.facts.Domain || a.facts.InboundNumber == b.facts.InboundNumber {
		t.Fatalf("the two scenarios share a tenant: %s/%s", a.facts.Domain, b.facts.Domain)
	}
	// A fault rule of scenario a: the first domain-calls read fails.
	rule, err := a.ctl.AddFault(ctx, json.RawMessage(`{"match":{"dialect":"netsapiens","operation":"list-domain-calls"},"action":{"status":503},"times":"once"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rule.Raw), a.facts.Domain) {
		t.Fatalf("the rule was not scoped to scenario a's domain: %s", rule.Raw)
	}
	if _, err := b.ns.Calls(ctx); err != nil { // b's read is not touched by a's rule
		t.Fatalf("scenario b's read: %v", err)
	}

	// The same transfer in both at once.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, s := range sides {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = func() error {
				if _, err := s.ctl.CreateCall(ctx, s.facts.OutsideCaller, s.facts.InboundNumber); err != nil {
					return err
				}
				calls, err := s.ctl.Calls(ctx)
				if err != nil {
					return err
				}
				for _, c := range calls {
					for _, l := range c.Legs {
						if l.Endpoint.UserID == s.facts.Operator.ID && l.State == "proceeding" {
							if err := s.ctl.Answer(ctx, c.ID, l.ID); err != nil {
								return err
							}
						}
					}
				}
				_, err = s.ns.AttendedTransfer(ctx, s.facts.Operator.ID, s.facts.Consult.ID)
				return err
			}()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("scenario %d's transfer: %v", i, err)
		}
	}

	for i, s := range sides {
		other := sides[1-i]
		calls, err := s.ctl.Calls(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mine := map[string]bool{}
		for _, c := range calls {
			mine[c.ID] = true
			for _, l := range c.Legs {
				if l.Endpoint.TenantID == other.facts.Domain {
					t.Errorf("scenario %d sees call %s of the other scenario's domain", i, c.ID)
				}
			}
		}
		if len(calls) < 2 {
			t.Errorf("scenario %d sees %d calls, want its original and consult calls", i, len(calls))
		}
		events, err := s.ctl.Events(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if !mine[e.CallID] {
				t.Errorf("scenario %d sees event %d of call %s, not one of its calls", i, e.Seq, e.CallID)
			}
		}
		journal, err := s.ctl.Journal(ctx, control.JournalFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(journal) == 0 {
			t.Errorf("scenario %d's journal is empty", i)
		}
		for _, e := range journal {
			if e.Tenant != s.facts.Domain {
				t.Errorf("scenario %d's journal holds %s %s of tenant %q", i, e.Method, e.Path, e.Tenant)
			}
		}
		subs, err := s.ns.Subscriptions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(subs) != 1 {
			t.Errorf("scenario %d lists %d subscriptions, want its own 1: %+v", i, len(subs), subs)
		}
		log, err := s.ctl.FaultLog(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]int{0: 1, 1: 0}[i]
		if len(log) != want {
			t.Errorf("scenario %d's fault log has %d outcomes, want %d: %+v", i, len(log), want, log)
		}
	}
	// Each webhook receiver heard only its own domain's calls.
	for i, s := range sides {
		n := 0
		var first []string
		select { // deliveries are asynchronous: await the first one
		case p := <-s.posts:
			first = append(first, p)
		case <-ctx.Done():
		}
		for _, p := range first {
			n++
			if strings.Contains(p, sides[1-i].facts.Domain) {
				t.Errorf("scenario %d's webhook received the other domain's call: %.200s", i, p)
			}
		}
	drain:
		for {
			select {
			case p := <-s.posts:
				n++
				if strings.Contains(p, sides[1-i].facts.Domain) {
					t.Errorf("scenario %d's webhook received the other domain's call: %.200s", i, p)
				}
			default:
				break drain
			}
		}
		if n == 0 {
			t.Errorf("scenario %d's webhook received nothing", i)
		}
	}
}
