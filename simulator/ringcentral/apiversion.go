package ringcentral

import "net/http"

// The API version reads (SPEC readAPIVersions, readAPIVersion): GET
// /restapi and GET /restapi/v1.0, unauthenticated and not throttled
// (x-throttling-group NoThrottling). Apps call them at start-up to check
// the server. The version and release date are pbxsim's own.

const (
	apiVersionString = "1.0.60"
	apiReleaseDate   = "2026-01-01T00:00:00.000Z"
	serverVersion    = "pbxsim"
)

type apiVersionInfo struct {
	URI           string `json:"uri"`
	VersionString string `json:"versionString"`
	ReleaseDate   string `json:"releaseDate"`
	URIString     string `json:"uriString"`
}

func versionInfo(r *http.Request) apiVersionInfo {
	return apiVersionInfo{URI: httpBase(r) + "/restapi/v1.0", VersionString: apiVersionString,
		ReleaseDate: apiReleaseDate, URIString: "v1.0"}
}

func (d *Dialect) serveAPIVersions(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"uri":            httpBase(r) + "/restapi",
		"apiVersions":    []apiVersionInfo{versionInfo(r)},
		"serverVersion":  serverVersion,
		"serverRevision": serverVersion,
	})
}

func (d *Dialect) serveAPIVersion(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, versionInfo(r))
}
