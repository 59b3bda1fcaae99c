package netsapiens

import "github.com/xfer-conform/xfer-conform/simulator/metrics"

// MetricGauges are the dialect's Stats that /sim/v1/metrics publishes
// (docs/performance.md).
func (d *Dialect) MetricGauges() []metrics.Gauge {
	return []metrics.Gauge{
		{Stat: "netsapiens.subscriptions", Metric: "pbxsim_netsapiens_subscriptions", Help: "NetSapiens webhook subscriptions held."},
	}
}
