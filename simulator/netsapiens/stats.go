package netsapiens

// Stats reports gauges for pbxsim's metrics: the webhook subscriptions
// held.
func (d *Dialect) Stats() map[string]int64 {
	d.subs.mu.Lock()
	defer d.subs.mu.Unlock()
	return map[string]int64{"netsapiens.subscriptions": int64(len(d.subs.byID))}
}
