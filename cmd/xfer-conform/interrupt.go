package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
)

// ExitInterrupted is the exit code of a run stopped by SIGINT or SIGTERM
// (128 + SIGINT, as shells report a Ctrl-C).
const ExitInterrupted = 130

// interrupt follows the signals of one run: the first stops it (no new
// scenario starts, the running ones finish), the second aborts it (the
// running scenarios' context is cancelled), a third calls hardExit.
type interrupt struct {
	stopped, aborted chan struct{}
	signal           string

	mu       sync.Mutex
	n        int
	cancel   context.CancelFunc
	out      io.Writer
	hardExit func()
}

// watch reads sigs until done is closed. Cancelling parent counts as an
// abort too.
func watch(parent context.Context, sigs <-chan os.Signal, out io.Writer, hardExit func()) (*interrupt, context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	in := &interrupt{stopped: make(chan struct{}), aborted: make(chan struct{}), cancel: cancel, out: out, hardExit: hardExit}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-parent.Done():
				in.receive("cancel")
				in.receive("cancel")
				return
			case s := <-sigs:
				in.receive(s.String())
			}
		}
	}()
	return in, ctx, func() { close(done); cancel() }
}

func (in *interrupt) receive(sig string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.n++
	switch in.n {
	case 1:
		in.signal = sig
		fmt.Fprintf(in.out, "xfer-conform: %s: finishing the running scenarios and starting no new one (again to abort them)\n", sig)
		close(in.stopped)
	case 2:
		fmt.Fprintf(in.out, "xfer-conform: %s again: aborting the running scenarios\n", sig)
		close(in.aborted)
		in.cancel()
	default:
		if in.hardExit != nil {
			in.hardExit()
		}
	}
}

func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func (in *interrupt) isStopped() bool { return closed(in.stopped) }
func (in *interrupt) isAborted() bool { return closed(in.aborted) }

// admit refuses new scenarios once the run is stopping.
func (in *interrupt) admit() error {
	if in.isStopped() {
		in.mu.Lock()
		defer in.mu.Unlock()
		return fmt.Errorf("the run was interrupted (%s) before it started", in.signal)
	}
	return nil
}
