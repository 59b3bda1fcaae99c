// Package report renders a results bundle as one HTML page, index.html,
// that opens from the file system with no server and no network: every
// style, script and picture is inline.
//
// The page lists the run's scenarios with their status, duration, tags and
// failure headline. Each scenario gets its steps (the failing one marked),
// a sequence diagram drawn as inline SVG by this package (the integration
// or reference client, pbxsim and the parties as lifelines; the vendor
// requests with their status codes; the notifications and webhook posts;
// the leg state changes) from the bundle's journal.json, events.json and
// notifications.json, and its transcript beside it.
//
//	// after steps.Bundle has written DIR/scenarios/...
//	if err := report.Write(dir); err != nil { ... } // DIR/index.html
package report
