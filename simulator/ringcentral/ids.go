package ringcentral

import (
	"math/rand"
	"strconv"
	"strings"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Vendor attributes this dialect gives calls and legs; the core indexes
// them, so a session or party is found in constant time.
const (
	attrSession   = dialectName + ".telephonySessionId" // call: s-<32 hex>
	attrSessionID = dialectName + ".sessionId"          // call: legacy numeric session id
	attrParty     = dialectName + ".partyId"            // leg: p-<32 hex>-<n>
)

// ID formats. We use the classic form of the seed documents and the 2020
// captures: session "s-" + 32 lowercase hex digits, party "p-" + the same
// hex + "-" + n, where n is the leg's 1-based index in the call. The
// 2022+ "z"-separated form is accepted nowhere else either, so one form
// keeps parsing strict. (Source: reference/ringcentral.md §1.4 "ID formats".)
const hexLen = 32

// namer names the calls that concern a RingCentral account and their legs.
// It runs under the sim's lock: it reads only the immutable directory.
type namer struct{ dir func() *directory }

func (n namer) NameCall(_ *simulator.Call, from, to simulator.Endpoint, r *rand.Rand) map[string]string {
	if _, ok := n.dir().accounts[from.TenantID]; !ok || !from.IsUser() {
		if _, ok := n.dir().accounts[to.TenantID]; !ok || !to.IsUser() {
			return nil
		}
	}
	return map[string]string{
		attrSession:   "s-" + hexOf(r, hexLen),
		attrSessionID: digitsOf(r, 11),
	}
}

func (n namer) NameLeg(c *simulator.Call, l *simulator.Leg, _ *rand.Rand) map[string]string {
	sid := c.Attrs[attrSession]
	if sid == "" {
		return nil
	}
	return map[string]string{attrParty: partyID(sid, l.Index)}
}

func partyID(sessionID string, index int) string {
	return "p-" + strings.TrimPrefix(sessionID, "s-") + "-" + strconv.Itoa(index)
}

func isRingCentralEvent(e *simulator.Event) bool { return e.Call.Attrs[attrSession] != "" }

// sessionHex returns the hex of a well-formed session id.
func sessionHex(id string) (string, bool) {
	h, ok := strings.CutPrefix(id, "s-")
	return h, ok && isHex(h)
}

// partyHex returns the session hex and the index of a well-formed party id.
func partyHex(id string) (string, int, bool) {
	rest, ok := strings.CutPrefix(id, "p-")
	if !ok {
		return "", 0, false
	}
	h, num, ok := strings.Cut(rest, "-")
	if !ok || !isHex(h) {
		return "", 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 {
		return "", 0, false
	}
	return h, n, true
}

func isHex(s string) bool {
	if len(s) != hexLen {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// hexDigit and decimalBelow draw r.Intn(16) and r.Intn(n), n < 16, the
// same values from the same draws as math/rand computes them (its
// sequences are fixed for a seed; ids_test.go holds them to it), without
// its chain of calls and its division by a variable: a fan-out draws 52
// of them per subscriber (issue 16).
func hexDigit(r *rand.Rand) byte { return "0123456789abcdef"[r.Int63()>>32&15] }

func decimalBelow(r *rand.Rand, n int32) byte {
	// math/rand's Int31n for an n that is not a power of two.
	limit := int32((1 << 31) - 1 - (1<<31)%uint32(n))
	v := int32(r.Int63() >> 32)
	for v > limit {
		v = int32(r.Int63() >> 32)
	}
	return byte('0' + v%n)
}

func hexOf(r *rand.Rand, n int) string {
	// Drawn on the stack (most IDs are short): an ID costs its string
	// alone, one per notification in a fan-out.
	var buf [64]byte
	b := buf[:0]
	if n > len(buf) {
		b = make([]byte, 0, n)
	}
	b = b[:n]
	for i := range b {
		b[i] = hexDigit(r)
	}
	return string(b)
}

// digitsOf returns n decimal digits without a leading zero.
func digitsOf(r *rand.Rand, n int) string {
	// On the stack, as in hexOf.
	var buf [64]byte
	b := buf[:0]
	if n > len(buf) {
		b = make([]byte, 0, n)
	}
	b = b[:n]
	for i := range b {
		b[i] = decimalBelow(r, 10)
	}
	b[0] = decimalBelow(r, 9) + 1
	return string(b)
}
