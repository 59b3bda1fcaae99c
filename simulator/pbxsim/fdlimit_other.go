//go:build !unix

package pbxsim

// fileLimit is unknown on this platform.
func fileLimit() int { return 0 }
