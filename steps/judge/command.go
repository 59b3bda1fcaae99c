package judge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/xfer-conform/xfer-conform/steps/target"
)

// CommandIntegration runs the user's integration as a shell command
// (sh -c), with the hand-over in its environment, and waits for it to exit
// or for its deadline.
type CommandIntegration struct {
	// Command is run by /bin/sh -c, in Dir (default: the current one).
	Command string
	Dir     string
}

// Name is the command line.
func (c CommandIntegration) Name() string { return c.Command }

// maxOutput bounds what is kept of an integration's output (its end).
const maxOutput = 64 << 10

// Run starts the command, waits, and classifies its end. Not found (sh
// exit 127), not executable (126) and death by a signal the harness did not
// send are harness errors: the integration never got to do its job.
func (c CommandIntegration) Run(ctx context.Context, h Handover) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, h.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", c.Command)
	cmd.Dir = c.Dir
	env := os.Environ()
	for _, k := range h.Names() {
		env = append(env, k+"="+h.Vars[k])
	}
	cmd.Env = env
	out := &tailBuffer{max: maxOutput}
	cmd.Stdout, cmd.Stderr = out, out
	stopGroup(cmd)
	cmd.WaitDelay = 2 * time.Second
	start := time.Now()
	err := cmd.Run()
	res := Result{Finished: true, Elapsed: time.Since(start), Output: h.Mask(out.String())}
	if ctx.Err() == context.DeadlineExceeded {
		res.Finished, res.Code = false, -1
		return res, nil
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return res, nil
	case errors.As(err, &ee):
		res.Code = ee.ExitCode()
	default:
		return res, fmt.Errorf("%w: integration command %q could not run: %v", target.ErrHarness, c.Command, err)
	}
	switch {
	case res.Code == 127:
		return res, fmt.Errorf("%w: integration command %q was not found (sh exit 127): %s", target.ErrHarness, c.Command, TailLines(res.Output, 5))
	case res.Code == 126:
		return res, fmt.Errorf("%w: integration command %q is not executable (sh exit 126): %s", target.ErrHarness, c.Command, TailLines(res.Output, 5))
	case res.Code < 0 || res.Code > 128:
		return res, fmt.Errorf("%w: integration command %q crashed (%v) after %s; its last output:\n%s", target.ErrHarness, c.Command, ee.ProcessState, res.Elapsed.Round(time.Millisecond), TailLines(res.Output, 20))
	}
	return res, nil
}

// HTTPIntegration asks the user's integration over HTTP: it POSTs the
// hand-over as JSON to URL and waits for the answer. A 2xx answer means
// the integration says it is done; anything else that it failed.
type HTTPIntegration struct {
	URL    string
	Client *http.Client
}

// Name is the URL.
func (i HTTPIntegration) Name() string { return i.URL }

// HandoverRequest is the JSON body an HTTP integration receives.
type HandoverRequest struct {
	Vendor  string            `json:"vendor"`
	Timeout string            `json:"timeout"`
	Env     map[string]string `json:"env"`
}

// Run posts the hand-over. An endpoint that cannot be reached is a harness
// error; one that answers late has run past its deadline.
func (i HTTPIntegration) Run(ctx context.Context, h Handover) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, h.Timeout)
	defer cancel()
	body, err := json.Marshal(HandoverRequest{Vendor: h.Vendor, Timeout: h.Timeout.String(), Env: h.Vars})
	if err != nil {
		return Result{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, i.URL, bytes.NewReader(body))
	if err != nil {
		return Result{}, fmt.Errorf("%w: integration URL %q: %v", target.ErrHarness, i.URL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	hc := i.Client
	if hc == nil {
		hc = http.DefaultClient
	}
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return Result{Finished: false, Code: -1, Elapsed: time.Since(start)}, nil
		}
		return Result{}, fmt.Errorf("%w: integration endpoint %s unreachable: %v", target.ErrHarness, i.URL, h.Mask(err.Error()))
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxOutput))
	return Result{Finished: true, Code: resp.StatusCode, Output: h.Mask(string(b)), Elapsed: time.Since(start)}, nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu      sync.Mutex
	buf     []byte
	max     int
	dropped bool
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0:0], t.buf[len(t.buf)-t.max:]...)
		t.dropped = true
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dropped {
		return "…" + string(t.buf)
	}
	return string(t.buf)
}
