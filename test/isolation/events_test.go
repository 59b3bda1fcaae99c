package isolation

import (
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/test/world"
)

// Rule (issue 7): a tenant's subscriptions get its own events only. A's
// calls change first, then B's; once B's webhook has B's change, nothing
// of A may be among what it got (each receiver's posts are in order, and
// the dialects fan out in event order).
// Source: the issue text; reference/ringcentral.md §4.1 (SUB-406),
// reference/netsapiens.md (domain-scoped subscriptions).
func TestEventsStayInTheirTenant(t *testing.T) {
	w := world.New(t)
	control := func(path string) {
		w.Must(200, world.Request{Method: "POST", Path: path, Token: world.ControlToken})
	}
	// A's operators hold their customers, then B's do.
	control("/sim/v1/calls/" + w.RC["A"].CallID + "/legs/2/hold")
	control("/sim/v1/calls/" + w.NS["A"].CallID + "/legs/2/hold")
	control("/sim/v1/calls/" + w.RC["B"].CallID + "/legs/2/hold")
	control("/sim/v1/calls/" + w.NS["B"].CallID + "/legs/2/hold")

	for _, pair := range []struct {
		vendor     string
		own, other *world.Receiver
		ownID      string
		foreign    []string
	}{
		{"RingCentral A", w.RC["A"].Hook, w.RC["B"].Hook, w.RC["A"].Session, []string{w.RC["B"].Session, w.RC["B"].Account}},
		{"RingCentral B", w.RC["B"].Hook, w.RC["A"].Hook, w.RC["B"].Session, []string{w.RC["A"].Session, w.RC["A"].Account}},
		{"NetSapiens TEST", w.NS["A"].Hook, w.NS["B"].Hook, w.NS["A"].Session, []string{w.NS["B"].Session, w.NS["B"].TermCall, `"OTHER"`}},
		{"NetSapiens OTHER", w.NS["B"].Hook, w.NS["A"].Hook, w.NS["B"].Session, []string{w.NS["A"].Session, w.NS["A"].TermCall, `"TEST"`}},
	} {
		pair.own.AwaitPost(t, pair.vendor+"'s hold", func(p string) bool { return strings.Contains(p, pair.ownID) })
		for _, p := range pair.own.Posts() {
			for _, f := range pair.foreign {
				if strings.Contains(p, f) {
					t.Errorf("%s's webhook got another tenant's event (%s): %s", pair.vendor, f, p)
				}
			}
		}
	}
}
