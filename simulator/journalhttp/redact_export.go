package journalhttp

// The journal's redaction, for other recorders of traffic (the proxy's
// --record): one list of secret fields for every record pbxsim writes.

// IsSecretField reports whether a JSON field of this name holds a secret
// (compared case-insensitively).
func IsSecretField(key string) bool { return isSecret(key) }

// IsFormSecretField reports whether a query or form field of this name
// holds a secret: the JSON secrets plus the OAuth authorization code.
func IsFormSecretField(key string) bool { return isFormSecret(key) }

// RedactText blanks secrets in a body that is neither JSON nor a form
// (or could not be parsed): "key":"value" and key=value pairs.
func RedactText(b []byte) []byte { return redactText(b) }
