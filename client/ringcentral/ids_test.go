package ringcentral

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// Source: seeds/ringcentral-warm-transfer.md hint: "A telephony session ID
// starts with s- while a party ID starts with p- and ends with a - number.
// Look carefully to make sure you are not swapping your IDs."
// Source: reference/ringcentral.md §1.4 (ID formats: s-<32 hex>,
// p-<same hex>-<n>, and the 2022+ form with z separators).
func TestIDChecks(t *testing.T) {
	const (
		sA = "s-a39d666edaab42fdaa476135027819bc"
		pA = "p-a39d666edaab42fdaa476135027819bc-2"
		sB = "s-9d11ac1bba524888bffaaef0488557c3"
		pB = "p-9d11ac1bba524888bffaaef0488557c3-1"
		sZ = "s-a0dd888305b18z18c590772c3z13204cb0000"
		pZ = "p-a0dd888305b18z18c590772c3z13204cb0000-2"
	)
	cases := []struct {
		name    string
		leg     Leg
		wantErr string // field named in the *IDError, "" for none
	}{
		{"seed customer leg", Leg{sA, pA}, ""},
		{"seed consult leg", Leg{sB, pB}, ""},
		{"2022+ z-separated IDs", Leg{sZ, pZ}, ""},
		{"swapped session and party", Leg{pA, sA}, "s"},
		{"party of another session", Leg{sA, pB}, "p"},
		{"session ID in the party's place", Leg{sA, sB}, "p"},
		{"party without its number", Leg{sA, "p-a39d666edaab42fdaa476135027819bc"}, "p"},
		{"legacy base64 session", Leg{"Y3MxNzE4MzU2NzgxNTM2MTY1NDhAMTAuNjIuMS4zMA", "cs171835678153616548-1"}, "s"},
		{"empty", Leg{}, "s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckLeg("s", "p", tc.leg)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckLeg(%+v) = %v, want nil", tc.leg, err)
				}
				return
			}
			var ie *IDError
			if !errors.As(err, &ie) || !errors.Is(err, ErrBadID) {
				t.Fatalf("CheckLeg(%+v) = %v, want an *IDError matching ErrBadID", tc.leg, err)
			}
			if ie.Field != tc.wantErr {
				t.Fatalf("CheckLeg(%+v) blamed field %q, want %q (%v)", tc.leg, ie.Field, tc.wantErr, err)
			}
		})
	}
}

// Source: reference/ringcentral.md §2.4: the bridge path names session A
// and the operator's party in A; the body names session B and the
// operator's party in B. A swapped or mismatched ID must be refused
// locally: nothing reaches the wire.
func TestBridgeRefusesBadIDsBeforeSending(t *testing.T) {
	f := newFakePlatform(t)
	c := f.client(t, nil)
	if err := c.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	a := Leg{"s-a39d666edaab42fdaa476135027819bc", "p-a39d666edaab42fdaa476135027819bc-2"}
	b := Leg{"s-9d11ac1bba524888bffaaef0488557c3", "p-9d11ac1bba524888bffaaef0488557c3-1"}
	bad := map[string][2]Leg{
		"body swapped":          {a, {b.PartyID, b.SessionID}},
		"path swapped":          {{a.PartyID, a.SessionID}, b},
		"body party of A":       {a, {b.SessionID, a.PartyID}},
		"same session twice":    {a, a},
		"path party of another": {{a.SessionID, b.PartyID}, b},
	}
	for name, legs := range bad {
		_, err := c.Bridge(context.Background(), legs[0], legs[1])
		if !errors.Is(err, ErrBadID) {
			t.Errorf("%s: Bridge = %v, want an ErrBadID refusal", name, err)
		}
	}
	if got := f.seen(); len(got) != 0 {
		t.Fatalf("refused bridges still sent requests: %v", got)
	}
	// The good bridge goes out with the body of the guide.
	var gotBody string
	f.handle(http.MethodPost, "/restapi/v1.0/account/~/telephony/sessions/"+a.SessionID+"/parties/"+a.PartyID+"/bridge", func(w http.ResponseWriter, r *http.Request, body []byte) {
		gotBody = string(body)
		writeJSON(w, 200, map[string]any{"id": a.PartyID, "status": map[string]any{"code": "Gone", "reason": "AttendedTransfer",
			"peerId": map[string]string{"telephonySessionId": b.SessionID, "partyId": b.PartyID}}})
	})
	p, err := c.Bridge(context.Background(), a, b)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"telephonySessionId":"` + b.SessionID + `","partyId":"` + b.PartyID + `"}`; gotBody != want {
		t.Fatalf("bridge body = %s, want %s", gotBody, want)
	}
	if p.Status.Code != StatusGone || p.Status.PeerID == nil || p.Status.PeerID.PartyID != b.PartyID {
		t.Fatalf("bridge answer decoded as %+v", p)
	}
}

// The ID formats as regular expressions: the reference SessionCore and
// PartyCore match by hand.
var (
	sessionIDPattern = regexp.MustCompile(`^s-([0-9a-fz]{16,64})$`)
	partyIDPattern   = regexp.MustCompile(`^p-([0-9a-fz]{16,64})-([1-9][0-9]{0,5})$`)
)

// patternCore is what SessionCore or PartyCore answered when it matched
// with the expression.
func patternCore(re *regexp.Regexp, id string) (string, bool) {
	m := re.FindStringSubmatch(id)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// checkCoresMatchPatterns fails t when SessionCore or PartyCore answer id
// otherwise than the expressions of the ID formats.
func checkCoresMatchPatterns(t *testing.T, id string) {
	t.Helper()
	got, ok := SessionCore(id)
	want, wok := patternCore(sessionIDPattern, id)
	if got != want || ok != wok {
		t.Errorf("SessionCore(%q) = %q, %v; the expression says %q, %v", id, got, ok, want, wok)
	}
	got, ok = PartyCore(id)
	want, wok = patternCore(partyIDPattern, id)
	if got != want || ok != wok {
		t.Errorf("PartyCore(%q) = %q, %v; the expression says %q, %v", id, got, ok, want, wok)
	}
}

// Rule: the hand-written ID matchers accept exactly what the format's
// expressions accept, with the same core. Source: issue 16 (the same
// checks, cheaper), reference/ringcentral.md §1.4.
func TestIDCoresMatchTheFormatPatterns(t *testing.T) {
	hex16, hex64 := strings.Repeat("a", 16), strings.Repeat("0123456789abcdef", 4)
	for _, id := range []string{
		"", "s", "s-", "p-", "p", "x-" + hex16, "S-" + hex16,
		"s-" + hex16, "s-" + hex16[1:], "s-" + hex64, "s-" + hex64 + "a", "s-" + hex16 + "-1", "s-" + hex16 + "\n",
		"s-a0dd888305b18z18c590772c3z13204cb0000", "s-" + hex16 + "g", "s-" + hex16 + "A", "s-" + hex16 + "é",
		"p-" + hex16 + "-1", "p-" + hex16 + "-0", "p-" + hex16 + "-10", "p-" + hex16 + "-999999", "p-" + hex16 + "-1000000",
		"p-" + hex16 + "-", "p-" + hex16, "p-" + hex16 + "-1-2", "p-" + hex16 + "--1", "p-" + hex16[1:] + "-1",
		"p-" + hex64 + "-3", "p-" + hex64 + "a-3", "p-" + hex16 + "-1a", "p-" + hex16 + "-01", "p-" + hex16 + "-1\n",
		"p-a0dd888305b18z18c590772c3z13204cb0000-2", "p-" + hex16 + "x-1",
	} {
		checkCoresMatchPatterns(t, id)
	}
}
