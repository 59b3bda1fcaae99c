package simulator

// Event log defaults (docs/limits.md, "Server and control API").
const (
	// DefaultEventLogEntries caps the events the log keeps.
	DefaultEventLogEntries = 10000
	// DefaultEventLogBytes bounds the estimated bytes of the kept events:
	// 64 MiB.
	DefaultEventLogBytes = 64 << 20
)

// eventOverhead and legOverhead estimate what an event costs beside its
// strings: the Event, its Call, and each Leg snapshot with its times.
const (
	eventOverhead = 256
	legOverhead   = 320
)

// eventLog is a ring of events bounded in entries and in estimated bytes.
// Sequence numbers are consecutive, so since(after) starts at the right
// slot without a scan, and add is O(1) (amortised while the ring grows).
// It runs under the Sim's lock.
type eventLog struct {
	maxEntries int
	maxBytes   int64
	ring       []*Event
	sizes      []int64
	head, n    int
	bytes      int64
	seq        uint64
}

func newEventLog(maxEntries int, maxBytes int64) eventLog {
	if maxEntries <= 0 {
		maxEntries = DefaultEventLogEntries
	}
	if maxBytes <= 0 {
		maxBytes = DefaultEventLogBytes
	}
	return eventLog{maxEntries: maxEntries, maxBytes: maxBytes}
}

// add appends e, whose Seq must be l.seq (the next in line), of size
// eventBytes(e).
func (l *eventLog) add(e *Event, size int64) {
	if l.n == len(l.ring) {
		if len(l.ring) < l.maxEntries {
			l.grow()
		} else {
			l.evictOldest()
		}
	}
	i := (l.head + l.n) % len(l.ring)
	l.ring[i], l.sizes[i] = e, size
	l.n++
	l.bytes += size
	for l.n > 1 && l.bytes > l.maxBytes {
		l.evictOldest()
	}
}

func (l *eventLog) grow() {
	size := 2 * len(l.ring)
	if size < 16 {
		size = 16
	}
	if size > l.maxEntries {
		size = l.maxEntries
	}
	ring, sizes := make([]*Event, size), make([]int64, size)
	for i := 0; i < l.n; i++ {
		k := (l.head + i) % len(l.ring)
		ring[i], sizes[i] = l.ring[k], l.sizes[k]
	}
	l.ring, l.sizes, l.head = ring, sizes, 0
}

func (l *eventLog) evictOldest() {
	l.bytes -= l.sizes[l.head]
	l.ring[l.head], l.sizes[l.head] = nil, 0
	l.head = (l.head + 1) % len(l.ring)
	l.n--
}

// since returns the retained events with Seq > after, oldest first. It
// costs the events returned.
func (l *eventLog) since(after uint64) []*Event {
	if l.n == 0 || after >= l.seq {
		return nil
	}
	first := l.seq - uint64(l.n) + 1
	start := 0
	if after >= first {
		start = int(after - first + 1)
	}
	out := make([]*Event, 0, l.n-start)
	for i := start; i < l.n; i++ {
		out = append(out, l.ring[(l.head+i)%len(l.ring)])
	}
	return out
}

// eventBytes estimates the memory an event holds: fixed costs plus its
// strings. Attributes are counted per leg and per call. It is the
// definition: emit adds up the same from parts kept with the call and its
// legs (call.fixedBytes, leg.bytes), without visiting their attribute maps
// again for every event.
func eventBytes(e *Event) int64 {
	n := int64(eventOverhead+len(e.Cause)) + legBytes(&e.Leg) + attrBytes(e.Call.Attrs) + int64(len(e.Call.ID)+len(e.Call.Origin))
	for i := range e.Call.Legs {
		n += legBytes(&e.Call.Legs[i])
	}
	return n
}

func legBytes(l *Leg) int64 {
	n := int64(legOverhead + len(l.ID) + len(l.ParkOrbit))
	for _, ep := range []*Endpoint{&l.Endpoint, &l.From, &l.To} {
		n += int64(len(ep.TenantID) + len(ep.UserID) + len(ep.DeviceID) + len(ep.Number) + len(ep.Name))
	}
	return n + attrBytes(l.Attrs)
}

func attrBytes(m map[string]string) int64 {
	var n int64
	for k, v := range m {
		n += int64(len(k)+len(v)) + 16
	}
	return n
}

// fixedBytes is what eventBytes counts of the call beside its legs (its
// attributes are set once, at Originate).
func (c *call) fixedBytes() int64 {
	return attrBytes(c.Attrs) + int64(len(c.ID)+len(c.Origin))
}

// bytes is legBytes of the leg's snapshot: the part that does not change
// once the leg is named (legFixed), plus its park orbit.
func (l *leg) bytes() int64 { return l.fixed + int64(len(l.ParkOrbit)) }

// legFixed is legBytes less the park orbit, for a leg whose ID, endpoints
// and attributes are set.
func legFixed(l *Leg) int64 {
	return legBytes(l) - int64(len(l.ParkOrbit))
}
