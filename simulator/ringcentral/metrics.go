package ringcentral

import "github.com/xfer-conform/xfer-conform/simulator/metrics"

// MetricGauges are the dialect's Stats that /sim/v1/metrics publishes
// (docs/performance.md).
func (d *Dialect) MetricGauges() []metrics.Gauge {
	return []metrics.Gauge{
		{Stat: "ringcentral.sockets", Metric: "pbxsim_ringcentral_websockets", Help: "RingCentral notification WebSockets open."},
		{Stat: "ringcentral.subscriptions", Metric: "pbxsim_ringcentral_subscriptions", Help: "RingCentral subscriptions (WebSocket and webhook) held."},
		{Stat: "ringcentral.slowSocketsClosed", Metric: "pbxsim_ringcentral_slow_sockets_closed_total", Help: "RingCentral WebSockets closed because their send queue was full (dropped subscribers).", Counter: true},
	}
}
