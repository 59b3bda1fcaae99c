// Package replay replays a session recorded by pbxsim's proxy as a golden
// flow: it starts a pbxsim in-process with the session's scenario, sends
// the recorded requests in order, opens the recorded notification
// sockets, and compares pbxsim's answers and the frames it sends with the
// recorded ones. Volatile values are normalised: IDs are re-mapped
// consistently (the first sight binds a recorded ID to the live one, and
// later requests use the live one), times and expiries are not compared,
// and redacted secrets ([redacted#N]) are bound to the fresh tokens
// pbxsim hands out; credentials the recording could not keep come from
// the scenario.
//
//	res, err := replay.File(ctx, "rec/session-20260101T000000.000Z.jsonl", replay.Options{})
//	for _, d := range res.Diffs {
//		fmt.Println(d)
//	}
//
// xfer-conform replay DIR is its command (docs/contracts.md).
package replay
