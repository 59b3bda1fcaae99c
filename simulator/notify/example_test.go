package notify_test

import (
	"fmt"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/notify"
)

// A dialect starts its pipeline when it is built, subscribes its
// consumers, and closes the pipeline when it closes.
func Example() {
	sim := simulator.New(simulator.Options{})
	p := notify.New(sim, notify.Options{
		Dialect: "mydialect",
		OnPanic: func(where string, v any) { fmt.Println("panic in", where, v) },
	})
	defer p.Close()

	// Each client gets its own bounded queue; a full one never blocks.
	socket := notify.NewQueue[[]byte](256)
	p.Subscribe(notify.SubscriberOptions{
		Name: "notification dispatcher", Path: "/notifications", Buffer: 4096,
		Filter: func(e *simulator.Event) bool { return e.Call.Attrs["mydialect.session"] != "" },
		Handle: func(e *simulator.Event) {
			if !socket.Push([]byte(e.Cause)) {
				fmt.Println("the socket is too slow: close it")
			}
		},
		Lost: "notifications were lost",
	})
}
