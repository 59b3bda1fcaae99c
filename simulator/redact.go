package simulator

import "strings"

// StripURLUserinfo removes the userinfo ("user:password@") of every URL in
// s: a webhook address such as http://user:password@host/ must not show
// its password in the journal, which is served over HTTP and ends up in CI
// reports (issue 10 item 4). Text without "@" is returned as it is.
func StripURLUserinfo(s string) string {
	if !strings.Contains(s, "@") || !strings.Contains(s, "://") {
		return s
	}
	var b strings.Builder
	rest := s
	stripped := false
	for {
		i := strings.Index(rest, "://")
		if i < 0 {
			break
		}
		authority := rest[i+3:]
		end := strings.IndexAny(authority, "/?#\"'<>\\ \t\r\n")
		if end < 0 {
			end = len(authority)
		}
		at := strings.LastIndex(authority[:end], "@")
		b.WriteString(rest[:i+3])
		if at >= 0 {
			rest = authority[at+1:]
			stripped = true
		} else {
			rest = authority
		}
	}
	if !stripped {
		// URLs without userinfo, and an "@" elsewhere (an e-mail address,
		// a SIP Call-ID): s as it is, not a copy of it.
		return s
	}
	b.WriteString(rest)
	return b.String()
}
