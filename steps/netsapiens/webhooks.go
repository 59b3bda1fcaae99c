package netsapiens

import (
	"context"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/xfer-conform/xfer-conform/client/netsapiens"
	"github.com/xfer-conform/xfer-conform/steps"
	"github.com/xfer-conform/xfer-conform/steps/judge"
	"github.com/xfer-conform/xfer-conform/steps/target"
)

// subscribe starts a webhook receiver the steps run and subscribes it to
// the domain's events of the given model (reference §6.1).
func (n *NSWorld) subscribe(model string) error {
	n.hook = netsapiens.NewWebhookReceiver()
	n.hookSrv = httptest.NewServer(n.hook)
	sub, err := n.Observer.Subscribe(n.w.Context(), netsapiens.SubscriptionRequest{
		Model: model, PostURL: n.hookSrv.URL + "/ns-events", Domain: n.facts.Domain,
	})
	if err != nil {
		n.hookSrv.Close()
		return fmt.Errorf("creating the %q subscription: %w", model, err)
	}
	n.sub = sub
	n.w.Trace.Addf("netsapiens: subscription %s (model %s) posts to %s, status %s", sub.ID, sub.Model, sub.PostURL, sub.Status)
	if !strings.EqualFold(string(sub.Status), "pending") {
		return fmt.Errorf("a new subscription should read status pending until its first post, reads %q", sub.Status)
	}
	w := n.w
	w.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = n.Observer.Unsubscribe(ctx, string(sub.ID))
		n.hookSrv.Close()
	})
	return nil
}

func (n *NSWorld) needHook() error {
	if n.hook == nil {
		return fmt.Errorf("no event subscription was made in this scenario")
	}
	return nil
}

func (n *NSWorld) sessionOf(which string) string {
	if which == "original" {
		return string(n.Transfer.Original.SessionID)
	}
	return string(n.Transfer.ConsultCall.SessionID)
}

func postsOf(events []netsapiens.CallEvent, session string) []netsapiens.CallEvent {
	var out []netsapiens.CallEvent
	for _, e := range events {
		if string(e.SessionID) == session {
			out = append(out, e)
		}
	}
	return out
}

// postedEveryChange waits for the call's final post (remove "yes"), then
// checks nothing was posted after it and, on pbxsim, that there was one
// post per change pbxsim recorded for that call.
func (n *NSWorld) postedEveryChange(which string) error {
	if err := n.needHook(); err != nil {
		return err
	}
	session := n.sessionOf(which)
	if session == "" {
		return fmt.Errorf("the %s call was never read, so its session is unknown", which)
	}
	ctx, cancel := context.WithTimeout(n.w.Context(), n.w.Timeout)
	defer cancel()
	err := n.hook.Await(ctx, fmt.Sprintf("a post with remove \"yes\" for the %s call (session %s)", which, session), func(ev []netsapiens.CallEvent) bool {
		for _, e := range postsOf(ev, session) {
			if e.Removed() {
				return true
			}
		}
		return false
	})
	if err != nil {
		return err
	}
	posts := postsOf(n.hook.Events(), session)
	for i, e := range posts {
		if e.Removed() != (i == len(posts)-1) {
			return fmt.Errorf("remove \"yes\" must be the %s call's last post and only there; posts: %s", which, describePosts(posts))
		}
	}
	if n.w.Ctl == nil {
		return nil
	}
	changes, err := n.coreChanges(session)
	if err != nil {
		return err
	}
	// One post per visible change (issue 13 item 9): never more posts than
	// changes, and never the same call twice in a row.
	if len(posts) > len(changes) {
		return fmt.Errorf("expected at most one post per change of the %s call: pbxsim recorded %d changes\n    %s\nbut the receiver got %d posts\n    %s",
			which, len(changes), strings.Join(changes, "\n    "), len(posts), describePosts(posts))
	}
	for i := 1; i < len(posts); i++ {
		if reflect.DeepEqual(posts[i].Raw, posts[i-1].Raw) {
			return fmt.Errorf("posts #%d and #%d of the %s call are identical: a post must show a visible change\n    %s", i, i+1, which, describePosts(posts))
		}
	}
	return nil
}

// coreChanges lists pbxsim's recorded changes of the call with the session.
func (n *NSWorld) coreChanges(session string) ([]string, error) {
	ctx := n.w.Context()
	calls, err := n.w.Ctl.Calls(ctx)
	if err != nil {
		return nil, err
	}
	callID := ""
	for _, c := range calls {
		if Session(c) == session {
			callID = c.ID
		}
	}
	if callID == "" {
		return nil, fmt.Errorf("pbxsim lists no call with session %s (calls: %+v)", session, calls)
	}
	events, err := n.w.Ctl.Events(ctx, 0)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range events {
		if e.CallID == callID {
			out = append(out, fmt.Sprintf("#%d %s: %s %s %s", e.CallSeq, e.Cause, judge.LegName(e.Leg), e.Leg.State, e.Leg.Reason))
		}
	}
	return out, nil
}

func describePosts(posts []netsapiens.CallEvent) string {
	parts := make([]string, len(posts))
	for i, p := range posts {
		parts[i] = fmt.Sprintf("#%d %s", i+1, p)
	}
	return strings.Join(parts, "\n    ")
}

// postsInOrder checks the original call's posts contain the table's rows
// in order (other posts may come between). Each column is a field of the
// legacy call object; an empty cell matches anything.
func (n *NSWorld) postsInOrder(table *godog.Table) error {
	if err := n.needHook(); err != nil {
		return err
	}
	if len(table.Rows) < 2 {
		return fmt.Errorf("the table needs a header row and at least one row")
	}
	var cols []string
	for _, c := range table.Rows[0].Cells {
		cols = append(cols, c.Value)
	}
	posts := postsOf(n.hook.Events(), n.sessionOf("original"))
	next := 0
	for r, tr := range table.Rows[1:] {
		row := make([]string, len(tr.Cells))
		for i, c := range tr.Cells {
			row[i] = c.Value
		}
		found := false
		for ; next < len(posts); next++ {
			if postMatches(posts[next], cols, row) {
				found, next = true, next+1
				break
			}
		}
		if !found {
			return fmt.Errorf("row %d (%s) has no matching post after the previous row's; the original call's posts were:\n    %s",
				r+1, describeRow(cols, row), describePosts(posts))
		}
	}
	return nil
}

func postMatches(p netsapiens.CallEvent, cols, row []string) bool {
	for i, want := range row {
		if want == "" {
			continue
		}
		v, ok := p.Raw[cols[i]]
		if !ok || fmt.Sprint(v) != want {
			return false
		}
	}
	return true
}

func describeRow(cols, row []string) string {
	var parts []string
	for i, v := range row {
		if v != "" {
			parts = append(parts, cols[i]+"="+v)
		}
	}
	return strings.Join(parts, " ")
}

func (n *NSWorld) subscriptionStatus(status string) error {
	if err := n.needHook(); err != nil {
		return err
	}
	var got netsapiens.Subscription
	return n.w.Await(fmt.Sprintf("subscription %s status %q", n.sub.ID, status), func() (bool, string, error) {
		var err error
		got, err = n.Observer.SubscriptionByID(n.w.Context(), string(n.sub.ID))
		if err != nil {
			return false, "", err
		}
		return strings.EqualFold(string(got.Status), status), fmt.Sprintf("status=%s posts=%s errors=%s", got.Status, got.PostsCount, got.ErrorCount), nil
	})
}

// Notifications are the webhook posts the receiver got (steps.Notifier).
func (n *NSWorld) Notifications() []steps.NotificationLog {
	if n.hook == nil {
		return nil
	}
	l := steps.NotificationLog{Heading: "webhooks: NetSapiens call events posted to the receiver"}
	for _, e := range n.hook.Events() {
		l.Lines = append(l.Lines, target.Redact(fmt.Sprint(e)))
		what := "call " + string(e.OrigCallID)
		if e.Removed() {
			what += " removed"
		}
		l.Entries = append(l.Entries, steps.Notification{
			Transport: "webhook", To: "webhook receiver", Call: string(e.SessionID),
			Summary: target.Redact(strings.TrimSpace(fmt.Sprintf("%s %s→%s %s", what, e.OrigUser, e.TermUser, e.ByAction))),
		})
	}
	return []steps.NotificationLog{l}
}
