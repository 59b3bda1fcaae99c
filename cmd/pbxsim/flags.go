package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// hostList is a repeatable flag: --webhook-host a --webhook-host b (or a,b).
type hostList []string

func (h *hostList) String() string { return strings.Join(*h, ",") }

func (h *hostList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			return fmt.Errorf("empty host name")
		}
		if strings.ContainsAny(s, "/:@ ") && net.ParseIP(s) == nil {
			return fmt.Errorf("%q is not a host name or IP address (no scheme, port or path)", s)
		}
		*h = append(*h, s)
	}
	return nil
}

// byteSize is a flag in bytes that also reads 512KiB, 64MiB, 1GiB.
type byteSize int64

func (b *byteSize) String() string {
	n := int64(*b)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.mult && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

func (b *byteSize) Set(v string) error {
	mult := int64(1)
	s := strings.TrimSpace(v)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 || n > (1<<50)/mult {
		return fmt.Errorf("%q is not a size (bytes, or a number with KiB, MiB or GiB)", v)
	}
	*b = byteSize(n * mult)
	return nil
}

// isLoopback reports whether a listen address binds loopback only. An
// empty host (":8080") binds every interface; a host name other than
// localhost might resolve anywhere, so it counts as open.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Type names the flag's kind in --help (pflag.Value).
func (h *hostList) Type() string { return "host" }

// Type names the flag's kind in --help (pflag.Value).
func (b *byteSize) Type() string { return "size" }
