package netsapiens

// Stats reports gauges for pbxsim's metrics and load tests: the webhook
// subscriptions held, and how many core changes were not posted because
// they read the same as the previous post (summed over the live
// subscriptions, visible.go), so that posts + unchanged accounts for
// every change.
func (d *Dialect) Stats() map[string]int64 {
	d.subs.mu.Lock()
	defer d.subs.mu.Unlock()
	var unchanged int64
	for _, sub := range d.subs.byID {
		unchanged += int64(sub.unchanged)
	}
	return map[string]int64{
		"netsapiens.subscriptions":         int64(len(d.subs.byID)),
		"netsapiens.unchangedPostsSkipped": unchanged,
	}
}
