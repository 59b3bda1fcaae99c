package ringcentral

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Rule: an account added at runtime logs in with its own client and JWT
// and subscribes over WebSocket; removing it closes its socket, drops its
// subscription and tokens, and leaves the other accounts alone.
// Source: issue 12 item 1 (delete ends sockets, subscriptions, tokens).
func TestAccountsAddedAndRemovedAtRuntime(t *testing.T) {
	w := newWorld(t, nil, Options{})
	set, err := scenario.Fresh(scenario.Default().TenantTemplate())
	if err != nil {
		t.Fatal(err)
	}
	only := &scenario.Scenario{Outside: set.Outside} // this dialect's section alone
	only.SetSection(Name, SectionOf(set))
	set = only
	if err := set.Apply(w.sim); err != nil {
		t.Fatal(err)
	}
	if err := w.d.AddAccounts(SectionOf(set)); err != nil {
		t.Fatal(err)
	}
	if err := w.d.AddAccounts(SectionOf(set)); err == nil {
		t.Fatal("adding the same account twice was accepted")
	}
	c := SectionOf(set).Clients[0]
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+"/restapi/oauth/token", strings.NewReader(url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {SectionOf(set).Accounts[0].Extensions[1].JWT}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.ID, c.Secret)
	r := w.send(req)
	expect(t, "login of the added account", r, 200)
	tok := r.json.Get("access_token").String()
	s := w.dial(tok, "")
	s.subscribe("/restapi/v1.0/subscription", "/restapi/v1.0/account/~/telephony/sessions")
	old := w.login("jwt-102")

	w.d.RemoveAccounts(SectionOf(set))
	closed := false
	deadline := time.After(await)
	for !closed {
		select {
		case _, ok := <-s.frames:
			closed = !ok
		case <-deadline:
			t.Fatal("the removed account's socket is still open")
		}
	}
	w.d.subs.mu.Lock()
	for _, sub := range w.d.subs.byID {
		if sub.Owner.AccountID == SectionOf(set).Accounts[0].ID {
			t.Errorf("subscription %s of the removed account is still registered", sub.ID)
		}
	}
	w.d.subs.mu.Unlock()
	expect(t, "the removed account's token", w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~", tok, nil), 401)
	expect(t, "the scenario account's token", w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~", old, nil), 200)
}
