package ringcentral

import "strings"

// RingCentral has two ID forms: the classic s-<32 hex> (p-<32 hex>-<n>)
// of the 2020 captures and the seed, which pbxsim issues, and the newer
// form whose hex runs are separated by "z" (s-a4a0d82257c9fz1803a3e5601z…,
// CCJS mocks; reference §1.4). An ID in the newer form is well formed: it
// just is not a session pbxsim made, so a 404 for it must not claim the
// 32-hex format (issue 13 item 6).

// zSeparated reports whether hex is a run of hex digits split by "z".
func zSeparated(hex string) bool {
	if !strings.Contains(hex, "z") {
		return false
	}
	for _, run := range strings.Split(hex, "z") {
		if run == "" {
			return false
		}
		for _, c := range run {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// malformedSessionDetail explains a 404 for a session ID pbxsim cannot parse.
func malformedSessionDetail(sid string) string {
	if h, ok := strings.CutPrefix(sid, "s-"); ok && zSeparated(h) {
		return "no telephony session " + sid
	}
	return "a telephony session ID looks like s-<32 hex digits>"
}

// malformedPartyDetail explains a 404 for a party ID pbxsim cannot parse.
func malformedPartyDetail(pid string) string {
	if rest, ok := strings.CutPrefix(pid, "p-"); ok {
		if i := strings.LastIndexByte(rest, '-'); i > 0 && zSeparated(rest[:i]) {
			return "no party " + pid
		}
	}
	return "a party ID looks like p-<32 hex digits>-<n>"
}
