package ringcentral

import (
	"net/http"
	"net/url"
	"strings"
)

// checkRequest refuses, before any handler, requests whose meaning is
// ambiguous, so no handler has to guess:
//   - two Authorization headers: which one speaks? net/http's Get takes
//     the first, a proxy may take the last (issue 10 item 7);
//   - an encoded slash (%2F) in the path: mux matches the decoded path,
//     so ".../sessions/{s}%2Fparties%2F{p}" reached the party route
//     (issue 10 item 14). No RingCentral ID contains "/", so such a path
//     names a resource that does not exist: 404, as an unknown ID.
func (d *Dialect) checkRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := len(r.Header.Values("Authorization")); n > 1 {
			const msg = "Request has more than one Authorization header; send exactly one"
			if strings.HasPrefix(r.URL.Path, "/restapi/oauth/") {
				writeOAuthError(w, refuseOAuth(oauthBadRequest, msg))
				return
			}
			writeError(w, invalidParam("Authorization", "", msg+"."))
			return
		}
		if param, value, ok := encodedSlash(r.URL.EscapedPath()); ok {
			writeError(w, notFound(param, value, "no such resource (an ID never contains \"/\", sent here as %2F)"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// idParams names the ID that follows each collection segment of a path.
var idParams = map[string]string{
	"account": "accountId", "extension": "extensionId", "sessions": "telephonySessionId",
	"parties": "partyId", "recordings": "recordingId", "subscription": "subscriptionId",
}

// encodedSlash finds the first path segment holding an encoded slash and
// names the parameter it stands for.
func encodedSlash(escaped string) (param, value string, ok bool) {
	if !strings.Contains(escaped, "%2F") && !strings.Contains(escaped, "%2f") {
		return "", "", false
	}
	segs := strings.Split(escaped, "/")
	for i, seg := range segs {
		if !strings.Contains(strings.ToLower(seg), "%2f") {
			continue
		}
		param = "path"
		if i > 0 {
			if p, known := idParams[segs[i-1]]; known {
				param = p
			}
		}
		if value, err := url.PathUnescape(seg); err == nil {
			return param, value, true
		}
		return param, seg, true
	}
	return "", "", false
}
