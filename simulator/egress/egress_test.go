package egress

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Rule: deliveries go to loopback unless the operator allows more hosts.
// Source: issue 10 item 17 (pbxsim is a shared service; webhook addresses
// are chosen by clients).
func TestCheckAllowsLoopbackAndListedHostsOnly(t *testing.T) {
	p := Policy{Hosts: []string{"Receiver.Internal"}}
	for _, ok := range []string{"http://127.0.0.1:9/x", "http://localhost/x", "https://[::1]:8443/", "http://receiver.internal:9000/hook", "http://127.5.6.7/"} {
		if err := p.Check(ok); err != nil {
			t.Errorf("Check(%q) = %v, want allowed", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1/", "http://example.com/", "ftp://127.0.0.1/", "/relative", "http://user:pw@127.0.0.1/", "http://", "http://%zz/"} {
		if err := p.Check(bad); !errors.Is(err, ErrRefused) {
			t.Errorf("Check(%q) = %v, want ErrRefused", bad, err)
		}
	}
	if err := (Policy{Hosts: []string{"*"}}).Check("http://example.com/"); err != nil {
		t.Errorf("* must allow every host: %v", err)
	}
}

// Rule: a delivery never follows a redirect; the 3xx is the answer.
// Source: issue 10 item 17 (a 307 to another port received the POST).
func TestClientDoesNotFollowRedirects(t *testing.T) {
	hit := false
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hit = true }))
	defer other.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL, http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	resp, err := Policy{}.Client(2*time.Second).Post(redirector.URL, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || hit {
		t.Fatalf("status %d, redirect target hit=%v; want 307 and not followed", resp.StatusCode, hit)
	}
}
