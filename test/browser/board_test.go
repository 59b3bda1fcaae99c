package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/pbxsim"
)

// The built-in scenario's RingCentral account and its people
// (simulator/scenario/default.yaml).
const (
	rcAccount  = "684349005"
	customerID = "684349005" // Craig Chan, ext 101
	operatorID = "684351005" // Agent J, ext 102
	consultID  = "684352005" // Agent K, ext 103
)

func startPBX(t *testing.T) *pbxsim.Server {
	t.Helper()
	srv, err := pbxsim.New(pbxsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return srv
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func call(t *testing.T, sim *simulator.Sim, tenant, from, to string) simulator.Call {
	t.Helper()
	f, err := sim.Resolve(from, tenant)
	must(t, err)
	tt, err := sim.Resolve(to, tenant)
	must(t, err)
	c, err := sim.Originate(simulator.OriginateRequest{From: f, To: tt})
	must(t, err)
	return c
}

// warmTransfer plays RingCentral's warm transfer: the customer calls the
// operator, who answers at the phone, holds them through Call Control,
// calls the consult (who answers at the phone) and bridges the two calls
// through Call Control. It returns the customer's call and the consult
// call.
func warmTransfer(t *testing.T, srv *pbxsim.Server) (simulator.Call, simulator.Call) {
	t.Helper()
	sim := srv.Sim
	op := signIn(t, srv.URL(), "jwt-102")
	a := call(t, sim, rcAccount, "101", "102")
	opInA := a.Legs[1]
	must(t, sim.Answer(opInA.ID))
	session, party := a.Attrs["ringcentral.telephonySessionId"], opInA.Attrs["ringcentral.partyId"]
	op.post(t, "/restapi/v1.0/account/~/telephony/sessions/"+session+"/parties/"+party+"/hold", "{}")
	b := call(t, sim, rcAccount, "102", "103")
	must(t, sim.Answer(b.Legs[1].ID))
	opInB := b.Legs[0]
	op.post(t, "/restapi/v1.0/account/~/telephony/sessions/"+session+"/parties/"+party+"/bridge",
		fmt.Sprintf(`{"telephonySessionId":%q,"partyId":%q}`, b.Attrs["ringcentral.telephonySessionId"], opInB.Attrs["ringcentral.partyId"]))
	return a, b
}

// rcUser is a signed-in RingCentral user of the built-in scenario.
type rcUser struct {
	base, token string
}

func signIn(t *testing.T, base, jwt string) rcUser {
	t.Helper()
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {jwt}}
	req, _ := http.NewRequest(http.MethodPost, base+"/restapi/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("pbxsim-client", "pbxsim-secret")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	do(t, req, &tok)
	return rcUser{base: base, token: tok.AccessToken}
}

func (u rcUser) post(t *testing.T, path, body string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+u.token)
	do(t, req, nil)
}

func do(t *testing.T, req *http.Request, into any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, b)
	}
	if into != nil {
		must(t, json.Unmarshal(b, into))
	}
}

// legsOf is a JavaScript expression: the states of a user's legs on the
// board's card of a call.
func legsOf(callID, userID string) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll('article.call[data-call-id=%q] tr.leg[data-user=%q]')).map(r => r.dataset.state)`, callID, userID)
}

// Rule: after a warm transfer the board shows, without a reload, the
// customer talking to the consult and the operator gone, with where the
// operator's legs went; it filters by tenant.
// Source: issue 14 items 1 and 3; reference/ringcentral.md (bridge: the
// operator's two parties end Gone / AttendedTransfer).
func TestBoardShowsTheWarmTransfer(t *testing.T) {
	srv := startPBX(t)
	ctx := browser(t, 1440, 900)
	must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL()+"/sim/")))
	await(t, ctx, "the first snapshot", `window.pbxsimBoard && pbxsimBoard.snapshots >= 1`)
	await(t, ctx, "the tenants and their devices", `document.querySelectorAll('#tenants .tenant').length >= 2 && document.querySelector('#tenants .devices') !== null`)

	a, b := warmTransfer(t, srv)
	await(t, ctx, "the customer talking to the consult, the operator gone", fmt.Sprintf(`
		(() => {
			const has = (xs, s) => xs.length > 0 && xs.includes(s);
			const op = %s;
			const card = document.querySelector('article.call[data-call-id=%q]');
			return has(%s, "answered") && has(%s, "answered") && op.length > 0 && op.every(s => s === "gone")
				&& card.querySelector('.talk').textContent === "Craig Chan ⇄ Agent K talking";
		})()`, legsOf(a.ID, operatorID), a.ID, legsOf(a.ID, customerID), legsOf(a.ID, consultID)))
	went := eval[string](t, ctx, fmt.Sprintf(`document.querySelector('article.call[data-call-id=%q] tr.leg[data-user=%q] td.went').textContent`, a.ID, operatorID))
	if want := fmt.Sprintf("→ %s/%s (Agent J)", b.ID, b.Legs[0].ID); went != want {
		t.Errorf("the operator's leg in the customer's call went to %q on the board, want %q", went, want)
	}
	await(t, ctx, "the consult call over: the operator's leg gone, the consult's moved", legsOf(b.ID, operatorID)+`.join() === "gone" && `+legsOf(b.ID, consultID)+`.join() === "gone"`)
	await(t, ctx, "the events and the vendor requests in the feed", `document.querySelectorAll('#feed-items li.event').length >= 8 && Array.from(document.querySelectorAll('#feed-items li.request code')).some(c => c.textContent.endsWith("/bridge"))`)

	// A NetSapiens call rings meanwhile, for the picture and the filter.
	call(t, srv.Sim, "TEST", "+15555555555", "+11111111111")
	await(t, ctx, "the NetSapiens call", `document.querySelectorAll('article.call').length === 3`)
	screenshot(t, ctx, "board.png")

	// Filter by tenant: the NetSapiens domain sees only its own call.
	chooseTenant(t, ctx, "TEST")
	await(t, ctx, "only the NetSapiens tenant", `pbxsimBoard.snapshots >= 2 && document.querySelectorAll('article.call').length === 1 && document.querySelectorAll('#tenants .tenant').length === 1 && location.search === "?tenant=TEST"`)

	measureBoardLatency(t, ctx, srv.Sim, a)
}

// measureBoardLatency reports how long the board takes to show a change:
// from the core applying it (Go's clock) to the page applying the stream's
// event (the browser's Date.now(), the same machine's clock), to the
// millisecond. Issue 14 "done when": goal within 100 ms; reported, not
// asserted (DESIGN: no timed assertions).
func measureBoardLatency(t *testing.T, ctx context.Context, sim *simulator.Sim, a simulator.Call) {
	chooseTenant(t, ctx, "")
	await(t, ctx, "every tenant again", `pbxsimBoard.snapshots >= 3 && document.querySelectorAll('article.call').length === 3`)
	customerLeg := a.Legs[0].ID
	var lat []time.Duration
	for i := 0; i < 20; i++ {
		op, state := sim.Hold, "held"
		if i%2 == 1 {
			op, state = sim.Unhold, "answered"
		}
		start := time.Now()
		must(t, op(customerLeg))
		seq := sim.LastEventSeq()
		await(t, ctx, "the customer "+state, fmt.Sprintf(`pbxsimBoard.appliedAt[%d] !== undefined && document.querySelector('tr.leg[data-leg-id=%q]').dataset.state === %q`, seq, customerLeg, state))
		at := eval[int64](t, ctx, fmt.Sprintf(`pbxsimBoard.appliedAt[%d]`, seq))
		lat = append(lat, time.UnixMilli(at).Sub(start.Truncate(time.Millisecond)))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("board update after a change (%d hold/unhold): median %v, p90 %v, max %v (goal: within 100ms)", len(lat), lat[len(lat)/2], lat[len(lat)*9/10], lat[len(lat)-1])
}

// chooseTenant picks a tenant in the board's filter, as a person would.
func chooseTenant(t *testing.T, ctx context.Context, tenant string) {
	t.Helper()
	eval[bool](t, ctx, fmt.Sprintf(`(() => { const s = document.getElementById('tenant'); s.value = %q; return s.dispatchEvent(new Event('change')); })()`, tenant))
}
