package netsapiens

// Posts carry only visible changes (issue 13 item 9). The core emits an
// event for every leg change, but a NetSapiens post shows a call's two
// sides in the legacy fields; a change NetSapiens does not show (the core
// connecting a caller while the callee still rings, a mute) would post
// the same body again. A subscription therefore posts a call only when
// the rendered body differs from the last one it posted for that call.
// Captured feeds show the same call "posted repeatedly as it changes"
// (reference/netsapiens.md §6.2); that an unchanged call is not re-posted
// is inferred.

// visibleChange reports whether body differs from the last post of call
// callID to sub, and records it. The call's final post (ended) always
// goes out and forgets the call. Runs with subscriptions.mu held.
func (sub *subscription) visibleChange(callID string, body []byte, ended bool) bool {
	if ended {
		delete(sub.lastPost, callID)
		return true
	}
	if sub.lastPost == nil {
		sub.lastPost = map[string]string{}
	}
	if last, ok := sub.lastPost[callID]; ok && last == string(body) {
		sub.unchanged++
		return false
	}
	sub.lastPost[callID] = string(body)
	return true
}
