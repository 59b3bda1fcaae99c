// Package hostile runs the bad-request corpus of testdata/hostile against
// a full pbxsim (test/world: two tenants per vendor, live calls, webhook
// subscriptions, signed-in sessions). Every request must be refused with
// the vendor's own 4xx error body, never a 5xx, a panic or a redirect, and
// the world's state must be the same after it as before.
//
//	go test ./test/hostile/                      # the whole corpus
//	go test ./test/hostile/ -run 'Corpus/netsapiens' -v
//
// A corpus file lists a dialect's endpoints and the mutations applied to
// each (bodies, IDs, credentials), plus hand-written cases; see
// testdata/hostile/README.md.
package hostile
