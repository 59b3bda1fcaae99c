// Package egress decides where pbxsim may send webhook deliveries and gives
// the dialects an HTTP client that keeps to it.
//
// pbxsim is a shared service: a subscriber chooses the delivery address, so
// without a policy any client could make pbxsim POST to any host and port
// (a port scanner, or a relay into a private network). The default policy
// allows loopback only; more hosts come from the scenario's webhookHosts
// and pbxsim's --webhook-host flag, e.g. a sibling container's name.
// Redirects are never followed: a 3xx answer is a failed delivery.
//
//	p := egress.Policy{Hosts: []string{"receiver.internal"}}
//	if err := p.Check("http://receiver.internal:9000/hook"); err != nil { ... }
//	resp, err := p.Client(5 * time.Second).Do(req)
package egress

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Policy is the set of hosts deliveries may go to. Loopback addresses
// (127.0.0.0/8, ::1, "localhost") are always allowed; Hosts adds names or
// IP addresses, compared case-insensitively, and "*" allows every host.
type Policy struct {
	Hosts []string
}

// ErrRefused wraps every refusal, so callers can tell a policy refusal
// from a network failure.
var ErrRefused = errors.New("delivery address not allowed")

// Check reports whether address is an http(s) URL whose host the policy
// allows. The error says why, in words fit for a vendor error message.
func (p Policy) Check(address string) error {
	u, err := url.Parse(address)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: %q is not an absolute http or https URL", ErrRefused, address)
	}
	if u.User != nil {
		return fmt.Errorf("%w: credentials in the URL are not accepted", ErrRefused)
	}
	if !p.allowsHost(u.Hostname()) {
		return fmt.Errorf("%w: host %q is not in the delivery allow-list (loopback by default; add hosts with --webhook-host or webhookHosts)", ErrRefused, u.Hostname())
	}
	return nil
}

func (p Policy) allowsHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, h := range p.Hosts {
		h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
		if h == "*" || h == host {
			return true
		}
	}
	return false
}

// allowsIP reports whether a resolved address may be dialled: loopback
// always; anything else only when the policy names a host other than
// loopback (the name was checked before resolution).
func (p Policy) allowsIP(ip net.IP, host string) bool {
	if ip.IsLoopback() {
		return true
	}
	return p.allowsHost(host) && !isLoopbackName(host)
}

func isLoopbackName(host string) bool {
	host = strings.ToLower(host)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Client returns an HTTP client for deliveries: it refuses addresses the
// policy does not allow (checked again at dial time, so a name that
// resolves elsewhere than it claims is caught), never follows redirects,
// and gives up after timeout.
func (p Policy) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout}
	tr := &http.Transport{
		Proxy:                 nil,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
		ResponseHeaderTimeout: timeout,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if !p.allowsHost(host) {
				return nil, fmt.Errorf("%w: host %q", ErrRefused, host)
			}
			ips, err := net.DefaultResolver.LookupIP(ctx, "ip", host)
			if err != nil {
				return nil, err
			}
			for _, ip := range ips {
				if !p.allowsIP(ip, host) {
					return nil, fmt.Errorf("%w: %q resolves to %s, which is not loopback", ErrRefused, host, ip)
				}
			}
			return dialer.DialContext(ctx, network, net.JoinHostPort(ips[0].String(), port))
		},
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
