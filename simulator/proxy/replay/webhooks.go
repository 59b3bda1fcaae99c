package replay

import (
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/proxy"
)

// relayAddress is the recording proxy's webhook relay as the integration
// registered it.
var relayAddress = regexp.MustCompile(`https?://[^/"\s&?]+` + regexp.QuoteMeta(proxy.WebhookPath))

// needsReceiver: the recording has webhooks (through pbxsim proxy
// --webhook-relay), so the replay must receive pbxsim's.
func needsReceiver(entries []proxy.Entry) bool {
	for _, e := range entries {
		if e.Kind == proxy.KindWebhook {
			return true
		}
	}
	return false
}

type delivery struct {
	path string
	body []byte
}

// receiver takes pbxsim's webhooks during a replay: it answers 200,
// echoing a RingCentral Validation-Token, and queues each delivery.
type receiver struct {
	url   string
	srv   *http.Server
	queue chan delivery
}

func startReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &receiver{url: "http://" + ln.Addr().String(), queue: make(chan delivery, 4096)}
	h.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, maxAnswer))
		if v := r.Header.Get("Validation-Token"); v != "" {
			w.Header().Set("Validation-Token", v)
		}
		select {
		case h.queue <- delivery{path: strings.TrimPrefix(r.URL.Path, proxy.WebhookPath), body: b}:
		default: // a flood: the comparison will say what is missing
		}
		w.WriteHeader(http.StatusOK)
	})}
	go func() { _ = h.srv.Serve(ln) }()
	return h, nil
}

func (h *receiver) close() { _ = h.srv.Close() }

// webhook awaits pbxsim's next webhook and compares it with the recorded
// delivery.
func (r *run) webhook(e proxy.Entry) {
	if e.Request == nil || r.hooks == nil {
		return
	}
	r.res.Webhooks++
	c := r.comparer("webhook #" + strconv.Itoa(e.Seq) + " " + e.Request.Method + " " + e.Request.Path)
	timer := time.NewTimer(r.opts.Timeout)
	defer timer.Stop()
	select {
	case d := <-r.hooks.queue:
		if want := strings.TrimPrefix(e.Request.Path, proxy.WebhookPath); d.path != r.subst(want) {
			c.diff("path", want, d.path)
		}
		c.compareBodies("body", e.Request.Body, d.body)
	case <-timer.C:
		c.diff("delivery", deliveryText(e.Request.Body.Bytes()), "nothing within "+r.opts.Timeout.String())
	}
	r.add(c)
}

func deliveryText(b []byte) string {
	if len(b) == 0 {
		return "an empty delivery"
	}
	return string(cut(b))
}
