package steps

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Await polls probe until it reports ok, fails, or the deadline passes.
// On time-out the error lists every distinct observation with its time, so
// a failure shows what the PBX did instead of what was expected.
func Await(ctx context.Context, timeout time.Duration, what string, probe func() (ok bool, observed string, err error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	var seen []string
	last := ""
	wait := 5 * time.Millisecond
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			var b strings.Builder
			fmt.Fprintf(&b, "timed out after %s waiting for %s", timeout, what)
			if len(seen) == 0 {
				b.WriteString("; nothing was observed")
			} else {
				b.WriteString("; observed:")
				for _, s := range seen {
					b.WriteString("\n    ")
					b.WriteString(s)
				}
			}
			return fmt.Errorf("%s", b.String())
		case <-timer.C:
		}
		ok, obs, err := probe()
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if obs != last {
			seen = append(seen, fmt.Sprintf("+%s %s", time.Since(start).Round(time.Millisecond), obs))
			if len(seen) > 50 {
				seen = append(seen[:1], seen[len(seen)-49:]...)
			}
			last = obs
		}
		if ok {
			return nil
		}
		timer.Reset(wait)
		if wait < 100*time.Millisecond {
			wait *= 2
		}
	}
}
