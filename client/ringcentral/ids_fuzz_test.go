package ringcentral

import (
	"bytes"
	"errors"
	"testing"
)

// Fuzz targets for what the reference client parses: telephony IDs (it
// refuses to send a swapped or malformed one), WebSocket frames and error
// bodies from the server. Seeds live in testdata/fuzz/<FuzzName>; the CI
// runs each briefly (.ci/run). Rule (issue 7): no input panics.

// FuzzCheckIDs: the checks agree with the parsers: a session ID passes
// CheckSessionID exactly when SessionCore accepts it, a party passes
// CheckPartyID only if PartyCore accepts it and its core matches the
// session's, and every refusal is an *IDError matching ErrBadID; and
// SessionCore and PartyCore answer as the format's expressions do.
func FuzzCheckIDs(f *testing.F) {
	f.Fuzz(func(t *testing.T, session, party string) {
		checkCoresMatchPatterns(t, session)
		checkCoresMatchPatterns(t, party)
		_, isSession := SessionCore(session)
		if err := CheckSessionID("telephonySessionId", session); (err == nil) != isSession {
			t.Fatalf("CheckSessionID(%q) = %v, SessionCore ok = %v", session, err, isSession)
		} else if err != nil && !errors.Is(err, ErrBadID) {
			t.Fatalf("CheckSessionID(%q) = %v, not an ErrBadID", session, err)
		}
		err := CheckPartyID("partyId", session, party)
		pc, isParty := PartyCore(party)
		if err == nil {
			if !isParty {
				t.Fatalf("CheckPartyID accepted %q, which is no party ID", party)
			}
			if sc, ok := SessionCore(session); ok && sc != pc {
				t.Fatalf("CheckPartyID accepted party %q of another session than %q", party, session)
			}
		} else if !errors.Is(err, ErrBadID) {
			t.Fatalf("CheckPartyID(%q, %q) = %v, not an ErrBadID", session, party, err)
		}
	})
}

// FuzzParseFrame: any WebSocket message parses or is an error; a frame
// that is not multipart has a type and keeps the message as it came.
func FuzzParseFrame(f *testing.F) {
	f.Fuzz(func(t *testing.T, msg []byte) {
		fr, err := parseFrame(msg)
		if err != nil || bytes.Contains(msg, []byte(",--Boundary")) {
			return
		}
		if fr.meta.Type == "" || !bytes.Equal(fr.raw, msg) {
			t.Fatalf("%q parsed into %+v", msg, fr)
		}
	})
}

// FuzzDecodeAPIError: any error body becomes an *APIError keeping the
// status, whatever its shape (RingCentral's, OAuth's, a proxy's HTML).
func FuzzDecodeAPIError(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := decodeAPIError("GET", "/restapi/v1.0/account/~", status, body)
		if e == nil || e.Status != status || len(e.Body) > maxErrorBody {
			t.Fatalf("status %d body %q: %+v", status, body, e)
		}
	})
}
