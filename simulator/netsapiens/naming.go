package netsapiens

import (
	"fmt"
	"math/rand"
	"sync"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// Attribute keys this dialect sets on core calls and legs. The core
// indexes them, so sim.LookupCall(AttrSessionID, id) is O(1).
const (
	// AttrSessionID is the call's call-session-id (20 digits).
	AttrSessionID = "netsapiens.call-session-id"
	// AttrCallID is a leg's SIP Call-ID: the caller's own (or the client's
	// call-id for click-to-call) on the orig leg, <20 digits>-<32 hex> on
	// term legs.
	AttrCallID = "netsapiens.call-id"
	// AttrByAction, AttrByUser and AttrByCallID record how the call was
	// made: "CallRequest" by user@domain with the client's call-id.
	AttrByAction = "netsapiens.call-by-action"
	AttrByUser   = "netsapiens.call-by-user"
	AttrByCallID = "netsapiens.call-by-call-id"
)

// namer gives NetSapiens identifiers to the calls that touch a NetSapiens
// domain. The Sim calls it one call at a time under its own lock, which
// also guards seq.
type namer struct {
	// domainsMu guards domains, which tenants.go changes at runtime; it is
	// taken under the Sim's lock and never calls back into the Sim.
	domainsMu sync.Mutex
	domains   map[string]bool
	seq       uint64
	seeded    bool
}

func (n *namer) setDomains(ds []Domain, on bool) {
	n.domainsMu.Lock()
	defer n.domainsMu.Unlock()
	for _, d := range ds {
		if on {
			n.domains[d.Name] = true
		} else {
			delete(n.domains, d.Name)
		}
	}
}

var _ simulator.Namer = (*namer)(nil)

func (n *namer) NameCall(c *simulator.Call, from, to simulator.Endpoint, r *rand.Rand) map[string]string {
	n.domainsMu.Lock()
	ours := n.domains[from.TenantID] || n.domains[to.TenantID]
	n.domainsMu.Unlock()
	if !ours {
		return nil
	}
	return map[string]string{AttrSessionID: n.serial(c.Created, r)}
}

func (n *namer) NameLeg(c *simulator.Call, l *simulator.Leg, r *rand.Rand) map[string]string {
	if c.Attrs[AttrSessionID] == "" {
		return nil
	}
	if l.Index == 1 {
		return map[string]string{AttrCallID: sipCallID(r)}
	}
	return map[string]string{AttrCallID: n.serial(l.Created, r) + "-" + hex(r, 32)}
}

// serial is the switch's 20-digit identifier: the time (YYYYMMDDhhmmss)
// and a 6-digit counter. Captures show a call's first term call-id one
// above its session id, which a shared counter reproduces.
func (n *namer) serial(t time.Time, r *rand.Rand) string {
	if !n.seeded {
		n.seq = uint64(1000 + r.Intn(900000))
		n.seeded = true
	}
	n.seq++
	return t.UTC().Format("20060102150405") + fmt.Sprintf("%06d", n.seq%1000000)
}

// sipCallID makes a Call-ID as a phone or trunk sends it: "<n>_<n>@<ip>"
// (the address is from the documentation range 198.51.100.0/24).
func sipCallID(r *rand.Rand) string {
	return fmt.Sprintf("%d_%d@198.51.100.%d", r.Intn(2), 100000000+r.Int63n(4000000000), 1+r.Intn(254))
}

func hex(r *rand.Rand, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.Intn(16)]
	}
	return string(b)
}
