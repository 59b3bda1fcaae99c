package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	rcclient "github.com/xfer-conform/xfer-conform/client/ringcentral"
)

// The reference client's flow stays available (--rc-driver client) and
// completes transfers with zero errors, like the lean default (issue 16
// item 3: the lean driver issues the same vendor requests).
func TestClientDriverStillRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("load run skipped in -short mode")
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--duration", "2s", "--workers", "1", "--only", "ringcentral", "--rc-driver", "client"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("pbxload exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"RingCentral driver: client", "ringcentral warm transfer:", "- errors: 0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func party(id, ext, code string) rcclient.Party {
	return rcclient.Party{ID: id, ExtensionID: ext, Status: rcclient.Status{Code: code}}
}

// The lean driver counts a transfer only when the customer's session,
// read after the bridge, holds the customer and the consult Answered and
// no live party of the operator (issue 16 item 3: "0 errors" must mean
// the transfers happened). Source: reference/ringcentral.md, warm
// transfer: the bridged parties move into the customer's session.
func TestCheckBridged(t *testing.T) {
	const op, cons = "600000101", "600000102"
	for _, tc := range []struct {
		name    string
		parties []rcclient.Party
		ok      bool
	}{
		{"bridged", []rcclient.Party{party("p-1", "600000100", "Answered"), party("p-2", op, "Gone"), party("p-3", cons, "Answered")}, true},
		{"operator still on hold", []rcclient.Party{party("p-1", "600000100", "Answered"), party("p-2", op, "Hold"), party("p-3", cons, "Answered")}, false},
		{"consult never arrived", []rcclient.Party{party("p-1", "600000100", "Answered"), party("p-2", op, "Gone")}, false},
		{"customer gone", []rcclient.Party{party("p-1", "600000100", "Disconnected"), party("p-2", op, "Gone"), party("p-3", cons, "Answered")}, false},
	} {
		err := checkBridged(&rcclient.Session{ID: "s-1", Parties: tc.parties}, op, cons)
		if (err == nil) != tc.ok {
			t.Errorf("%s: checkBridged = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
