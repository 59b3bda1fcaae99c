// Package browser tests pbxsim's call board and xfer-conform's HTML
// report in a real headless Chromium (Debian's chromium package), driven
// from Go with chromedp (issue 14 item 3):
//
//   - after a warm transfer the board shows the customer talking to the
//     consult and the operator gone, without a reload;
//   - a failing scenario's report shows the failing step and a sequence
//     diagram with the expected arrows.
//
// They measure, and log without asserting on a timer, how fast the board
// shows a change and how long a 63-scenario report takes to open; see
// docs/board.md for the figures.
//
//	go test ./test/browser/ -v                         # needs chromium
//	UPDATE_SCREENSHOTS=1 go test ./test/browser/       # rewrites docs/*.png
//
// The browser is the first of $CHROMIUM, /usr/bin/chromium, and chromium,
// chromium-browser or google-chrome on the PATH; with none the tests skip
// and say so (.ci/run installs Debian's chromium, so CI runs them).
package browser
