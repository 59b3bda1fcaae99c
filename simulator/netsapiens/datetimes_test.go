package netsapiens

import "testing"

// Rule: Subscription datetimes are YYYY-MM-DD HH:MM:SS by default (SPEC45's
// description and examples); the quirk value iso8601 writes them as ISO
// 8601 (the schema's format date-time) and accepts an expiry in either
// form, while the default refuses an ISO expiry.
// Source: issue 13 item 7; SPEC45 Subscription.
func TestSubscriptionDatetimeDecisionAndProfile(t *testing.T) {
	w := newWorld(t, nil)
	body := map[string]string{"model": "call", "post-url": "http://127.0.0.1:9/ns", "subscription-expires-datetime": "2026-06-01T00:00:00Z"}
	w.must(400, "POST", "/domains/TEST/subscriptions", keyOM, body)
	body["subscription-expires-datetime"] = "2026-06-01 00:00:00"
	s := w.must(200, "POST", "/domains/TEST/subscriptions", keyOM, body)
	if s.Get("subscription-creation-datetime").String() != "2026-01-01 00:00:00" || s.Get("subscription-expires-datetime").String() != "2026-06-01 00:00:00" {
		t.Fatalf("default subscription datetimes are SQL: %s", s.Raw)
	}

	wi := newWorld(t, withQuirks(map[string]string{QuirkSubscriptionDatetimeFormat: "iso8601"}))
	body["subscription-expires-datetime"] = "2026-06-01T00:00:00Z"
	s = wi.must(200, "POST", "/domains/TEST/subscriptions", keyOM, body)
	if s.Get("subscription-creation-datetime").String() != "2026-01-01T00:00:00+00:00" || s.Get("subscription-expires-datetime").String() != "2026-06-01T00:00:00+00:00" {
		t.Fatalf("iso8601 profile writes ISO 8601: %s", s.Raw)
	}
}
