package ringcentral

import "sync"

// sendQueue holds one socket's frames until its writer takes them. Push
// never waits: it refuses once max frames wait, and the socket is then
// closed as fallen behind. Its memory follows the backlog (a slice that
// grows as frames wait and is handed to the writer whole), so the bound
// can be deep without costing an idle socket anything: at 1,000 warm
// transfers a second on one account an account-level subscriber gets
// about 17,000 notifications a second, and a 256-frame channel closed a
// subscriber that was reading whenever the scheduler left its writer
// waiting for 15 ms (issue 16, pbxload with a live listener).
//
// A notification in the queue is small (what the dispatcher drew, and the
// event's body shared with every other subscriber); a frame rendered
// whole (a reply to the client's own ClientRequest, ConnectionDetails) is
// counted in bytes too, at most maxRawBytes waiting, so a client that
// sends requests and never reads the replies holds no more than it did
// with the old 256-frame queue.
type sendQueue struct {
	mu       sync.Mutex
	frames   []wsOut
	max      int
	rawBytes int // of the frames rendered whole, waiting
	// ready holds a token while frames wait: the writer waits on it
	// beside its other channels.
	ready chan struct{}
}

func newSendQueue(max int) *sendQueue {
	return &sendQueue{max: max, ready: make(chan struct{}, 1)}
}

// maxRawBytes bounds the bytes of whole frames waiting on one socket.
const maxRawBytes = 256 << 10

// push queues f unless max frames, or maxRawBytes of whole frames,
// already wait.
func (q *sendQueue) push(f wsOut) bool {
	q.mu.Lock()
	if len(q.frames) >= q.max || q.rawBytes+len(f.raw) > maxRawBytes {
		q.mu.Unlock()
		return false
	}
	q.frames = append(q.frames, f)
	q.rawBytes += len(f.raw)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default: // a token is already there
	}
	return true
}

// take returns the waiting frames, oldest first, and keeps spare (emptied)
// to queue the next ones in, so a writer and its queue trade two slices
// back and forth instead of allocating.
func (q *sendQueue) take(spare []wsOut) []wsOut {
	q.mu.Lock()
	out := q.frames
	q.frames, q.rawBytes = spare[:0], 0
	q.mu.Unlock()
	return out
}

// spareAfter is what a writer keeps of a batch it has written: the slice,
// emptied (the frames written keep no event alive), for the next
// exchange, unless a burst grew it far beyond the usual backlog (then it
// is dropped, so one burst does not hold its memory for the socket's
// life).
func spareAfter(batch []wsOut) []wsOut {
	clear(batch)
	if cap(batch) > 256 && len(batch) < cap(batch)/8 {
		return nil
	}
	return batch[:0]
}
