package netsapiens

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// maxBody bounds a request body; larger bodies get a 400 (the NS API
// documents no 413).
const maxBody = 1 << 20

// body is a request's top-level fields. Values may be strings or numbers:
// the vendor's own guide writes user ids as bare numbers.
type body map[string]json.RawMessage

// readBody reads a JSON object body (or a form, which v1-era clients still
// send to /tokens). An empty body is an empty object.
func readBody(r *http.Request) (body, *apiError) {
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, refuse(errInvalidRequest, "Request body is larger than %d bytes", maxBody)
		}
		return nil, refuse(errInvalidRequest, "Cannot read request body: %v", err)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return body{}, checkContract(r, nil, nil)
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		v, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, refuse(errInvalidRequest, "Malformed form body: %v", err)
		}
		b := body{}
		for k := range v {
			s, _ := json.Marshal(v.Get(k))
			b[k] = s
		}
		return b, checkContract(r, nil, b)
	}
	var b body
	if err := json.Unmarshal(raw, &b); err != nil || b == nil {
		return nil, refuse(errInvalidRequest, "Request body must be a JSON object")
	}
	return b, checkContract(r, raw, nil)
}

// optional returns a field as text; ok is false when it is absent or null.
func (b body) optional(key string) (string, *apiError) {
	raw, ok := b[key]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strings.TrimSpace(s), nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return "", refuse(errInvalidRequest, "%s must be a string", key)
}

// required returns a field that must be present and not empty.
func (b body) required(key string) (string, *apiError) {
	s, err := b.optional(key)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", refuse(errInvalidRequest, "Missing required field %s", key)
	}
	return s, nil
}

func (b body) requiredAll(keys ...string) ([]string, *apiError) {
	out := make([]string, len(keys))
	for i, k := range keys {
		s, err := b.required(k)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}
