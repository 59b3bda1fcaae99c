package netsapiens

import (
	"strings"
)

// Call-ids a client chooses (make call's call-id) become the orig leg's
// call-id, which every later call action carries as a path segment. A
// call-id that cannot travel in one path segment could never be addressed
// again (a "/" splits it, "." and ".." are dot segments, "%" and "?" are
// read as escapes and the query), and a huge one is kept in every call
// object and event post (issue 10 item 13).
//
// Real call-ids are SIP Call-IDs, RFC 3261 `word ["@" word]`:
// "0_1063160652@192.168.168.127" from a phone, "<20 digits>-<32 hex>" from
// the switch, "my-random-unique-callid" or 16 random bytes in hex from a
// click-to-call client (reference/netsapiens.md §2.3, §2.5). pbxsim keeps
// the word characters that are also unreserved or sub-delimiters in a URL
// path: letters, digits and - . _ ~ ! * + ' ( ) :, plus [ ] for an IPv6
// host, with at most one @ between two non-empty parts. The vendor documents neither a length nor
// a character set; both bounds are inferred (docs/limits-netsapiens.md).

// maxCallIDLength bounds a client's call-id, in bytes (inferred).
const maxCallIDLength = 128

const callIDRule = "a call-id holds 1 to 128 letters, digits and - . _ ~ ! * + ' ( ) : [ ], with at most one @ between two parts"

// checkCallID refuses a call-id that could not be addressed again.
func checkCallID(id string) *apiError {
	if len(id) == 0 || len(id) > maxCallIDLength {
		return refuse(errInvalidRequest, "call-id has %d bytes: %s", len(id), callIDRule)
	}
	if id == "." || id == ".." {
		return refuse(errInvalidRequest, "call-id %q is a path dot segment: %s", id, callIDRule)
	}
	local, host, hasHost := strings.Cut(id, "@")
	if hasHost && (local == "" || host == "" || strings.Contains(host, "@")) {
		return refuse(errInvalidRequest, "call-id %q: %s", id, callIDRule)
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !callIDByte(c) && c != '@' {
			return refuse(errInvalidRequest, "call-id has %q at byte %d: %s", id[i:i+1], i, callIDRule)
		}
	}
	return nil
}

func callIDByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!*+'():[]", c) >= 0
}
