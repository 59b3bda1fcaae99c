package target

import "regexp"

var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`ns[sdru]_[A-Za-z0-9]{56}`),
	regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+`),
	// A key=value or "key": value pair; the key must start a word (not
	// follow a "/", so ".../oauth/token: 401" keeps its status).
	regexp.MustCompile(`(?i)((?:^|[\s"'&?{,(])(?:access_token|refresh_token|ws_access_token|assertion|password|client_secret|wsc|token)["']?\s*[=:]\s*["']?)[^"'&\s,}]+`),
}

// Redact masks API keys, bearer tokens, passwords and the like.
func Redact(s string) string {
	for _, p := range secretPatterns {
		s = p.ReplaceAllStringFunc(s, func(m string) string {
			sub := p.FindStringSubmatch(m)
			if len(sub) > 1 {
				return sub[1] + "[redacted]"
			}
			return m[:4] + "[redacted]"
		})
	}
	return s
}
