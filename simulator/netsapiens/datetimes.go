package netsapiens

import (
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Subscription datetimes (issue 13 item 7). The decision is the SQL form
// YYYY-MM-DD HH:MM:SS: SPEC45 describes subscription-expires-datetime in
// those words and every Subscription example (creation and expiry) is
// written so; only the schema's subscription-creation-datetime says
// format "date-time". The other reading is the quirk value iso8601: both
// fields written as ISO 8601 and expiry accepted in either form.

// QuirkSubscriptionDatetimeFormat: how Subscription datetimes are written.
const QuirkSubscriptionDatetimeFormat = "subscription-datetime-format"

const sqlLayout = "2006-01-02 15:04:05"

func init() {
	scenario.RegisterQuirk(scenario.Quirk{
		Vendor: vendor, Name: QuirkSubscriptionDatetimeFormat, Values: []string{"sql", "iso8601"}, Default: "sql",
		Doc: "sql: subscription-creation-datetime and subscription-expires-datetime read and are written YYYY-MM-DD HH:MM:SS, " +
			"as SPEC45's description and examples say; iso8601: written 2026-01-01T00:00:00+00:00 (the schema's format date-time), " +
			"and an expiry is accepted in either form.",
		Source:     "SPEC45 Subscription (description 'YYYY-MM-DD HH:MM:SS', examples '2023-10-09 17:16:36'; creation's schema format date-time); issue 13 item 7",
		Confidence: "documented",
	})
}

// subscriptionTimeFormat is the datetime form of a domain's subscriptions.
func (d *Dialect) subscriptionTimeFormat(domain string) string {
	if p, ok := d.dir().profiles[domain]; ok && p.subDatetime != "" {
		return p.subDatetime
	}
	return "sql"
}

// subscriptionTime writes a subscription datetime in the given form.
func subscriptionTime(t time.Time, format string) string {
	if format == "iso8601" {
		return t.UTC().Format("2006-01-02T15:04:05+00:00")
	}
	return sqlTime(t)
}

// parseSubscriptionTime reads an expiry: the SQL form, and with iso8601
// also RFC 3339.
func parseSubscriptionTime(s, format string) (time.Time, bool) {
	if t, err := time.Parse(sqlLayout, s); err == nil {
		return t, true
	}
	if format == "iso8601" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
