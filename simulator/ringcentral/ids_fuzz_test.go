package ringcentral

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/mux"
	"github.com/tidwall/gjson"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Fuzz targets for what this dialect parses from clients: telephony IDs,
// request bodies, event filters and WebSocket recovery tokens. Seeds live
// in testdata/fuzz/<FuzzName>; `go test -fuzz=^FuzzX$ -fuzztime=10s` runs
// one (the CI does, .ci/run). Rule (issue 7): no input panics, and every
// refusal is a 4xx in the vendor's shape.

// FuzzTelephonyIDs: a value is never both a session and a party ID, a
// session's hex is 32 digits, and a party ID rebuilt from what was parsed
// parses back the same (reference/ringcentral.md §1.4 ID formats).
func FuzzTelephonyIDs(f *testing.F) {
	f.Fuzz(func(t *testing.T, id string) {
		sh, isSession := sessionHex(id)
		ph, n, isParty := partyHex(id)
		if isSession && isParty {
			t.Fatalf("%q parses as a session and as a party", id)
		}
		if isSession && (len(sh) != hexLen || !isHex(sh)) {
			t.Fatalf("session %q has hex %q", id, sh)
		}
		if isParty {
			if n < 1 || !isHex(ph) {
				t.Fatalf("party %q: hex %q, index %d", id, ph, n)
			}
			h2, n2, ok := partyHex(partyID("s-"+ph, n))
			if !ok || h2 != ph || n2 != n {
				t.Fatalf("party %q does not round-trip: %q %d %v", id, h2, n2, ok)
			}
		}
	})
}

// FuzzDecodeJSON: any body with any content type decodes or is refused
// with a 4xx apiError (CMN-103, CMN-104, CMN-415), never a panic.
func FuzzDecodeJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/restapi/v1.0/subscription", strings.NewReader(string(body)))
		r.Header.Set("Content-Type", contentType)
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, maxBody)
		var req subscriptionRequest
		_, err := decodeJSON(r, &req)
		if err == nil {
			return
		}
		var ae *apiError
		if !errors.As(err, &ae) || ae.Status < 400 || ae.Status > 499 || ae.Code == "" {
			t.Fatalf("body %q (%s): %#v, want a 4xx apiError", body, contentType, err)
		}
	})
}

// FuzzEventFilter: a subscription's event filter is read, ignored as an
// event type pbxsim does not produce, or refused with a 4xx (SUB-508,
// SUB-406); another account is never accepted (tenant isolation).
func FuzzEventFilter(f *testing.F) {
	dir, err := newDirectory(SectionOf(scenario.Default()))
	if err != nil {
		f.Fatal(err)
	}
	d := &Dialect{}
	d.dirp.Store(dir)
	owner := grantInfo{AccountID: "684349005", ExtensionID: "684351005"}
	f.Fuzz(func(t *testing.T, filter string) {
		ef, ok, err := d.parseFilter(owner, filter)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.Status < 400 || ae.Status > 499 {
				t.Fatalf("filter %q: %#v, want a 4xx apiError", filter, err)
			}
			return
		}
		if ok && ef.AccountID != owner.AccountID {
			t.Fatalf("filter %q was accepted for account %q", filter, ef.AccountID)
		}
	})
}

// FuzzWSCToken: a recovery token from a client parses or not, and what
// parses is rebuilt into a token that parses back the same.
func FuzzWSCToken(f *testing.F) {
	f.Fuzz(func(t *testing.T, tok string) {
		id, seq, ok := parseWSC(tok)
		if !ok {
			return
		}
		id2, seq2, ok2 := parseWSC(wscToken(id, seq))
		if !ok2 || id2 != id || seq2 != seq {
			t.Fatalf("wsc %q -> (%q, %d) does not round-trip: (%q, %d, %v)", tok, id, seq, id2, seq2, ok2)
		}
	})
}

// FuzzTokenRequest: POST /restapi/oauth/token with any form, content type
// and client credentials answers 200 with a token, or a 4xx in the OAuth
// shape (error, error_description, errors[]); a token is only ever issued
// to an app that presented its id (reference/ringcentral.md §4.6).
func FuzzTokenRequest(f *testing.F) {
	sc := scenario.Default()
	sim := simulator.New(simulator.Options{Clock: simulator.NewManualClock(sc.StartAt()), Seed: sc.Seed})
	if err := sc.Apply(sim); err != nil {
		f.Fatal(err)
	}
	d, err := New(sim, sc, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(d.Close)
	r := mux.NewRouter()
	d.Mount(r)
	f.Fuzz(func(t *testing.T, contentType, form, basic string) {
		req := httptest.NewRequest(http.MethodPost, "/restapi/oauth/token", strings.NewReader(form))
		req.Header.Set("Content-Type", contentType)
		if basic != "" {
			req.Header.Set("Authorization", "Basic "+basic)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		body := gjson.Parse(w.Body.String())
		switch {
		case w.Code == http.StatusOK:
			if body.Get("access_token").String() == "" || !strings.Contains(form+basic, "client_id") && basic == "" {
				t.Fatalf("200 without a client: form %q basic %q: %s", form, basic, w.Body.String())
			}
		case w.Code < 400 || w.Code > 499 || body.Get("error").String() == "" || body.Get("errors.0.errorCode").String() == "":
			t.Fatalf("form %q (%s, basic %q): %d %s, want a 4xx OAuth error", form, contentType, basic, w.Code, w.Body.String())
		}
	})
}
