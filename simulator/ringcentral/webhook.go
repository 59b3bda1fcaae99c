package ringcentral

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/notify"
)

// webhookUserAgent is what RingCentral's webhook requests carry
// (reference §4.2, DOCS webhooks sample).
const webhookUserAgent = "RingCentral-Webhook/8.3"

// webhook delivers one subscription's notifications from its own
// goroutine through a bounded queue, so a slow receiver delays nobody.
type webhook struct {
	d     *Dialect
	s     *subscription
	queue notify.Queue[notification]
	done  chan struct{}
	once  sync.Once
}

func (d *Dialect) attachWebhook(s *subscription) {
	s.hook = &webhook{d: d, s: s, queue: notify.NewQueue[notification](d.opts.WebhookQueue), done: make(chan struct{})}
}

// startWebhook starts delivery; register has already counted the
// goroutine in d.wg (under the registry lock, so Close cannot miss it).
func (d *Dialect) startWebhook(s *subscription) { go s.hook.run() }

func (h *webhook) stop() { h.once.Do(func() { close(h.done) }) }

// enqueue never blocks: when the queue is full the notification is
// dropped and the drop journaled.
func (h *webhook) enqueue(n notification) {
	select {
	case <-h.done:
		return
	default:
	}
	if !h.queue.Push(n) {
		h.journal(n, 0, "dropped: the webhook queue is full (the receiver is too slow)")
	}
}

func (h *webhook) run() {
	defer h.d.wg.Done()
	failures := 0
	for {
		select {
		case <-h.done:
			return
		case <-h.d.stop:
			return
		case n := <-h.queue:
			var status int
			var err error
			if !h.d.guard("webhook delivery", h.s.Owner.AccountID, func() { status, err = h.attempt(n) }, nil) {
				status, err = 0, errors.New("internal error while delivering (journaled)")
			}
			if err == nil && status >= 200 && status < 300 {
				failures = 0
				h.journal(n, status, "delivered")
				continue
			}
			failures++
			why := fmt.Sprintf("failed (%d in a row): status %d", failures, status)
			if err != nil {
				why = fmt.Sprintf("failed (%d in a row): %v", failures, err)
			}
			h.journal(n, status, why)
			if failures >= h.d.opts.WebhookBlacklistAfter {
				h.blacklist(why)
				return
			}
		}
	}
}

// blacklist stops delivery after repeated failures, as RingCentral does
// (DOCS troubleshooting): the subscription stays, status Blacklisted.
func (h *webhook) blacklist(why string) {
	h.d.subs.mu.Lock()
	h.s.Status = statusBlacklisted
	h.s.BlacklistedAt = h.d.now()
	h.s.BlacklistReason = "Webhook delivery " + why
	h.d.subs.mu.Unlock()
	h.stop()
}

func (h *webhook) post(n notification) (int, error) {
	body, err := json.Marshal(n)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-h.done:
		case <-h.d.stop:
		case <-ctx.Done():
		}
		cancel()
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.s.Address, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", webhookUserAgent)
	if h.s.VerificationToken != "" {
		req.Header.Set("Verification-Token", h.s.VerificationToken)
	}
	resp, err := h.d.opts.HTTPClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// journal records a delivery outcome, so a test or the control API can
// see what reached the receiver.
func (h *webhook) journal(n notification, status int, outcome string) {
	body, _ := json.Marshal(n)
	h.d.sim.Journal().Record(simulator.JournalEntry{
		Time: h.d.now(), Dialect: dialectName, Tenant: h.s.Owner.AccountID,
		Method: "WEBHOOK", Path: h.s.Address, Body: string(body), Status: status,
		Note: "subscription " + h.s.ID + " notification " + n.UUID + ": " + outcome,
	})
}

// validateWebhook performs the creation handshake (reference §4.2): a POST
// with a Validation-Token header that the receiver must echo in a 200
// within the timeout, in at most 1024 bytes of headers and body.
func (d *Dialect) validateWebhook(r *http.Request, address string) error {
	token := d.uuid()
	fail := func(why string) error {
		return refuse(errSubWebhook, why).about("deliveryMode.address", address)
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, address, nil)
	if err != nil {
		return fail(err.Error())
	}
	req.Header.Set("Validation-Token", token)
	req.Header.Set("User-Agent", webhookUserAgent)
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	resp, err := d.opts.HTTPClient.Do(req)
	if err != nil {
		return fail("the address did not answer the validation request: " + err.Error())
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	size := len(body)
	for k, vs := range resp.Header {
		for _, v := range vs {
			size += len(k) + len(v) + 4
		}
	}
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return fail(fmt.Sprintf("the validation request got status %d, want 200 (redirects are not followed)", resp.StatusCode))
	case resp.StatusCode != http.StatusOK:
		return fail(fmt.Sprintf("the validation request got status %d, want 200", resp.StatusCode))
	case resp.Header.Get("Validation-Token") != token:
		return fail("the response does not echo the Validation-Token header")
	case size > 1024:
		return fail(fmt.Sprintf("the validation response is %d bytes, more than 1024", size))
	}
	return nil
}
